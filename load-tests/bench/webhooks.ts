// Webhook benchmark (issue 14): GitLab hook deliveries per second, accepted and end to end, beside the report
// API's figure for the same pipelines in the same run, against one Verity system started here.
//   npx tsx load-tests/bench/webhooks.ts      BENCH_PIPELINES=3000 per side (quick profile: 500), BENCH_ROUNDS=4,
//                                             BENCH_CONCURRENCY=32, BENCH_WARMUP_PIPELINES=30, BENCH_KEYED_REPORTS=1
// Writes load-tests/results/webhooks.json and .md (the current result) and a row of HISTORY.md.
//
// The system: the soak's isolation and services (soak/isolation.ts, soak/services.ts): its own topic prefix
// (soak-<time>.) and scratch database (verity_bench_soak_<time>) set up by `verity setup`, then `bin/verity
// ingest`, `decider` and `projector` as child processes; ingest reads a tokens file (INGEST_TOKENS_FILE, object
// form) holding a producer token for the report API and a gitlab connection for the hooks. All of it is
// stopped and dropped at the end.
//
// The same pipelines every way ("sides"): one stage (test) of three jobs (rspec, jest, lint) that each run and
// succeed, 7 requests per pipeline, BENCH_CONCURRENCY senders (default 32), each sending one pipeline's requests
// in order (a pipeline's next request waits for the answer to its last), one request per HTTP call:
//   webhooks — a Pipeline Hook (pending, its three builds created), then per build a Job Hook running and a
//              Job Hook success: POST /v1/hooks/gitlab with X-Gitlab-Token = the connection's secret and a
//              unique X-Gitlab-Event-UUID; payloads are test/fixtures/hooks/gitlab/'s with this run's ids
//              and times. Expected answer: 202 accepted.
//   reports  — POST /v1/pipelines (the three jobs), then per job /v1/pipelines/:id/jobs/:job/reports running
//              and success, Bearer producer token. Expected answer: 202.
//   reports_keyed — the same with an Idempotency-Key per request (BENCH_KEYED_REPORTS=0 leaves it out): every
//              hook delivery claims and completes its X-Gitlab-Event-UUID in the idempotency store, a report
//              without a key does not, so this is the like-for-like figure for the hooks' idempotency cost.
// First a warm-up of BENCH_WARMUP_PIPELINES per side, drained and not measured. Then BENCH_ROUNDS rounds: each
// side's pipelines are split evenly over them, the sides take turns within a round and their order is reversed
// every other round (A B C, C B A, …), each part drained before the next. On a shared 2-core machine one pass
// per side measured whichever went first at about half the rate of the same side going last; alternating
// spreads that drift over every side. Per part (a JSON line) and per side (over its parts): requests/s accepted
// (first send → last answer), requests/s end to end (first send → every pipeline of the part finished in
// rm.pipelines, polled every 50 ms; a side's: its requests over the sum of its parts' times), p50/p95/p99/max
// of the HTTP answer time (load-tests/query/latency.ts), answers slower than 1 s (the issue's bound) and 10 s
// (GitLab disables a hook that slow), the decider's reports, events and rejections (its /stats) and the final
// rows (status, mode, system, jobs). No raw Kafka baseline (the write-side benchmark has one): the baseline is
// the report API, measured in the same run on the same system.
import { randomUUID } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { loadConfig } from '../../services/lib/platform/config/index.js';
import { REPO_ROOT } from '../../services/lib/platform/schemas/catalog.js';
import { fmt } from '../format.js';
import { machine, ratioTable, withDatabase, type Ratio, type Row } from '../lib.js';
import type { DriverOutput } from '../query/driver.js';
import { merge, summarize, type Latency } from '../query/latency.js';
import { writeResults } from '../result-files.js';
import { createScratchDatabase, dropIsolated, serviceEnv, veritySetup } from './soak/isolation.js';
import { start, stopAll, type Running, type Service } from './soak/services.js';
import { DB_NAME, PREFIX } from './soak/settings.js';

