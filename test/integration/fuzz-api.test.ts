// Fuzz suite (issue 11): ≥ 1,000 generated bad requests per run across every route of ingest and the
// query API (test/support/fuzz-requests.ts), sent byte for byte over raw sockets to the services running
// in this process (ingest, decider, query on port 0). For every request: no 5xx and no hang; a 4xx
// application/problem+json (a bulk body of bad lines: NDJSON verdicts, each one a 4xx); and nothing
// written — the end offsets of every Verity topic and dead-letter topic and the row count of every table
// of the public schema and of the active read model are unchanged after each batch (a batch that wrote
// is replayed one request at a time to name the writer). Valid reads are mixed in (each must answer
// 200), and valid writes of every write route are sent first: the write probe must see each of them, so
// neither the probe nor the services can pass by refusing everything.
//
// Seeded: FUZZ_SEED=<n> replays a run; otherwise a random seed, printed at the start and in every
// failure. FUZZ_REQUESTS (1,100) sizes the run. A table of requests by route and status ends the run.
import { expect } from 'chai';
import fc from 'fast-check';
import { randomUUID } from 'node:crypto';
import { inArray } from 'drizzle-orm';
import type pg from 'pg';
import { loadConfig } from '../../services/lib/platform/config/index.js';
import { createDb, createPool, type Db } from '../../services/lib/platform/db/client.js';
import { readModelTables } from '../../services/lib/readmodel/tables.js';
import { ensureActiveVersion, versionSchema } from '../../services/lib/readmodel/versions.js';
import { loadQueryConfig } from '../../services/run/query/config.js';
import { startQuery, type RunningQuery } from '../../services/run/query/main.js';
import type { ReadModel } from '../../services/lib/readmodel/rows.js';
import { sendRaw, type RawResponse } from '../support/fuzz-http.js';
import { badRequest, validQuery, validWrites, type FuzzRequest, type FuzzTargets } from '../support/fuzz-requests.js';
import { diffState, WriteProbe, type WriteState } from '../support/fuzz-state.js';
import { api, startDeciderForTest, startIngestForTest, TOKEN_SPEC, TOKENS } from '../support/services.js';

const SEED = process.env.FUZZ_SEED !== undefined ? Number(process.env.FUZZ_SEED) : (Math.random() * 2 ** 31) | 0;
const BAD = Number(process.env.FUZZ_REQUESTS ?? 1100);
const BATCH = 25;
const CONCURRENCY = 8;
const ALPHA = 'test/alpha';
const BETA = 'test/beta';

interface Outcome {
  req: FuzzRequest;
  valid: boolean;
  res?: RawResponse;
  error?: string;
}

const contentType = (r: RawResponse) => (r.headers['content-type'] ?? '').split(';')[0]!.trim();
const bodyText = (r: RawResponse) => r.body.toString('utf8');
const describeReq = (req: FuzzRequest) =>
  `${req.method} ${req.target.length > 140 ? `${req.target.slice(0, 140)}…(${req.target.length} chars)` : req.target} [${req.defect}]`;

/** Why an answer is wrong for its request; null when it is right. */
function verdict(o: Outcome): string | null {
  if (o.error) return `no answer: ${o.error}`;
  const r = o.res!;
  if (o.valid) {
    const ok = o.req.method === 'POST' || o.req.method === 'PUT' ? [200, 201, 202] : [200];
    return ok.includes(r.status) ? null : `a valid request answered ${r.status}: ${bodyText(r).slice(0, 300)}`;
  }
  if (r.status >= 500) return `${r.status}: ${bodyText(r).slice(0, 300)}`;
  if (
    o.req.route === 'POST /v1/reports:bulk' &&
    !o.req.whole &&
    r.status === 200 &&
    contentType(r) === 'application/x-ndjson'
  ) {
    const lines = bodyText(r)
      .split('\n')
      .filter(Boolean)
      .map((l) => JSON.parse(l) as { line: number; status: number });
    const bad = lines.filter((l) => !(l.status >= 400 && l.status < 500));
    return bad.length === 0 ? null : `bulk lines accepted: ${JSON.stringify(bad).slice(0, 300)}`;
  }
  if (r.status < 400 || r.status >= 500)
    return `answered ${r.status} (${contentType(r)}): ${bodyText(r).slice(0, 300)}`;
  if (contentType(r) !== 'application/problem+json')
    return `${r.status} as ${contentType(r) || 'no content type'}, not application/problem+json: ${bodyText(r).slice(0, 200)}`;
  try {
    const p = JSON.parse(bodyText(r)) as { status?: number; title?: string };
    if (p.status !== r.status || typeof p.title !== 'string')
      return `problem body does not match the status ${r.status}: ${bodyText(r).slice(0, 200)}`;
  } catch {
    return `problem+json body is not JSON: ${bodyText(r).slice(0, 200)}`;
  }
  return null;
}

