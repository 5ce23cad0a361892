// GET /v1/projects/{project}/health against the real Postgres: rows are seeded straight into the active read-model
// version (unique projects per run, deleted afterwards), the query service runs in-process on port 0, and every
// answer is validated against the OpenAPI document.
import { expect } from 'chai';
import { randomUUID } from 'node:crypto';
import { inArray } from 'drizzle-orm';
import type pg from 'pg';
import { loadConfig } from '../../services/lib/platform/config/index.js';
import { createDb, createPool, type Db } from '../../services/lib/platform/db/client.js';
import { createAjv } from '../../services/lib/platform/schemas/ajv.js';
import { readModelTables } from '../../services/lib/readmodel/tables.js';
import { ensureActiveVersion, versionSchema } from '../../services/lib/readmodel/versions.js';
import type { ReadModel } from '../../services/lib/readmodel/rows.js';
import { loadQueryConfig } from '../../services/run/query/config.js';
import { startQuery, type RunningQuery } from '../../services/run/query/main.js';
import { api } from '../support/services.js';

const run = randomUUID().slice(0, 8);
const H = `htest/${run}`; // the project measured
const O = `htest/${run}-other`; // another project: as if it did not exist for the scoped token
const PROJECTS = [H, O];
const TOKENS = { reader: `hreader-${run}-0123456789abcdef`, all: `hall-${run}-0123456789abcdef` };
const TOKEN_SPEC = `reader:${TOKENS.reader}:${H};all:${TOKENS.all}:*`;

type PipelineInsert = ReadModel['pipelines']['$inferInsert'];
type JobInsert = ReadModel['jobs']['$inferInsert'];
type ProposalInsert = ReadModel['remediationProposals']['$inferInsert'];
type FlakyInsert = ReadModel['flakyJobs']['$inferInsert'];

const DAY = 86_400_000;
const NOW = Date.now();
const at = (ms: number) => new Date(ms).toISOString();
// An hour ago is today in UTC only after 01:00; the pipelines of the window are a minute old, started at T.
const T = NOW - 60_000;

function pipeline(projectId: string, over: Partial<PipelineInsert> = {}): PipelineInsert {
  return {
    pipelineId: randomUUID(),
    projectId,
    ref: 'main',
    sha: 'a1b2c3d4e5f60718293a4b5c6d7e8f9012345678',
    source: 'push',
    status: 'success',
    warnings: false,
    stages: ['build', 'test'],
    definition: { stages: ['build', 'test'], jobs: [] },
    createdAt: at(T - 1000),
    finishedAt: at(T + 100_000),
    durationMs: 100_000,
    lastSeq: 9,
    updatedAt: at(NOW),
    ...over,
  };
}

/** A job attempt of `p` that ran from T + start s to T + end s. */
function job(
  p: PipelineInsert,
  name: string,
  stage: string,
  [start, end]: [number, number] | [null, null],
  over: Partial<JobInsert> = {},
): JobInsert {
  return {
    jobId: randomUUID(),
    pipelineId: p.pipelineId!,
    projectId: p.projectId,
    name,
    stage,
    attempt: 1,
    status: 'success',
    retried: false,
    allowFailure: false,
    when: 'on_success',
    startedAt: start === null ? null : at(T + start * 1000),
    finishedAt: end === null ? null : at(T + end * 1000),
    durationMs: start === null ? null : (end - start) * 1000,
    lastSeq: 3,
    ...over,
  };
}
const failed = (reason: string, over: Partial<JobInsert> = {}): Partial<JobInsert> => ({
  status: 'failed',
  failureReason: reason,
  ...over,
});