const PIPELINES = Number(process.env.BENCH_PIPELINES ?? 3000);
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 32);
const WARMUP = Number(process.env.BENCH_WARMUP_PIPELINES ?? 30);
const KEYED = process.env.BENCH_KEYED_REPORTS !== '0';
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 4);
const DRAIN_TIMEOUT_S = Number(process.env.BENCH_DRAIN_TIMEOUT_S ?? 600);
/** The issue's bound on a hook's answer under load, and the time after which GitLab gives up on a hook. */
const ANSWER_TARGET_MS = 1000;
const GITLAB_TIMEOUT_MS = 10_000;
const JOBS = ['rspec', 'jest', 'lint'];
const PER_PIPELINE = 1 + 2 * JOBS.length;

const INSTANCE = 'https://gitlab.example.com';
const SECRET = 'bench-gitlab-secret-0123456789abcdef';
const TOKEN = 'bench-token-0123456789abcdef';
const HOOK_PROJECT = 'bench/webhooks';
const REPORT_PROJECT = 'bench/reports';
const KEYED_PROJECT = 'bench/reports-keyed';
const SERVICES: Service[] = ['ingest', 'decider', 'projector'];

const progress = (msg: string) => process.stderr.write(`[webhooks ${new Date().toISOString().slice(11, 19)}] ${msg}\n`);
const emit = (o: Row) => console.log(JSON.stringify(o));
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
let stopRequested = false;

/** One HTTP request of the traffic, built before the clock starts. */
interface Req {
  path: string;
  headers: Record<string, string>;
  body: string;
}

// ---- Traffic ----
const fixture = (name: string) =>
  JSON.parse(readFileSync(join(REPO_ROOT, 'test/fixtures/hooks/gitlab', name), 'utf8')) as Record<string, unknown>;
/** GitLab's hook time format, "2024-03-05 09:14:02 UTC". */
const hookTime = (ms: number) => `${new Date(ms).toISOString().slice(0, 19).replace('T', ' ')} UTC`;
const iso = (ms: number) => new Date(ms).toISOString();
const hex = (n: number) => Array.from({ length: n }, () => Math.floor(Math.random() * 16).toString(16)).join('');

/** One GitLab pipeline (external id `id`) as its 7 deliveries: Pipeline Hook, then Job Hooks running and success. */
function hookPipeline(id: number): Req[] {
  const t0 = Date.now();
  const sha = hex(40);
  const buildId = (j: number) => id * 10 + j;
  const headers = (event: string) => ({
    'content-type': 'application/json',
    'x-gitlab-event': event,
    'x-gitlab-token': SECRET,
    'x-gitlab-event-uuid': randomUUID(),
    'x-gitlab-instance': INSTANCE,
  });
  const pipeline = fixture('pipeline-hook.json');
  const attrs = pipeline.object_attributes as Record<string, unknown>;
  const builds = pipeline.builds as Record<string, unknown>[];
  Object.assign(attrs, {
    id,
    iid: id,
    name: `bench pipeline ${id}`,
    ref: 'main',
    sha,
    source: 'push',
    status: 'pending',
    detailed_status: 'pending',
    stages: ['test'],
    created_at: hookTime(t0),
    finished_at: null,
    duration: null,
    url: `${INSTANCE}/acme/widgets/-/pipelines/${id}`,
  });
  const template = builds.find((b) => b.status === 'success')!;
  pipeline.builds = JOBS.map((name, j) => ({
    ...template,
    id: buildId(j),
    stage: 'test',
    name,
    status: 'created',
    created_at: hookTime(t0),
    started_at: null,
    finished_at: null,
    duration: null,
    queued_duration: null,
    runner: null,
  }));
  const out: Req[] = [{ path: '/v1/hooks/gitlab', headers: headers('Pipeline Hook'), body: JSON.stringify(pipeline) }];
  const job = fixture('job-hook.json');
  for (const [j, name] of JOBS.entries()) {
    const started = t0 + 1000 + j * 100;
    const finished = started + 30_000;
    for (const status of ['running', 'success'] as const) {
      const done = status === 'success';
      const hook = {
        ...job,
        ref: 'main',
        sha,
        build_id: buildId(j),
        build_name: name,
        build_stage: 'test',
        build_status: status,
        build_created_at: iso(t0),
        build_created_at_iso: iso(t0).slice(0, 19) + 'Z',
        build_started_at: iso(started),
        build_started_at_iso: iso(started).slice(0, 19) + 'Z',
        build_finished_at: done ? iso(finished) : null,
        build_finished_at_iso: done ? iso(finished).slice(0, 19) + 'Z' : null,
        build_duration: done ? 30 : null,
        build_queued_duration: 1,
        build_failure_reason: null,
        retries_count: 0,
        pipeline_id: id,
        commit: { ...(job.commit as object), id, name: `bench pipeline ${id}`, sha, status: 'running' },
      };
      out.push({ path: '/v1/hooks/gitlab', headers: headers('Job Hook'), body: JSON.stringify(hook) });
    }
  }
  return out;
}