async function pool<T, R>(items: T[], n: number, fn: (t: T) => Promise<R>): Promise<R[]> {
  const out: R[] = new Array(items.length);
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(n, items.length) }, async () => {
      while (next < items.length) {
        const i = next++;
        out[i] = await fn(items[i]!);
      }
    }),
  );
  return out;
}

describe(`fuzz: bad requests to every ingest and query route (seed ${SEED}; replay with FUZZ_SEED=${SEED})`, function () {
  this.timeout(240_000);
  const config = loadConfig();
  let ingest: Awaited<ReturnType<typeof startIngestForTest>>;
  let decider: Awaited<ReturnType<typeof startDeciderForTest>>;
  let query: RunningQuery;
  let probe: WriteProbe;
  let pgPool: pg.Pool;
  let db: Db;
  let tables: ReadModel;
  let targets: FuzzTargets;
  const port = (req: FuzzRequest) => (req.service === 'ingest' ? ingest.port : query.port);
  const send = async (req: FuzzRequest, valid: boolean): Promise<Outcome> => {
    try {
      return { req, valid, res: await sendRaw(port(req), req) };
    } catch (err) {
      return { req, valid, error: (err as Error).message };
    }
  };
  /** Route → status → count, for the closing table. */
  const table = new Map<string, Map<string, number>>();
  const count = (o: Outcome) => {
    const byStatus = table.get(o.req.route) ?? new Map<string, number>();
    const key = o.error
      ? 'no answer'
      : o.req.route === 'POST /v1/reports:bulk' && o.res!.status === 200 && !o.valid
        ? '200 ndjson'
        : String(o.res!.status);
    byStatus.set(key, (byStatus.get(key) ?? 0) + 1);
    table.set(o.req.route, byStatus);
  };
  const withoutPointer = new Map<string, number>();

  before(async () => {
    decider = await startDeciderForTest();
    ingest = await startIngestForTest({ INGEST_LOG_LIMIT_BYTES: '65536', INGEST_BULK_MAX_LINES: '50' });
    query = await startQuery(
      loadQueryConfig({ ...process.env, QUERY_PORT: '0', QUERY_TOKENS: TOKEN_SPEC, LOG_LEVEL: 'fatal' }),
    );
    // A pipeline of alpha that ingest and the decider know (the routes' paths name it and its job).
    const alphaPipeline = randomUUID();
    const created = await api(
      ingest.url,
      'POST',
      '/v1/pipelines?wait=20000',
      {
        pipeline_id: alphaPipeline,
        project_id: ALPHA,
        ref: 'main',
        sha: 'a1b2c3d4e5f6',
        definition: {
          stages: ['build', 'test'],
          jobs: [
            { name: 'compile', stage: 'build' },
            { name: 'unit', stage: 'test' },
          ],
        },
      },
      { token: TOKENS.alpha },
    );
    expect(created.status, JSON.stringify(created.body)).to.equal(200);
    // Read-model rows of alpha (readable by alpha's token) and beta (foreign to it), as the projector would have them.
    pgPool = createPool(config.databaseUrl, 2);
    db = createDb(pgPool);
    tables = readModelTables(versionSchema(await ensureActiveVersion(pgPool)));
    const row = (projectId: string) => {
      const pipelineId = randomUUID();
      const jobId = randomUUID();
      const now = new Date().toISOString();
      return {
        pipeline: {
          pipelineId,
          projectId,
          ref: 'main',
          sha: 'a1b2c3d4e5f6',
          source: 'push',
          status: 'failed',
          warnings: false,
          stages: ['test'],
          definition: { stages: ['test'], jobs: [] },
          createdAt: now,
          lastSeq: 3,
          updatedAt: now,
        },
        job: {
          jobId,
          pipelineId,
          projectId,
          name: 'unit',
          stage: 'test',
          attempt: 1,
          status: 'failed',
          retried: false,
          allowFailure: false,
          when: 'on_success',
          lastSeq: 3,
        },
        proposal: {
          proposalId: randomUUID(),
          pipelineId,
          projectId,
          jobId,
          jobName: 'unit',
          attempt: 1,
          ref: 'main',
          sha: 'a1b2c3d4e5f6',
          failureReason: 'script_failure',
          signature: '00112233445566778899aabbccddeeff',
          provider: 'heuristic',
          model: null,
          promptVersion: 'heuristic-1',
          category: 'test_failure',
          rootCause: 'a test fails',
          evidence: [],
          suggestedAction: { kind: 'fix_test', summary: 'fix: a test' },
          actionKind: 'fix_test',
          confidence: 0.5,
          shadow: false,
          tokensPrompt: 0,
          tokensCompletion: 0,
          latencyMs: 1,
          costUsd: 0,
          failedAt: now,
          proposedAt: now,
        },
      };
    };
    const [a, b] = [row(ALPHA), row(BETA)];
    await db.insert(tables.pipelines).values([a.pipeline, b.pipeline]);
    await db.insert(tables.jobs).values([a.job, b.job]);
    await db.insert(tables.remediationProposals).values([a.proposal, b.proposal]);
    targets = {
      tokens: { alpha: TOKENS.alpha, beta: TOKENS.beta, unknown: 'nobody-knows-this-token-0123' },
      alphaProject: ALPHA,
      betaProject: BETA,
      alphaPipeline,
      job: 'compile',
      read: {
        alphaPipeline: a.pipeline.pipelineId,
        alphaJob: a.job.jobId,
        alphaProposal: a.proposal.proposalId,
        betaPipeline: b.pipeline.pipelineId,
        betaJob: b.job.jobId,
        betaProposal: b.proposal.proposalId,
      },
    };
    probe = await WriteProbe.open(config);
    for (let i = 0; i < 100 && (await fetch(`http://127.0.0.1:${query.port}/readyz`)).status !== 200; i++)
      await new Promise((r) => setTimeout(r, 200));
    console.log(
      `    [fuzz] seed ${SEED} (replay: FUZZ_SEED=${SEED}); watching ${probe.watched.topics.length} topics and ${probe.watched.tables.length} tables`,
    );
  });

  after(async () => {
    if (db && targets) {
      const ids = [targets.read.alphaPipeline, targets.read.betaPipeline];
      await db.delete(tables.remediationProposals).where(inArray(tables.remediationProposals.pipelineId, ids));
      await db.delete(tables.jobs).where(inArray(tables.jobs.pipelineId, ids));
      await db.delete(tables.pipelines).where(inArray(tables.pipelines.pipelineId, ids));
    }
    await probe?.close();
    await pgPool?.end();
    for (const s of [query, ingest, decider]) await s?.stop();
    if (table.size > 0) printTable(table, withoutPointer);
  });

  it('the controls: a valid request of every write route answers 2xx and the write probe sees what it wrote', async () => {
    let before = await probe.settled();
    for (const req of validWrites(targets)) {
      const o = await send(req, true);
      count(o);
      expect(verdict(o), describeReq(req)).to.equal(null);
      const after = await probe.snapshot();
      expect(diffState(before, after), `${describeReq(req)} wrote nothing the probe could see`).not.to.deep.equal([]);
      before = after;
    }
  });

  it(`≥ 1,000 generated bad requests: each a 4xx problem+json (bulk: NDJSON of 4xx verdicts), none a 5xx, none writing anything (seed ${SEED})`, async () => {
    const bad = fc.sample(badRequest(targets), { seed: SEED, numRuns: BAD });
    const controls = fc.sample(validQuery(targets), { seed: SEED + 1, numRuns: Math.ceil(BAD / BATCH) * 2 });
    expect(bad.length).to.be.at.least(1000);
    const failures: string[] = [];
    let baseline: WriteState = await probe.settled();
    let sent = 0;
    const replayDeadline = Date.now() + 60_000;
    for (let i = 0; i < bad.length; i += BATCH) {
      const batch = [
        ...bad.slice(i, i + BATCH).map((req) => ({ req, valid: false })),
        ...controls.splice(0, 2).map((req) => ({ req, valid: true })),
      ];
      const outcomes = await pool(batch, CONCURRENCY, ({ req, valid }) => send(req, valid));
      sent += outcomes.length;
      for (const o of outcomes) {
        count(o);
        const why = verdict(o);
        if (why) failures.push(`${o.req.route} ${why}\n        request: ${describeReq(o.req)}`);
        if (
          !o.valid &&
          o.res?.status === 400 &&
          contentType(o.res) === 'application/problem+json' &&
          !/"pointer"/.test(bodyText(o.res))
        ) {
          withoutPointer.set(
            `${o.req.route} [${o.req.defect}]`,
            (withoutPointer.get(`${o.req.route} [${o.req.defect}]`) ?? 0) + 1,
          );
          // Every 400 names what was wrong by JSON pointer ('' for the request as a whole).
          failures.push(
            `${o.req.route} answered 400 without a JSON pointer: ${bodyText(o.res).slice(0, 300)}\n        request: ${describeReq(o.req)}`,
          );
        }
      }
      const now = await probe.snapshot();
      const wrote = diffState(baseline, now);
      if (wrote.length > 0) {
        // Name the writer: a bad request that answered 2xx did; otherwise (a 4xx that wrote) replay the
        // batch's bad requests one at a time with a snapshot after each (ingest writes before it answers).
        const accepted = outcomes.filter((o) => !o.valid && o.res && o.res.status < 300 && verdict(o) !== null);
        const writers: string[] = accepted.map((o) => `${describeReq(o.req)} → ${o.res!.status}`);
        if (writers.length === 0 && Date.now() < replayDeadline) {
          let last = await probe.settled();
          for (const { req } of batch.filter((x) => !x.valid)) {
            const o = await send(req, false);
            const after = await probe.snapshot();
            const d = diffState(last, after);
            if (d.length > 0) writers.push(`${describeReq(req)} → ${o.res?.status ?? o.error}: ${d.join('; ')}`);
            last = after;
          }
        }
        failures.push(
          `WROTE in batch ${i / BATCH} (${wrote.slice(0, 6).join('; ')}${wrote.length > 6 ? '; …' : ''}) — ${writers.length ? `by\n          ${writers.join('\n          ')}` : 'not reproduced one by one'}`,
        );
        baseline = await probe.settled(300, 10_000);
      }
    }
    console.log(`    [fuzz] ${sent} requests (${bad.length} bad, ${sent - bad.length} valid reads); seed ${SEED}`);
    const distinct = [...new Set(failures)];
    expect(
      distinct.length,
      `seed ${SEED} (replay: FUZZ_SEED=${SEED}): ${distinct.length} failures\n      ${distinct.slice(0, 80).join('\n      ')}`,
    ).to.equal(0);
  });

  it('after the run every route still answers a valid request', async () => {
    for (const req of fc.sample(validQuery(targets), { seed: SEED + 2, numRuns: 8 })) {
      const o = await send(req, true);
      count(o);
      expect(verdict(o), describeReq(req)).to.equal(null);
    }
    const o = await send(validWrites(targets)[0]!, true);
    count(o);
    expect(verdict(o)).to.equal(null);
  });
});