// A: build 10 s; test from 10 s to 80 s (unit failed, retried, passed; lint failed, allowed to fail).
const A = pipeline(H, { status: 'failed' });
// B: build 20 s; test 60 s (unit failed: runner).
const B = pipeline(H, { status: 'failed' });
// C: still running: its failure counts, its stages do not (a stage of a running pipeline may not be over).
const C = pipeline(H, { status: 'running', finishedAt: null, durationMs: null });
// D: 40 days old: in a 90-day window only.
const D = pipeline(H, { status: 'failed', createdAt: at(NOW - 40 * DAY), finishedAt: at(NOW - 40 * DAY + 60_000) });
const OTHER = pipeline(O, { status: 'failed' });
const unit1 = job(A, 'unit', 'test', [10, 40], failed('script_failure', { retried: true }));
const jobs: JobInsert[] = [
  job(A, 'compile', 'build', [0, 10]),
  unit1,
  job(A, 'unit', 'test', [50, 80], { attempt: 2 }),
  job(A, 'lint', 'test', [10, 20], failed('script_failure', { allowFailure: true })),
  job(B, 'compile', 'build', [0, 20]),
  job(B, 'unit', 'test', [20, 80], failed('runner_system_failure')),
  job(C, 'compile', 'build', [0, 1000]),
  job(C, 'unit', 'test', [null, null], failed('stuck_or_timeout_failure')),
  job(C, 'deploy', 'deploy', [null, null], { status: 'created' }),
  job(D, 'compile', 'build', [0, 5000], failed('api_failure')),
  job(OTHER, 'compile', 'build', [0, 9000], failed('script_failure')),
];
const lint = jobs[3]!;

function proposal(p: PipelineInsert, j: JobInsert, over: Partial<ProposalInsert>): ProposalInsert {
  return {
    proposalId: randomUUID(),
    pipelineId: p.pipelineId!,
    projectId: p.projectId,
    jobId: j.jobId!,
    jobName: j.name,
    attempt: 1,
    failureReason: j.failureReason ?? 'script_failure',
    signature: '00112233445566778899aabbccddeeff',
    provider: 'heuristic',
    promptVersion: 'heuristic-1',
    category: 'test_failure',
    rootCause: 'a test fails',
    evidence: [],
    suggestedAction: { kind: 'fix_test', summary: 'fix: a test' },
    actionKind: 'fix_test',
    confidence: 0.6,
    shadow: false,
    tokensPrompt: 0,
    tokensCompletion: 0,
    latencyMs: 1,
    costUsd: 0,
    failedAt: at(T),
    proposedAt: at(T + 1000),
    ...over,
  };
}
const proposals = [
  proposal(A, unit1, {}),
  proposal(A, unit1, { provider: 'openai', category: 'infrastructure', shadow: true }), // shadow: not counted
  proposal(A, lint, { category: 'lint' }),
  proposal(A, lint, { category: 'lint', provider: 'openai' }), // two proposals, one failure
  proposal(D, jobs[9]!, { category: 'infrastructure', proposedAt: at(NOW - 40 * DAY) }),
  proposal(OTHER, jobs[10]!, { category: 'compilation' }),
];

const flaky = (projectId: string, name: string, detectedAt: number): FlakyInsert => ({
  passedJobId: randomUUID(),
  failedJobId: randomUUID(),
  pipelineId: randomUUID(),
  projectId,
  name,
  sha: 'abcdef1',
  failureReason: 'script_failure',
  detectedAt: at(detectedAt),
});
const flakies = [
  flaky(H, 'unit', T),
  flaky(H, 'unit', T - 5000),
  flaky(H, 'unit', NOW - 40 * DAY),
  flaky(H, 'lint', T - 2000),
  flaky(O, 'unit', T),
];

const path = (project: string, query = '') => `/v1/projects/${encodeURIComponent(project)}/health${query}`;
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- answers are asserted field by field
type Answer = { status: number; body: any; headers: Headers };