/** The same pipeline through the report API: create, then per job running and success; `keyed`: Idempotency-Keys. */
function reportPipeline(i: number, keyed = false): Req[] {
  const id = randomUUID();
  const project = keyed ? KEYED_PROJECT : REPORT_PROJECT;
  const auth = { 'content-type': 'application/json', authorization: `Bearer ${TOKEN}` };
  const headers = (): Record<string, string> => (keyed ? { ...auth, 'idempotency-key': randomUUID() } : auth);
  const create = {
    project_id: project,
    pipeline_id: id,
    ref: `refs/heads/branch-${i % 200}`,
    sha: hex(40),
    source: 'push',
    // Many pipelines per ref: none may auto-cancel another (as the fixed mix's records say).
    definition: {
      stages: ['test'],
      jobs: JOBS.map((name) => ({ name, stage: 'test' })),
      workflow: { auto_cancel: { on_new_commit: 'none' } },
    },
  };
  const out: Req[] = [{ path: '/v1/pipelines', headers: headers(), body: JSON.stringify(create) }];
  for (const job of JOBS) {
    const running = { project_id: project, status: 'running', runner_id: `runner-${i % 16}` };
    const success = { project_id: project, status: 'success' };
    for (const body of [running, success])
      out.push({ path: `/v1/pipelines/${id}/jobs/${job}/reports`, headers: headers(), body: JSON.stringify(body) });
  }
  return out;
}

// ---- Driving ----
interface Sent {
  out: DriverOutput;
  /** Answers by HTTP status. */
  statuses: Record<string, number>;
  /** Pipelines whose every request was answered 202. */
  okPipelines: number;
  firstMs: number;
}

/** `concurrency` senders, each taking the next pipeline and sending its requests in order, one per call. */
async function send(baseUrl: string, pipelines: Req[][], concurrency: number): Promise<Sent> {
  const latencies: number[] = [];
  const statuses: Record<string, number> = {};
  let errors = 0;
  let firstError: string | null = null;
  let okPipelines = 0;
  let next = 0;
  const t0 = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < pipelines.length && !stopRequested) {
        let ok = true;
        for (const r of pipelines[next++]!) {
          const s = performance.now();
          let status = 'error';
          try {
            const res = await fetch(baseUrl + r.path, { method: 'POST', headers: r.headers, body: r.body });
            const text = await res.text();
            status = String(res.status);
            if (res.status !== 202) throw new Error(`${r.path}: ${res.status} ${text.slice(0, 300)}`);
          } catch (err) {
            ok = false;
            errors++;
            firstError ??= (err as Error).message;
          }
          latencies.push(performance.now() - s);
          statuses[status] = (statuses[status] ?? 0) + 1;
        }
        if (ok) okPipelines++;
      }
    }),
  );
  return { out: { latencies, errors, firstError, wallMs: performance.now() - t0 }, statuses, okPipelines, firstMs: t0 };
}

/** Pipelines of `project` finished in rm.pipelines (any status; checked afterwards). */
async function finished(db: pg.Client, project: string): Promise<number> {
  const r = await db.query<{ n: string }>(
    'SELECT count(*)::text AS n FROM rm.pipelines WHERE project_id = $1 AND finished_at IS NOT NULL',
    [project],
  );
  return Number(r.rows[0]!.n);
}

/** Polls every 50 ms until `target` pipelines of `project` are finished; the time it happened (performance.now). */
async function waitFinished(db: pg.Client, project: string, target: number): Promise<number> {
  const deadline = performance.now() + DRAIN_TIMEOUT_S * 1000;
  for (let n = await finished(db, project); n < target; n = await finished(db, project)) {
    if (stopRequested) throw new Error('interrupted');
    if (performance.now() > deadline)
      throw new Error(
        `only ${n}/${target} pipelines of ${project} finished in rm.pipelines after ${DRAIN_TIMEOUT_S} s`,
      );
    await sleep(50);
  }
  return performance.now();
}