function printTable(table: Map<string, Map<string, number>>, withoutPointer: Map<string, number>): void {
  const statuses = [...new Set([...table.values()].flatMap((m) => [...m.keys()]))].sort();
  const routes = [...table.keys()].sort();
  const width = Math.max(...routes.map((r) => r.length), 5);
  const cell = (s: string) => s.padStart(Math.max(5, s.length));
  const lines = [`${'route'.padEnd(width)} ${statuses.map(cell).join(' ')} ${cell('total')}`];
  const totals = new Map<string, number>();
  for (const r of routes) {
    const m = table.get(r)!;
    let sum = 0;
    const cells = statuses.map((s) => {
      const n = m.get(s) ?? 0;
      sum += n;
      totals.set(s, (totals.get(s) ?? 0) + n);
      return cell(n ? String(n) : '.').padStart(Math.max(5, s.length));
    });
    lines.push(`${r.padEnd(width)} ${cells.join(' ')} ${cell(String(sum))}`);
  }
  const all = [...totals.values()].reduce((a, b) => a + b, 0);
  lines.push(
    `${'total'.padEnd(width)} ${statuses.map((s) => cell(String(totals.get(s) ?? 0)).padStart(Math.max(5, s.length))).join(' ')} ${cell(String(all))}`,
  );
  console.log(
    `\n    [fuzz] requests by route and status (seed ${SEED}; "200 ndjson": bulk bodies of bad lines, every line a 4xx verdict)\n    ${lines.join('\n    ')}`,
  );
  if (withoutPointer.size > 0) {
    console.log(
      `    [fuzz] 400s without a JSON pointer: ${[...withoutPointer].map(([k, n]) => `${k} ×${n}`).join('; ')}`,
    );
  }
}