describe('query API: GET /v1/projects/{project}/health (real Postgres)', function () {
  this.timeout(60_000);
  let pool: pg.Pool;
  let db: Db;
  let tables: ReadModel;
  let query: RunningQuery;
  let url: string;
  const seen: Answer[] = [];
  const get = async (p: string, token: string | null = TOKENS.all): Promise<Answer> => {
    const a = await api(url, 'GET', p, undefined, { token: token ?? '' });
    seen.push(a);
    return a;
  };
  const problem = (a: Answer, status: number, pointer?: string) => {
    expect(a.status, JSON.stringify(a.body)).to.equal(status);
    expect(a.headers.get('content-type')).to.match(/^application\/problem\+json/);
    if (pointer) expect(a.body.errors.map((e: { pointer: string }) => e.pointer)).to.include(pointer);
  };

  before(async () => {
    pool = createPool(loadConfig().databaseUrl, 2);
    db = createDb(pool);
    tables = readModelTables(versionSchema(await ensureActiveVersion(pool)));
    await db.insert(tables.pipelines).values([A, B, C, D, OTHER]);
    await db.insert(tables.jobs).values(jobs);
    await db.insert(tables.remediationProposals).values(proposals);
    await db.insert(tables.flakyJobs).values(flakies);
    query = await startQuery(
      loadQueryConfig({ ...process.env, QUERY_PORT: '0', QUERY_TOKENS: TOKEN_SPEC, LOG_LEVEL: 'warn' }),
    );
    url = `http://127.0.0.1:${query.port}`;
  });

  after(async () => {
    await query?.stop();
    if (db) {
      await db.delete(tables.pipelines).where(inArray(tables.pipelines.projectId, PROJECTS));
      await db.delete(tables.jobs).where(inArray(tables.jobs.projectId, PROJECTS));
      await db.delete(tables.flakyJobs).where(inArray(tables.flakyJobs.projectId, PROJECTS));
      await db.delete(tables.remediationProposals).where(inArray(tables.remediationProposals.projectId, PROJECTS));
    }
    await pool?.end();
  });

  it('30 days: the slowest stages, failures by reason and by category, flaky jobs by name — exactly what was seeded', async () => {
    const a = await get(path(H, '?window=30d'), TOKENS.reader);
    expect(a.status, JSON.stringify(a.body)).to.equal(200);
    const since = `${new Date(NOW - 29 * DAY).toISOString().slice(0, 10)}T00:00:00.000Z`;
    expect(a.body).to.deep.equal({
      project_id: H,
      window: '30d',
      since,
      limit: 10,
      // test: wall 70 s (A) and 60 s (B), jobs 30, 30, 10, 60 s; build: wall = job = 10 s (A), 20 s (B). C runs.
      slowest_stages: [
        {
          stage: 'test',
          runs: 2,
          jobs: 4,
          wall_ms: { p50: 60_000, p95: 70_000 },
          job_duration_ms: { p50: 30_000, p95: 60_000 },
        },
        {
          stage: 'build',
          runs: 2,
          jobs: 2,
          wall_ms: { p50: 10_000, p95: 20_000 },
          job_duration_ms: { p50: 10_000, p95: 20_000 },
        },
      ],
      failed_jobs: 4,
      failures_by_reason: [
        { failure_reason: 'script_failure', jobs: 2, allowed_to_fail: 1 },
        { failure_reason: 'runner_system_failure', jobs: 1, allowed_to_fail: 0 },
        { failure_reason: 'stuck_or_timeout_failure', jobs: 1, allowed_to_fail: 0 },
      ],
      failures_by_category: [
        { category: 'lint', failed_jobs: 1, proposals: 2 },
        { category: 'test_failure', failed_jobs: 1, proposals: 1 },
      ],
      flaky_jobs: [
        { name: 'unit', flaky: 2, last_detected_at: at(T) },
        { name: 'lint', flaky: 1, last_detected_at: at(T - 2000) },
      ],
    });
  });

  it('the default window is 30 days; 90 days takes in the 40-day-old pipeline, proposal and flaky job', async () => {
    const byDefault = await get(path(H), TOKENS.reader);
    expect(byDefault.body.window).to.equal('30d');
    expect(byDefault.body.failed_jobs).to.equal(4);
    const a = await get(path(H, '?window=90d'), TOKENS.reader);
    expect(a.status).to.equal(200);
    expect(a.body.failed_jobs).to.equal(5);
    expect(a.body.failures_by_reason.map((r: { failure_reason: string }) => r.failure_reason)).to.deep.equal([
      'script_failure',
      'api_failure',
      'runner_system_failure',
      'stuck_or_timeout_failure',
    ]);
    expect(a.body.failures_by_category).to.deep.include({ category: 'infrastructure', failed_jobs: 1, proposals: 1 });
    expect(a.body.flaky_jobs[0]).to.deep.equal({ name: 'unit', flaky: 3, last_detected_at: at(T) });
    expect(a.body.slowest_stages[0]).to.include({ stage: 'build', runs: 3 }); // D's build: 5000 s
  });

  it('limit bounds every list; the failed-job total still counts every reason', async () => {
    const a = await get(path(H, '?window=30d&limit=1'), TOKENS.reader);
    expect(a.status).to.equal(200);
    expect(a.body.limit).to.equal(1);
    expect(a.body.slowest_stages.map((s: { stage: string }) => s.stage)).to.deep.equal(['test']);
    expect(a.body.failures_by_reason).to.have.length(1);
    expect(a.body.failures_by_category).to.have.length(1);
    expect(a.body.flaky_jobs).to.have.length(1);
    expect(a.body.failed_jobs).to.equal(4);
  });

  it('a project without data: empty lists, zero failures', async () => {
    const a = await get(path(`htest/${run}-empty`, '?window=7d'));
    expect(a.status).to.equal(200);
    expect(a.body).to.deep.include({
      slowest_stages: [],
      failed_jobs: 0,
      failures_by_reason: [],
      failures_by_category: [],
      flaky_jobs: [],
    });
  });

  it("another project answers 404 exactly as one that does not exist; its data never counts in this project's", async () => {
    const foreign = await get(path(O), TOKENS.reader);
    const missing = await get(path(`htest/${run}-nobody`), TOKENS.reader);
    problem(foreign, 404);
    expect(JSON.stringify(foreign.body).replaceAll(O, '<p>')).to.equal(
      JSON.stringify(missing.body).replaceAll(`htest/${run}-nobody`, '<p>'),
    );
    const all = await get(path(O));
    expect(all.status).to.equal(200);
    expect(all.body.failures_by_category).to.deep.equal([{ category: 'compilation', failed_jobs: 1, proposals: 1 }]);
  });

  it('401 without a token; 400 with a pointer for a bad window, limit or an unknown parameter', async () => {
    problem(await get(path(H), null), 401);
    for (const [q, pointer] of [
      ['?window=0d', '/query/window'],
      ['?window=91d', '/query/window'],
      ['?window=30', '/query/window'],
      ['?limit=0', '/query/limit'],
      ['?limit=51', '/query/limit'],
      ['?limit=x', '/query/limit'],
      ['?since=2020-01-01', '/query/since'],
    ] as const)
      problem(await get(path(H, q)), 400, pointer);
    problem(await get(`/v1/projects/${'x'.repeat(256)}/health`), 400, '/path/project');
  });

  it('every answer conforms to the OpenAPI document', async () => {
    const doc = (await api(url, 'GET', '/openapi.json', undefined, { token: '' })).body;
    const op = doc.paths['/v1/projects/{project}/health'].get;
    expect(op.parameters.map((p: { name: string }) => p.name)).to.deep.equal(['project', 'window', 'limit']);
    const ajv = createAjv();
    ajv.addVocabulary(['openapi', 'info', 'jsonSchemaDialect', 'paths', 'components']);
    ajv.addSchema(doc, 'openapi.json');
    const resolve = (response: { $ref?: string }) =>
      response.$ref
        ? response.$ref
            .slice(2)
            .split('/')
            .reduce((o: Record<string, unknown>, s) => o[s] as Record<string, unknown>, doc)
        : response;
    expect(seen.length).to.be.greaterThan(10);
    for (const a of seen) {
      const response = op.responses[String(a.status)];
      expect(response, `status ${a.status}`).to.be.an('object');
      const type = a.headers.get('content-type')!.split(';')[0]!;
      const schema = (resolve(response) as { content: Record<string, { schema: object }> }).content[type]!.schema;
      const validate = ajv.compile({ $ref: `openapi.json#/components/schemas/${schemaName(schema)}` });
      expect(validate(a.body), `${a.status}: ${JSON.stringify(validate.errors)}`).to.equal(true);
    }
    // A drifted answer is caught.
    const ok = seen.find((a) => a.status === 200)!;
    const validate = ajv.getSchema('openapi.json#/components/schemas/ProjectHealth')!;
    expect(validate({ ...ok.body, surprise: 1 })).to.equal(false);
  });
});

/** The component a response's schema refers to (ProjectHealth, Problem). */
function schemaName(schema: object): string {
  const ref = (schema as { $ref?: string }).$ref;
  if (!ref) throw new Error(`an inline response schema: ${JSON.stringify(schema)}`);
  return ref.split('/').at(-1)!;
}