/** The decider's counters (its /stats). */
async function deciderStats(port: number): Promise<{ reports: number; events: number; rejections: number }> {
  const s = (await (await fetch(`http://127.0.0.1:${port}/stats`)).json()) as Record<string, number>;
  return { reports: s.reports ?? 0, events: s.events ?? 0, rejections: s.rejections ?? 0 };
}

/** What the phase's pipelines look like in the read model (a check that the rates count what they claim). */
async function readModelOf(db: pg.Client, project: string): Promise<Record<string, unknown>> {
  const p = await db.query<{ status: string; mode: string; system: string; n: string }>(
    `SELECT status, mode, system, count(*)::text AS n FROM rm.pipelines WHERE project_id = $1
     GROUP BY 1, 2, 3 ORDER BY 4 DESC`,
    [project],
  );
  const j = await db.query<{ status: string; n: string }>(
    `SELECT j.status, count(*)::text AS n FROM rm.jobs j JOIN rm.pipelines p USING (pipeline_id)
     WHERE p.project_id = $1 GROUP BY 1 ORDER BY 2 DESC`,
    [project],
  );
  return {
    pipelines: p.rows.map((r) => ({ status: r.status, mode: r.mode, system: r.system, n: Number(r.n) })),
    jobs: Object.fromEntries(j.rows.map((r) => [r.status, Number(r.n)])),
  };
}

type Side = 'webhooks' | 'reports' | 'reports_keyed';
type Counters = { reports: number; events: number; rejections: number };

/** One part: one side's pipelines of one round, sent and then drained. Printed as a JSON line. */
interface Part extends Row {
  what: 'part';
  side: Side;
  round: number;
  pipelines: number;
  requests: number;
  accepted_ms: number;
  visible_ms: number;
  accepted_per_s: number;
  end_to_end_per_s: number;
  p50_ms: number;
  p99_ms: number;
  errors: number;
  decider: Counters;
}

/** A side over every round: what the result reports. */
interface Totals extends Row {
  what: Side;
  pipelines: number;
  requests: number;
  rounds: number;
  concurrency: number;
  statuses: Record<string, number>;
  accepted_ms: number;
  visible_ms: number;
  accepted_per_s: number;
  end_to_end_per_s: number;
  pipelines_per_s_end_to_end: number;
  answer: Latency;
  over_1s: number;
  over_10s: number;
  decider: Counters;
  read_model: Record<string, unknown>;
}

interface Measured {
  part: Part;
  sent: Sent;
  visibleMs: number;
}

/** One part: send its pipelines, then wait until the read model shows every one of them finished. */
async function measure(
  side: Side,
  round: number,
  baseUrl: string,
  traffic: Req[][],
  project: string,
  db: pg.Client,
  deciderPort: number,
): Promise<Measured> {
  const before = await finished(db, project);
  const stats0 = await deciderStats(deciderPort);
  const requests = traffic.reduce((n, p) => n + p.length, 0);
  const sent = await send(baseUrl, traffic, CONCURRENCY);
  if (sent.out.errors > 0)
    progress(`${side}: ${sent.out.errors} requests not answered 202; first: ${sent.out.firstError ?? ''}`);
  const visibleAt = await waitFinished(db, project, before + sent.okPipelines);
  const stats1 = await deciderStats(deciderPort);
  const visibleMs = visibleAt - sent.firstMs;
  const answer = summarize(sent.out);
  const part: Part = {
    what: 'part',
    side,
    round,
    pipelines: traffic.length,
    requests,
    accepted_ms: Math.round(sent.out.wallMs),
    visible_ms: Math.round(visibleMs),
    accepted_per_s: Math.round((requests / sent.out.wallMs) * 1000),
    end_to_end_per_s: Math.round((requests / visibleMs) * 1000),
    p50_ms: answer.p50_ms,
    p99_ms: answer.p99_ms,
    errors: sent.out.errors,
    decider: {
      reports: stats1.reports - stats0.reports,
      events: stats1.events - stats0.events,
      rejections: stats1.rejections - stats0.rejections,
    },
  };
  emit(part);
  progress(
    `round ${round} ${side}: ${traffic.length} pipelines, ${requests} requests: accepted ${part.accepted_per_s}/s, end to end ${part.end_to_end_per_s}/s; answer p50/p99 ${part.p50_ms}/${part.p99_ms} ms; decider ${part.decider.rejections} rejections`,
  );
  return { part, sent, visibleMs };
}

/** A side's parts as one figure: Σ requests ÷ Σ time, percentiles over every answer. */
async function total(side: Side, parts: Measured[], db: pg.Client, project: string): Promise<Totals> {
  const out = merge(parts.map((p) => p.sent.out));
  const requests = parts.reduce((n, p) => n + p.part.requests, 0);
  const pipelines = parts.reduce((n, p) => n + p.part.pipelines, 0);
  const visibleMs = parts.reduce((n, p) => n + p.visibleMs, 0);
  const statuses: Record<string, number> = {};
  for (const p of parts) for (const [k, n] of Object.entries(p.sent.statuses)) statuses[k] = (statuses[k] ?? 0) + n;
  const sum = (k: keyof Counters) => parts.reduce((n, p) => n + p.part.decider[k], 0);
  const row: Totals = {
    what: side,
    pipelines,
    requests,
    rounds: parts.length,
    concurrency: CONCURRENCY,
    statuses,
    accepted_ms: Math.round(out.wallMs),
    visible_ms: Math.round(visibleMs),
    accepted_per_s: Math.round((requests / out.wallMs) * 1000),
    end_to_end_per_s: Math.round((requests / visibleMs) * 1000),
    pipelines_per_s_end_to_end: Math.round((pipelines / visibleMs) * 10_000) / 10,
    answer: summarize(out),
    over_1s: out.latencies.filter((l) => l > ANSWER_TARGET_MS).length,
    over_10s: out.latencies.filter((l) => l > GITLAB_TIMEOUT_MS).length,
    decider: { reports: sum('reports'), events: sum('events'), rejections: sum('rejections') },
    read_model: await readModelOf(db, project),
  };
  emit(row);
  return row;
}

// ---- The run ----
async function main(): Promise<void> {
  if (!Number.isInteger(PIPELINES) || PIPELINES < 1) throw new Error(`BENCH_PIPELINES must be ≥ 1, got ${PIPELINES}`);
  if (!Number.isInteger(CONCURRENCY) || CONCURRENCY < 1) throw new Error('BENCH_CONCURRENCY must be ≥ 1');
  if (!Number.isInteger(ROUNDS) || ROUNDS < 1 || ROUNDS > PIPELINES)
    throw new Error(`BENCH_ROUNDS must be 1 to BENCH_PIPELINES, got ${process.env.BENCH_ROUNDS}`);
  for (const sig of ['SIGINT', 'SIGTERM'] as const)
    process.on(sig, () => {
      progress(`${sig}: stopping, then cleaning up`);
      stopRequested = true;
    });
  const date = new Date().toISOString();
  const loadStart = loadavg().map((x) => Math.round(x * 100) / 100);
  const mainConfig = loadConfig();
  const dbUrl = withDatabase(mainConfig.databaseUrl, DB_NAME);
  const dir = mkdtempSync(join(tmpdir(), 'verity-bench-webhooks-'));
  const tokensFile = join(dir, 'tokens.json');
  writeFileSync(
    tokensFile,
    JSON.stringify({
      producers: [{ name: 'bench', token: TOKEN, projects: [REPORT_PROJECT, KEYED_PROJECT] }],
      connections: [
        {
          name: 'bench-gitlab',
          system: 'gitlab',
          instance: INSTANCE,
          external_project: '*',
          project: HOOK_PROJECT,
          secret: SECRET,
        },
      ],
    }),
  );
  // The producer token and the connection both come from the file (INGEST_TOKENS unset).
  const env: NodeJS.ProcessEnv = { ...serviceEnv(dbUrl), INGEST_TOKENS_FILE: tokensFile };
  delete env.INGEST_TOKENS;

  const running: Running[] = [];
  let dbCreated = false;
  let db: pg.Client | undefined;
  const sides: Side[] = ['webhooks', 'reports', ...(KEYED ? (['reports_keyed'] as const) : [])];
  const project: Record<Side, string> = {
    webhooks: HOOK_PROJECT,
    reports: REPORT_PROJECT,
    reports_keyed: KEYED_PROJECT,
  };
  const parts = new Map<Side, Measured[]>(sides.map((s) => [s, []]));
  const orders: Side[][] = [];
  const totals: Totals[] = [];
  try {
    await createScratchDatabase(mainConfig.databaseUrl);
    dbCreated = true;
    progress(`scratch database ${DB_NAME}, topic prefix ${PREFIX}: verity setup`);
    veritySetup(env);
    for (const s of SERVICES) {
      const r = await start(s, env);
      running.push(r);
      progress(`${s} started: pid ${r.pid}, port ${r.port}`);
    }
    const port = (s: Service) => running.find((r) => r.service === s)!.port;
    const baseUrl = `http://127.0.0.1:${port('ingest')}`;
    db = new pg.Client({ connectionString: dbUrl });
    await db.connect();

    // GitLab pipeline ids of this run, from 1,000 (× 10 + the job's index: its build ids).
    let externalId = 1000;
    let reportIndex = 0;
    const traffic = (side: Side, n: number): Req[][] =>
      Array.from({ length: n }, () =>
        side === 'webhooks' ? hookPipeline(externalId++) : reportPipeline(reportIndex++, side === 'reports_keyed'),
      );
    if (WARMUP > 0) {
      progress(`warm-up: ${WARMUP} pipelines each way, not measured`);
      for (const side of sides) {
        const w = await send(baseUrl, traffic(side, WARMUP), CONCURRENCY);
        if (w.out.errors) throw new Error(`warm-up refused (${side}): ${w.out.firstError ?? ''}`);
        await waitFinished(db, project[side], WARMUP);
      }
    }
    progress(
      `${ROUNDS} round(s) of ${sides.join(', ')}, order reversed every other round; ${PIPELINES} pipelines × ${PER_PIPELINE} requests per side, ${CONCURRENCY} senders`,
    );
    for (let round = 1; round <= ROUNDS; round++) {
      // Round r sends pipelines [PIPELINES·(r−1)/ROUNDS, PIPELINES·r/ROUNDS) of each side.
      const n = Math.floor((PIPELINES * round) / ROUNDS) - Math.floor((PIPELINES * (round - 1)) / ROUNDS);
      const order = round % 2 === 1 ? [...sides] : [...sides].reverse();
      orders.push(order);
      for (const side of order) {
        const t = traffic(side, n);
        parts.get(side)!.push(await measure(side, round, baseUrl, t, project[side], db, port('decider')));
      }
    }
    for (const side of sides) totals.push(await total(side, parts.get(side)!, db, project[side]));
    const dead = running.find((r) => r.exited);
    if (dead) throw new Error(`${dead.service} exited during the run: ${dead.tail.slice(-5).join('\n')}`);
    for (const r of running)
      if (r.errors > 0) progress(`${r.service} logged ${r.errors} errors; last: ${r.lastErrors.join(' || ')}`);
  } finally {
    await db?.end().catch(() => undefined);
    progress(`stopping ${running.length} service(s)`);
    await stopAll(running, progress);
    await dropIsolated(mainConfig, dbCreated, progress);
    rmSync(dir, { recursive: true, force: true });
  }
  const loadEnd = loadavg().map((x) => Math.round(x * 100) / 100);
  // Error-level log lines of each service and the last of them (services.ts keeps five).
  const serviceErrors = Object.fromEntries(
    running.map((r) => [r.service, { errors: r.errors, last: r.lastErrors.slice(-2) }]),
  );
  const allParts = [...parts.values()].flat().map((m) => m.part);
  writeReport({ date, totals, parts: allParts, orders, loadStart, loadEnd, serviceErrors });
}

const ratio = (a: number, b: number) => (b > 0 ? a / b : ('—' as const));

function writeReport(a: {
  date: string;
  totals: Totals[];
  parts: Part[];
  orders: Side[][];
  loadStart: number[];
  loadEnd: number[];
  serviceErrors: Record<string, { errors: number; last: string[] }>;
}): void {
  const { date } = a;
  const of = (side: Side) => a.totals.find((t) => t.what === side);
  const [hk, rp, kd] = [of('webhooks')!, of('reports')!, of('reports_keyed')];
  const holds = hk.answer.p99_ms <= ANSWER_TARGET_MS;
  const partOf = (side: Side, round: number) => a.parts.find((p) => p.side === side && p.round === round);
  const perRound = a.orders.map((order, i) => {
    const [h, r, k] = [partOf('webhooks', i + 1)!, partOf('reports', i + 1)!, partOf('reports_keyed', i + 1)];
    return { round: i + 1, order, h, r, k };
  });
  const spread = (xs: number[]) =>
    xs.length ? `per round ${Math.min(...xs).toFixed(2)}–${Math.max(...xs).toFixed(2)}` : '';
  const roundRatios = (k: 'accepted_per_s' | 'end_to_end_per_s') => perRound.map((x) => x.h[k] / x.r[k]);
  const results: Ratio[] = [
    {
      metric: 'webhook deliveries accepted (deliveries/s)',
      value: hk.accepted_per_s,
      baseline: `report API ${rp.accepted_per_s} reports/s`,
      ratio: ratio(hk.accepted_per_s, rp.accepted_per_s),
      target: `report (${spread(roundRatios('accepted_per_s'))})`,
    },
    {
      metric: 'webhook deliveries end to end (deliveries/s)',
      value: hk.end_to_end_per_s,
      baseline: `report API ${rp.end_to_end_per_s} reports/s`,
      ratio: ratio(hk.end_to_end_per_s, rp.end_to_end_per_s),
      target: `report (${spread(roundRatios('end_to_end_per_s'))})`,
    },
    {
      metric: 'webhook answer p99 (ms)',
      value: hk.answer.p99_ms,
      baseline: `report API p99 ${rp.answer.p99_ms} ms`,
      ratio: ratio(hk.answer.p99_ms, rp.answer.p99_ms),
      target: `≤ ${fmt(ANSWER_TARGET_MS)} ms (issue 14): ${holds ? 'holds' : 'does not hold'}`,
    },
    ...(kd
      ? [
          {
            metric: 'webhook accepted vs reports with Idempotency-Key',
            value: hk.accepted_per_s,
            baseline: `keyed reports ${kd.accepted_per_s} reports/s`,
            ratio: ratio(hk.accepted_per_s, kd.accepted_per_s),
            target: 'context: both claim a key per request',
          },
          {
            metric: 'webhook end to end vs reports with Idempotency-Key',
            value: hk.end_to_end_per_s,
            baseline: `keyed reports ${kd.end_to_end_per_s} reports/s`,
            ratio: ratio(hk.end_to_end_per_s, kd.end_to_end_per_s),
            target: 'context',
          },
        ]
      : []),
  ];
  const where = machine('Kafka, registry, Postgres, ingest, decider, projector and the senders');
  const command = `BENCH_PIPELINES=${PIPELINES} BENCH_ROUNDS=${ROUNDS} npx tsx load-tests/bench/webhooks.ts`;
  const line = (t: Totals, unit: string) =>
    `| ${t.what} | ${fmt(t.requests)} ${unit} | ${fmt(t.accepted_per_s)} | ${fmt(t.end_to_end_per_s)} | ${fmt(t.pipelines_per_s_end_to_end)} | ${t.answer.p50_ms} / ${t.answer.p95_ms} / ${t.answer.p99_ms} / ${t.answer.max_ms} | ${t.over_1s} / ${t.over_10s} | ${Object.entries(
      t.statuses,
    )
      .map(([s, n]) => `${s}: ${n}`)
      .join(', ')} | ${t.decider.reports} / ${t.decider.events} / ${t.decider.rejections} |`;
  const rm = (t: Totals) =>
    `${(t.read_model.pipelines as { status: string; mode: string; system: string; n: number }[])
      .map((r) => `${r.n} ${r.status} (${r.mode}, ${r.system})`)
      .join(', ')}; jobs ${Object.entries(t.read_model.jobs as Record<string, number>)
      .map(([s, n]) => `${n} ${s}`)
      .join(', ')}`;
  const rates = (p: Part | undefined) => (p ? `${p.accepted_per_s} / ${p.end_to_end_per_s}` : '—');
  const errors = a.totals.reduce((n, t) => n + t.answer.errors, 0);
  const md = [
    `# Webhook benchmark — ${date}`,
    '',
    `Machine: ${where}. Load average ${a.loadStart.join(' ')} at the start, ${a.loadEnd.join(' ')} at the end. Command: \`${command}\` (BENCH_CONCURRENCY=${CONCURRENCY}, BENCH_WARMUP_PIPELINES=${WARMUP}).`,
    '',
    `Traffic: ${fmt(PIPELINES)} pipelines per side, one stage of three jobs that run and succeed: ${PER_PIPELINE} requests per pipeline, one per HTTP call, ${CONCURRENCY} concurrent senders, each sending one pipeline's requests in order. Webhooks: a GitLab Pipeline Hook (pending, builds created) and per build a Job Hook running and one success, each with its own X-Gitlab-Event-UUID, to \`POST /v1/hooks/gitlab\`. Reports: \`POST /v1/pipelines\` and per job \`POST /v1/pipelines/:id/jobs/:job/reports\` running and success${kd ? '; reports_keyed: the same with an Idempotency-Key per request, as every delivery has its event UUID claimed' : ''}. One Verity system (ingest, decider, projector; own topic prefix and scratch database); a warm-up of ${WARMUP} pipelines per side, then ${ROUNDS} round(s), each side's pipelines split evenly over them and the order of the sides reversed every other round, each part drained before the next. Accepted: first request sent → last answer; end to end: first request sent → every pipeline of the part finished in rm.pipelines (polled every 50 ms); a side's rate is its requests over the sum of its parts' times.`,
    '',
    ...ratioTable(results),
    '',
    '| side | requests | accepted /s | end to end /s | pipelines/s end to end | answer p50 / p95 / p99 / max ms | answers > 1 s / > 10 s | HTTP statuses | decider reports / events / rejections |',
    '| --- | ---: | ---: | ---: | ---: | --- | --- | --- | --- |',
    line(hk, 'deliveries'),
    line(rp, 'reports'),
    ...(kd ? [line(kd, 'reports')] : []),
    '',
    `Per round, accepted / end-to-end requests/s:`,
    '',
    `| round | order | webhooks | reports | ${kd ? 'reports_keyed | ' : ''}webhooks ÷ reports, accepted / end to end |`,
    `| ---: | --- | ---: | ---: | ${kd ? '---: | ' : ''}---: |`,
    ...perRound.map(
      (x) =>
        `| ${x.round} | ${x.order.join(', ')} | ${rates(x.h)} | ${rates(x.r)} | ${kd ? `${rates(x.k)} | ` : ''}${(x.h.accepted_per_s / x.r.accepted_per_s).toFixed(2)} / ${(x.h.end_to_end_per_s / x.r.end_to_end_per_s).toFixed(2)} |`,
    ),
    '',
    `Read model at the end (warm-up included) — webhooks: ${rm(hk)}. Reports: ${rm(rp)}.${kd ? ` Reports with Idempotency-Key: ${rm(kd)}.` : ''}`,
    '',
    `Webhook answers within ${fmt(ANSWER_TARGET_MS)} ms at p99: **${holds ? 'yes' : 'no'}** (p99 ${hk.answer.p99_ms} ms; ${hk.over_1s} of ${fmt(hk.requests)} answers over 1 s, ${hk.over_10s} over GitLab's 10 s). Requests not answered 202: ${errors}. Errors logged by the services: ${Object.entries(
      a.serviceErrors,
    )
      .map(([s, e]) => `${s} ${e.errors}`)
      .join(', ')}.`,
    ...Object.entries(a.serviceErrors)
      .filter(([, e]) => e.errors > 0)
      .flatMap(([s, e]) => ['', `Last errors of ${s}: ${e.last.map((l) => `\`${l.slice(0, 300)}\``).join('; ')}.`]),
    '',
  ].join('\n');
  writeResults(
    'webhooks',
    date,
    {
      machine: where,
      command,
      settings: {
        pipelines: PIPELINES,
        rounds: ROUNDS,
        requests_per_pipeline: PER_PIPELINE,
        concurrency: CONCURRENCY,
        warmup_pipelines: WARMUP,
        keyed_reports: KEYED,
        jobs: JOBS,
      },
      load_avg: { start: a.loadStart, end: a.loadEnd },
      answer_target_ms: ANSWER_TARGET_MS,
      answer_target_met: holds,
      service_errors: a.serviceErrors,
      // Parts first, as printed (the suite recognises this file by the rows it printed), then the sides.
      rows: [...a.parts, ...a.totals],
      results,
    },
    md,
  );
}

main().then(
  () => process.exit(0),
  (err: unknown) => {
    console.error(err);
    process.exit(1);
  },
);
