// The query API against the real Postgres: rows are seeded straight into the active read-model version
// (unique projects per run, deleted afterwards), the API runs in-process on port 0.
import { expect } from 'chai';
import { randomUUID } from 'node:crypto';
import { inArray } from 'drizzle-orm';
import type pg from 'pg';
import type { RemediationEvent } from '../../services/lib/core/events/generated.js';
import { loadConfig } from '../../services/lib/platform/config/index.js';
import { createKafka } from '../../services/lib/platform/kafka/client.js';
import { TOPICS } from '../../services/lib/platform/kafka/topics.js';
import { EventCodec } from '../../services/lib/platform/registry/codec.js';
import { createDb, createPool, type Db } from '../../services/lib/platform/db/client.js';
import { readModelTables } from '../../services/lib/readmodel/tables.js';
import { createAjv, escapePointer } from '../../services/lib/platform/schemas/ajv.js';
import { createVersion, ensureActiveVersion, versionSchema } from '../../services/lib/readmodel/versions.js';
import { loadQueryConfig } from '../../services/run/query/config.js';
import { attemptsQuery, jobByIdQuery } from '../../services/run/query/jobs.js';
import { flakyJobsQuery } from '../../services/run/query/flaky.js';
import { startQuery, type RunningQuery } from '../../services/run/query/main.js';
import { latestJobsQuery, listPipelinesQuery, pipelineByIdQuery } from '../../services/run/query/pipelines.js';
import { statsQueries } from '../../services/run/query/stats.js';
import { healthQueries } from '../../services/run/query/health.js';
import { scoreboardQuery } from '../../services/run/query/scoreboard.js';
import { holderQuery, waitingQuery } from '../../services/run/query/resource-groups.js';
import { dailyDeltas } from '../../services/run/projector/daily-stats.js';
import { listRemediationsQuery } from '../../services/run/query/remediations.js';
import type { ReadModel } from '../../services/lib/readmodel/rows.js';
import { readToEnd } from '../support/kafka.js';
import { api } from '../support/services.js';
import { planOf, type Explainable } from '../support/plan.js';

const run = randomUUID().slice(0, 8);
const P = `qtest/${run}`; // 120 pipelines for lists and paging
const Q = `qtest/${run}-other`; // another project: as if it did not exist for the scoped token
const D = `qtest/${run}-detail`; // one pipeline with stages, retries, needs
const S = `qtest/${run}-stats`; // controlled numbers for the stats
const G = `qtest/${run}-groups`; // a resource group's holder and queue
const PROJECTS = [P, Q, D, S, G];

const TOKENS = {
  reader: `reader-${run}-0123456789abcdef`,
  other: `other-${run}-0123456789abcdef`,
  all: `all-${run}-0123456789abcdef`,
};
const TOKEN_SPEC = `reader:${TOKENS.reader}:${P};other:${TOKENS.other}:${Q}|${D};all:${TOKENS.all}:*`;

type PipelineInsert = ReadModel['pipelines']['$inferInsert'];
type JobInsert = ReadModel['jobs']['$inferInsert'];
type FlakyInsert = ReadModel['flakyJobs']['$inferInsert'];

const DAY = 86_400_000;
const ago = (ms: number) => new Date(Date.now() - ms).toISOString();

function pipeline(over: Partial<PipelineInsert> & { projectId: string }): PipelineInsert {
  return {
    pipelineId: randomUUID(),
    ref: 'main',
    sha: 'a1b2c3d4e5f60718293a4b5c6d7e8f9012345678',
    source: 'push',
    status: 'success',
    warnings: false,
    stages: ['test'],
    definition: { stages: over.stages ?? ['test'], jobs: [] },
    createdAt: ago(3_600_000),
    lastSeq: 5,
    updatedAt: ago(0),
    ...over,
  };
}

function job(over: Partial<JobInsert> & { pipelineId: string; projectId: string; name: string }): JobInsert {
  return {
    jobId: randomUUID(),
    stage: 'test',
    attempt: 1,
    status: 'success',
    retried: false,
    allowFailure: false,
    when: 'on_success',
    needs: null,
    lastSeq: 3,
    ...over,
  };
}

// ---- the 120 pipelines of P: groups of three share created_at exactly; groups differ by microseconds ----
const T0 = Date.now() - 3_600_000;
/**
 * Microseconds after T0 of group k: 100 µs steps inside each millisecond, so only a microsecond-exact cursor pages
 * right.
 */
const offsetUs = (k: number) => Math.floor(k / 10) * 1000 + (k % 10) * 100;
const createdAt = (k: number) =>
  `${new Date(T0 + Math.floor(k / 10)).toISOString().slice(0, -1)}${String((k % 10) * 100).padStart(3, '0')}Z`;
const LIST_STATUSES = ['success', 'failed', 'running', 'canceled', 'success'];
const listed = Array.from({ length: 120 }, (_, i) => ({
  i,
  group: Math.floor(i / 3),
  row: pipeline({
    projectId: P,
    ref: i % 4 === 0 ? 'feature/x' : 'main',
    status: LIST_STATUSES[i % 5]!,
    source: i % 6 === 0 ? 'web' : 'push',
    createdAt: createdAt(Math.floor(i / 3)),
  }),
}));
/** The API's order: created_at DESC, pipeline_id DESC. */
const expectedOrder = (items: typeof listed) =>
  [...items]
    .sort((a, b) => offsetUs(b.group) - offsetUs(a.group) || (a.row.pipelineId! < b.row.pipelineId! ? 1 : -1))
    .map((x) => x.row.pipelineId!);

// ---- one detailed pipeline of D ----
const detail = pipeline({
  projectId: D,
  stages: ['build', 'test', 'deploy'],
  status: 'manual',
  warnings: true,
  lastSeq: 30,
});
const dj = (name: string, over: Partial<JobInsert> = {}) =>
  job({ pipelineId: detail.pipelineId!, projectId: D, name, lastSeq: 10, ...over });
const detailJobs = {
  compile: dj('compile', { stage: 'build', queuedMs: 10, durationMs: 1000 }),
  lint: dj('lint', {
    stage: 'build',
    status: 'failed',
    allowFailure: true,
    failureReason: 'script_failure',
    exitCode: 1,
    logExcerpt: 'ERROR: lint failed',
  }),
  unit1: dj('unit', {
    status: 'failed',
    retried: true,
    failureReason: 'runner_system_failure',
    lastSeq: 20,
    logExcerpt: 'connection reset',
  }),
  unit2: dj('unit', { attempt: 2, lastSeq: 25 }),
  docs: dj('docs', { needs: ['compile'] }),
  pkg: dj('package', { needs: ['compile', 'lint'] }),
  review: dj('review', { stage: 'deploy', status: 'manual', when: 'manual' }),
};
const otherPipeline = pipeline({ projectId: Q });
const otherJob = job({ pipelineId: otherPipeline.pipelineId!, projectId: Q, name: 'x' });

// ---- remediation proposals (for detail's unit1 failure and the other project) ----
type ProposalInsert = typeof readModelTables extends (s: string) => infer T
  ? T extends { remediationProposals: { $inferInsert: infer I } }
    ? I
    : never
  : never;
const proposalRow = (
  over: Partial<ProposalInsert> & Pick<ProposalInsert, 'projectId' | 'jobId' | 'pipelineId'>,
): ProposalInsert => ({
  proposalId: randomUUID(),
  jobName: 'unit',
  attempt: 1,
  ref: 'main',
  sha: 'abcdef1',
  failureReason: 'runner_system_failure',
  signature: '00112233445566778899aabbccddeeff',
  provider: 'heuristic',
  model: null,
  promptVersion: 'heuristic-1',
  category: 'infrastructure',
  rootCause: 'the runner lost its connection',
  evidence: [{ start_line: 1, end_line: 1, reason: 'error line' }],
  suggestedAction: { kind: 'retry', summary: 'retry: runner system failure' },
  actionKind: 'retry',
  confidence: 0.8,
  shadow: false,
  tokensPrompt: 0,
  tokensCompletion: 0,
  latencyMs: 2,
  costUsd: 0,
  failedAt: ago(5 * 60_000),
  proposedAt: ago(4 * 60_000),
  ...over,
});
const proposals = {
  scored: proposalRow({
    projectId: D,
    jobId: detailJobs.unit1.jobId!,
    pipelineId: detailJobs.unit1.pipelineId!,
    label: 'correct',
    rule: 'retry_passed_retry_right',
    outcome: 'retry_passed',
    outcomeAt: ago(60_000),
    outcomeLatencyMs: 180_000,
    timeToGreenMs: 240_000,
    scoredAt: ago(60_000),
  }),
  shadow: proposalRow({
    projectId: D,
    jobId: detailJobs.unit1.jobId!,
    pipelineId: detailJobs.unit1.pipelineId!,
    provider: 'openai',
    promptVersion: 'p1',
    model: 'm',
    shadow: true,
    proposedAt: ago(3 * 60_000),
    tokensPrompt: 900,
    tokensCompletion: 100,
    costUsd: 0.01,
  }),
  pending: proposalRow({
    projectId: D,
    jobId: detailJobs.lint.jobId!,
    pipelineId: detailJobs.lint.pipelineId!,
    jobName: 'lint',
    category: 'lint',
    actionKind: 'fix_code',
    suggestedAction: { kind: 'fix_code', summary: 'fix: lint errors in a.ts' },
    failureReason: 'script_failure',
    proposedAt: ago(2 * 60_000),
  }),
  other: proposalRow({ projectId: Q, jobId: otherJob.jobId!, pipelineId: otherPipeline.pipelineId! }),
};

// ---- flaky jobs ----
const flaky = (projectId: string, detectedAt: string): FlakyInsert => ({
  passedJobId: randomUUID(),
  failedJobId: randomUUID(),
  pipelineId: randomUUID(),
  projectId,
  name: 'unit',
  sha: 'abcdef1',
  failureReason: 'runner_system_failure',
  detectedAt,
});
const flakyP = [flaky(P, ago(3 * 60_000)), flaky(P, ago(1 * 60_000)), flaky(P, ago(2 * 60_000))];

// ---- stats of S: 10 finished pipelines 2 days ago (8 success), 1 running, 1 finished 20 days ago ----
const statsPipelines = [
  ...Array.from({ length: 10 }, (_, i) =>
    pipeline({
      projectId: S,
      status: i < 8 ? 'success' : 'failed',
      createdAt: ago(2 * DAY + 60_000),
      finishedAt: ago(2 * DAY),
      durationMs: (i + 1) * 1000,
    }),
  ),
  pipeline({ projectId: S, status: 'running', createdAt: ago(DAY), finishedAt: null, durationMs: null }),
  pipeline({
    projectId: S,
    status: 'success',
    createdAt: ago(20 * DAY + 60_000),
    finishedAt: ago(20 * DAY),
    durationMs: 99_999,
  }),
];
const statsJobs = [
  ...statsPipelines
    .slice(0, 10)
    .map((p, i) =>
      job({ pipelineId: p.pipelineId!, projectId: S, name: 'j', finishedAt: ago(2 * DAY), queuedMs: (i + 1) * 100 }),
    ),
  job({
    pipelineId: statsPipelines[11]!.pipelineId!,
    projectId: S,
    name: 'j',
    finishedAt: ago(20 * DAY),
    queuedMs: 50_000,
  }),
];
const statsFlaky = [flaky(S, ago(2 * DAY)), flaky(S, ago(20 * DAY))];

// ---- resource group "production" of G across two pipelines: a holder (and the previous one, finished in a partition
// the projector has not caught up with yet), three waiting jobs (two of them at the same microsecond), and jobs of
// the group that are not in its queue ----
const GROUP = 'production';
const rgPipelines = [pipeline({ projectId: G, status: 'running' }), pipeline({ projectId: G, status: 'running' })];
/** T0 plus `us` microseconds, as Postgres keeps it. */
const rgAt = (us: number) =>
  `${new Date(T0 + Math.floor(us / 1000)).toISOString().slice(0, -1)}${String(us % 1000).padStart(3, '0')}Z`;
const rg = (i: 0 | 1, name: string, over: Partial<JobInsert>) =>
  job({ pipelineId: rgPipelines[i]!.pipelineId!, projectId: G, name, stage: 'deploy', resourceGroup: GROUP, ...over });
const rgJobs = {
  previous: rg(0, 'deploy-a', { status: 'running', queuedAt: rgAt(0), waitingForResourceAt: rgAt(0) }),
  holder: rg(1, 'deploy-a', { status: 'running', queuedAt: rgAt(5_000), waitingForResourceAt: rgAt(1_000) }),
  first: rg(0, 'deploy-b', { status: 'waiting_for_resource', waitingForResourceAt: rgAt(2_100) }),
  tieA: rg(1, 'deploy-b', { status: 'waiting_for_resource', waitingForResourceAt: rgAt(2_200) }),
  tieB: rg(1, 'deploy-c', { status: 'waiting_for_resource', waitingForResourceAt: rgAt(2_200) }),
  done: rg(0, 'deploy-c', { status: 'success', waitingForResourceAt: rgAt(500) }),
  canceled: rg(0, 'deploy-d', { status: 'canceled', waitingForResourceAt: rgAt(600) }),
  otherGroup: rg(0, 'deploy-e', {
    status: 'waiting_for_resource',
    resourceGroup: 'staging',
    waitingForResourceAt: rgAt(0),
  }),
};
/** The waiting jobs in the API's order: waiting since, then job id. */
const rgWaiting = [rgJobs.first, ...[rgJobs.tieA, rgJobs.tieB].sort((a, b) => (a.jobId! < b.jobId! ? -1 : 1))];

// Answers are asserted field by field and validated against the OpenAPI document.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Answer = { status: number; body: any; headers: Headers };

describe('query API (real Postgres, read models)', function () {
  this.timeout(120_000);
  const config = loadConfig();
  let pool: pg.Pool;
  let db: Db;
  let tables: ReadModel;
  let activeSchema: string;
  let query: RunningQuery;
  let url: string;
  /** Every answer, by route template, for the OpenAPI conformance test at the end. */
  const seen: { template: string; answer: Answer; method?: 'get' | 'post' }[] = [];

  const get = async (
    template: string,
    path: string,
    token: string | null = TOKENS.all,
    headers: Record<string, string> = {},
  ): Promise<Answer> => {
    const answer = await api(url, 'GET', path, undefined, { token: token ?? '', headers });
    seen.push({ template, answer });
    return answer;
  };
  const post = async (template: string, path: string, body: unknown, token: string = TOKENS.all): Promise<Answer> => {
    const answer = await api(url, 'POST', path, body, { token });
    seen.push({ template, answer, method: 'post' });
    return answer;
  };
  const expectProblem = (a: Answer, status: number, pointer?: string) => {
    expect(a.status, JSON.stringify(a.body)).to.equal(status);
    expect(a.headers.get('content-type')).to.match(/^application\/problem\+json/);
    expect(a.body).to.include({ status });
    if (pointer !== undefined) expect(a.body.errors.map((e: { pointer: string }) => e.pointer)).to.include(pointer);
  };

  before(async () => {
    pool = createPool(config.databaseUrl, 4);
    db = createDb(pool);
    activeSchema = versionSchema(await ensureActiveVersion(pool));
    tables = readModelTables(activeSchema);
    await db
      .insert(tables.pipelines)
      .values([...listed.map((x) => x.row), detail, otherPipeline, ...statsPipelines, ...rgPipelines]);
    await db
      .insert(tables.jobs)
      .values([...Object.values(detailJobs), otherJob, ...statsJobs, ...Object.values(rgJobs)]);
    await db.insert(tables.flakyJobs).values([...flakyP, flaky(Q, ago(60_000)), ...statsFlaky]);
    await db.insert(tables.remediationProposals).values(Object.values(proposals));
    // The daily stats the projector would have maintained for these rows, by the projector's own delta function.
    const asRows = <T extends { pipelineId?: string; jobId?: string }>(rows: T[], key: 'pipelineId' | 'jobId') =>
      new Map(rows.map((r) => [r[key]!, r])) as never;
    const stats = dailyDeltas(
      { pipelines: new Map(), jobs: new Map() },
      { pipelines: asRows(statsPipelines, 'pipelineId'), jobs: asRows(statsJobs, 'jobId') },
    );
    await db.insert(tables.projectDailyStats).values(stats.map((d) => ({ ...d, updatedAt: new Date().toISOString() })));
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
      await db.delete(tables.projectDailyStats).where(inArray(tables.projectDailyStats.projectId, PROJECTS));
      await db.delete(tables.remediationProposals).where(inArray(tables.remediationProposals.projectId, PROJECTS));
    }
    await pool?.end();
  });

  describe('authentication and authorisation', () => {
    for (const [name, token] of [
      ['no token', null],
      ['unknown token', 'nobody-0123456789abcdef'],
    ] as const) {
      it(`401 problem+json with WWW-Authenticate for ${name}`, async () => {
        const a = await get('/v1/pipelines', '/v1/pipelines', token);
        expectProblem(a, 401);
        expect(a.headers.get('www-authenticate')).to.match(/^Bearer/);
        expect(a.body.detail).to.match(/read token/);
      });
    }

    it('401 before anything else on every /v1 route, even an unknown one; 404 problem+json for it with a token', async () => {
      expectProblem(await get('/v1/pipelines/{id}', `/v1/pipelines/${detail.pipelineId}`, null), 401);
      expectProblem(await get('/v1/jobs/{id}', `/v1/jobs/not-a-uuid`, null), 401);
      expectProblem(
        await get('/v1/projects/{project}/flaky-jobs', `/v1/projects/${encodeURIComponent(P)}/flaky-jobs`, null),
        401,
      );
      expectProblem(
        await get('/v1/projects/{project}/stats', `/v1/projects/${encodeURIComponent(P)}/stats?window=0d`, null),
        401,
      );
      expectProblem(await api(url, 'GET', '/v1/nothing-here', undefined, { token: '' }), 401);
      expectProblem(await api(url, 'GET', '/v1/nothing-here', undefined, { token: TOKENS.all }), 404);
    });

    it('a token scoped to a project lists only that project; any other answers as if it did not exist (404, or an empty list)', async () => {
      const mine = await get('/v1/pipelines', '/v1/pipelines?limit=200', TOKENS.reader);
      expect(mine.status).to.equal(200);
      expect(mine.body.items).to.have.length(120);
      expect(new Set(mine.body.items.map((p: { project_id: string }) => p.project_id))).to.deep.equal(new Set([P]));
      const foreignList = await get('/v1/pipelines', `/v1/pipelines?project=${encodeURIComponent(Q)}`, TOKENS.reader);
      expect([foreignList.status, foreignList.body]).to.deep.equal([200, { items: [], next_cursor: null }]);
      // The same answer, byte for byte but the id, as for an id nobody has.
      const sameAsMissing = async (template: string, path: (id: string) => string, id: string) => {
        const unknown = randomUUID();
        const foreign = await get(template, path(id), TOKENS.reader);
        const missing = await get(template, path(unknown), TOKENS.reader);
        expectProblem(foreign, 404);
        expect(JSON.stringify(foreign.body).replaceAll(id, '<id>')).to.equal(
          JSON.stringify(missing.body).replaceAll(unknown, '<id>'),
        );
      };
      await sameAsMissing('/v1/pipelines/{id}', (id) => `/v1/pipelines/${id}`, otherPipeline.pipelineId!);
      await sameAsMissing('/v1/jobs/{id}', (id) => `/v1/jobs/${id}`, otherJob.jobId!);
      expectProblem(
        await get(
          '/v1/projects/{project}/flaky-jobs',
          `/v1/projects/${encodeURIComponent(Q)}/flaky-jobs`,
          TOKENS.reader,
        ),
        404,
      );
      expectProblem(
        await get('/v1/projects/{project}/stats', `/v1/projects/${encodeURIComponent(S)}/stats`, TOKENS.reader),
        404,
      );
      expectProblem(
        await get(
          '/v1/projects/{project}/stats',
          `/v1/projects/${encodeURIComponent(`qtest/${run}-nobody`)}/stats`,
          TOKENS.reader,
        ),
        404,
      );
    });

    it('a token scoped to several projects lists all of them and nothing else', async () => {
      const a = await get('/v1/pipelines', '/v1/pipelines?limit=200', TOKENS.other);
      expect(a.status).to.equal(200);
      expect(a.body.items.map((p: { pipeline_id: string }) => p.pipeline_id).sort()).to.deep.equal(
        [otherPipeline.pipelineId, detail.pipelineId].sort(),
      );
    });
  });

  describe('GET /v1/pipelines', () => {
    const ids = (a: Answer): string[] => a.body.items.map((p: { pipeline_id: string }) => p.pipeline_id);
    const list = (params: string, limit = 200) =>
      get('/v1/pipelines', `/v1/pipelines?project=${encodeURIComponent(P)}&limit=${limit}${params}`);

    for (const pageSize of [25, 40, 7]) {
      it(`pages through the 120 pipelines ${pageSize} at a time: stable order, no duplicate, no gap (microsecond ties included)`, async () => {
        const all: string[] = [];
        let cursor: string | null = null;
        let pages = 0;
        do {
          const a: Answer = await get(
            '/v1/pipelines',
            `/v1/pipelines?limit=${pageSize}${cursor ? `&cursor=${cursor}` : ''}`,
            TOKENS.reader,
          );
          expect(a.status, JSON.stringify(a.body)).to.equal(200);
          expect(a.body.items.length).to.be.at.most(pageSize);
          all.push(...ids(a));
          cursor = a.body.next_cursor;
          pages++;
        } while (cursor !== null && pages < 100);
        expect(pages).to.equal(Math.ceil(120 / pageSize));
        expect(new Set(all).size).to.equal(120);
        expect(all).to.deep.equal(expectedOrder(listed));
      });
    }

    it('uses the default page size and says when there is no next page', async () => {
      const a = await get('/v1/pipelines', `/v1/pipelines?project=${encodeURIComponent(P)}`);
      expect(a.body.items).to.have.length(50);
      expect(a.body.next_cursor).to.be.a('string');
      const b = await list('');
      expect(b.body.items).to.have.length(120);
      expect(b.body.next_cursor).to.equal(null);
    });

    it('filters by ref, status, source and their combination', async () => {
      const cases: [string, (x: (typeof listed)[number]) => boolean][] = [
        ['&ref=feature%2Fx', (x) => x.row.ref === 'feature/x'],
        ['&status=failed', (x) => x.row.status === 'failed'],
        ['&source=web', (x) => x.row.source === 'web'],
        [
          '&ref=main&status=success&source=push',
          (x) => x.row.ref === 'main' && x.row.status === 'success' && x.row.source === 'push',
        ],
      ];
      for (const [params, keep] of cases) {
        const expected = expectedOrder(listed.filter(keep));
        expect(expected.length, params).to.be.greaterThan(0);
        expect(ids(await list(params)), params).to.deep.equal(expected);
      }
    });

    it('filters by creation time, both bounds exclusive', async () => {
      const after = new Date(T0 + 2).toISOString(); // = group 20 exactly (2 ms + 0 µs)
      const before = new Date(T0 + 3).toISOString(); // = group 30 exactly
      expect(ids(await list(`&created_after=${after}`))).to.deep.equal(
        expectedOrder(listed.filter((x) => offsetUs(x.group) > 2000)),
      );
      expect(ids(await list(`&created_before=${before}`))).to.deep.equal(
        expectedOrder(listed.filter((x) => offsetUs(x.group) < 3000)),
      );
      expect(ids(await list(`&created_after=${after}&created_before=${before}`))).to.deep.equal(
        expectedOrder(listed.filter((x) => offsetUs(x.group) > 2000 && offsetUs(x.group) < 3000)),
      );
    });

    it('answers items with every column, timestamps in RFC 3339', async () => {
      const a = await list('', 1);
      const first = listed.find((x) => x.row.pipelineId === expectedOrder(listed)[0])!.row;
      expect(a.body.items[0]).to.deep.include({
        pipeline_id: first.pipelineId,
        project_id: P,
        ref: first.ref,
        status: first.status,
        stages: ['test'],
        last_seq: 5,
        finished_at: null,
      });
      expect(a.body.items[0].created_at).to.equal(new Date(T0 + 3).toISOString());
    });

    const bad: [string, string, string][] = [
      ['limit=0', 'limit', 'below 1'],
      ['limit=201', 'limit', 'above the maximum'],
      ['limit=ten', 'limit', 'not an integer'],
      ['limit=1.5', 'limit', 'not an integer'],
      ['status=exploded', 'status', 'not a status'],
      ['source=carrier-pigeon', 'source', 'not a source'],
      ['created_after=yesterday', 'created_after', 'not a date-time'],
      ['created_before=2026-02-30T00:00:00Z', 'created_before', 'not a calendar date'],
      ['created_after=0000-01-01T00:00:00Z', 'created_after', 'before what Postgres takes'],
      ['cursor=%21%21%21', 'cursor', 'not base64url'],
      [`cursor=${Buffer.from('["x","y"]').toString('base64url')}`, 'cursor', 'not a cursor'],
      [
        `cursor=${Buffer.from(`["2026-02-30 00:00:00+00","${randomUUID()}"]`).toString('base64url')}`,
        'cursor',
        'an impossible instant',
      ],
      ['status=failed&status=success', 'status', 'repeated'],
      ['limit=5&limit=6', 'limit', 'repeated'],
      ['offset=10', 'offset', 'unknown'],
      ['project=a%00b', 'project', 'holding U+0000 (was a 500)'],
      ['ref=main%00', 'ref', 'holding U+0000 (was a 500)'],
      ['ref=ma%01in', 'ref', 'holding a control character'],
      [
        `cursor=${Buffer.from(`["2026-01-01T00:00:00+01:60","${randomUUID()}"]`).toString('base64url')}`,
        'cursor',
        'an offset with 60 minutes (was a 500)',
      ],
    ];
    for (const [params, name, why] of bad) {
      it(`400 with pointer /query/${name} when ${name} is ${why} (${params})`, async () => {
        expectProblem(await get('/v1/pipelines', `/v1/pipelines?${params}`), 400, `/query/${name}`);
      });
    }
  });

  describe('GET /v1/pipelines/{id}', () => {
    const path = `/v1/pipelines/${detail.pipelineId}`;

    it('answers the pipeline with stage statuses (composite of the latest jobs), latest jobs and DAG edges', async () => {
      const a = await get('/v1/pipelines/{id}', path);
      expect(a.status, JSON.stringify(a.body)).to.equal(200);
      expect(a.body).to.deep.include({
        pipeline_id: detail.pipelineId,
        project_id: D,
        status: 'manual',
        warnings: true,
        last_seq: 30,
      });
      expect(a.body.stages).to.deep.equal([
        { name: 'build', status: 'success', warnings: true },
        { name: 'test', status: 'success', warnings: false },
        { name: 'deploy', status: 'manual', warnings: false },
      ]);
      expect(a.body.jobs.map((j: { name: string; attempt: number }) => `${j.name}#${j.attempt}`)).to.deep.equal([
        'compile#1',
        'lint#1',
        'docs#1',
        'package#1',
        'unit#2',
        'review#1',
      ]);
      expect(a.body.jobs[0]).to.include({
        job_id: detailJobs.compile.jobId,
        stage: 'build',
        queued_ms: 10,
        duration_ms: 1000,
        needs: null,
      });
      expect(a.body.jobs[0]).not.to.have.property('log_excerpt');
      expect(a.body.dag).to.deep.equal([
        { from: 'compile', to: 'docs' },
        { from: 'compile', to: 'package' },
        { from: 'lint', to: 'package' },
      ]);
    });

    it('ETag: If-None-Match → 304 without a body; a new event (last_seq) → a new ETag and 200', async () => {
      const a = await get('/v1/pipelines/{id}', path);
      const etag = a.headers.get('etag')!;
      expect(etag).to.equal(`W/"${detail.pipelineId}-30"`);
      const b = await get('/v1/pipelines/{id}', path, TOKENS.all, { 'if-none-match': etag });
      expect(b.status).to.equal(304);
      expect(b.body).to.equal('');
      expect(b.headers.get('etag')).to.equal(etag);
      expect(
        (await get('/v1/pipelines/{id}', path, TOKENS.all, { 'if-none-match': `W/"other", ${etag.slice(2)}` })).status,
        'strong form in a list matches weakly',
      ).to.equal(304);
      expect(
        (await get('/v1/pipelines/{id}', path, TOKENS.all, { 'if-none-match': 'W/"something-else"' })).status,
      ).to.equal(200);
      await pool.query(`UPDATE "${activeSchema}".pipelines SET last_seq = 31 WHERE pipeline_id = $1`, [
        detail.pipelineId,
      ]);
      const c = await get('/v1/pipelines/{id}', path, TOKENS.all, { 'if-none-match': etag });
      expect(c.status).to.equal(200);
      expect(c.headers.get('etag')).to.equal(`W/"${detail.pipelineId}-31"`);
    });

    it('404 problem+json for an unknown id, 400 /path/id for a malformed one', async () => {
      expectProblem(await get('/v1/pipelines/{id}', `/v1/pipelines/${randomUUID()}`), 404);
      expectProblem(await get('/v1/pipelines/{id}', '/v1/pipelines/1%27%20OR%201=1'), 400, '/path/id');
      expectProblem(await get('/v1/pipelines/{id}', `/v1/pipelines/urn:uuid:${detail.pipelineId}`), 400, '/path/id'); // ajv's uuid format takes it, Postgres does not (was a 500)
      expectProblem(await get('/v1/pipelines/{id}', '/v1/pipelines/%E0%A4%A'), 400, '/path');
      expectProblem(
        await get('/v1/pipelines/{id}', `/v1/pipelines/${detail.pipelineId}?expand=jobs`),
        400,
        '/query/expand',
      ); // an unknown parameter is refused, not ignored
      expectProblem(await get('/v1/jobs/{id}', `/v1/jobs/${detailJobs.unit1.jobId}?x=1`), 400, '/query/x');
    });
  });

  describe('GET /v1/jobs/{id}', () => {
    it('answers the attempt with its log excerpt and every attempt of the job, oldest first', async () => {
      const a = await get('/v1/jobs/{id}', `/v1/jobs/${detailJobs.unit1.jobId}`);
      expect(a.status, JSON.stringify(a.body)).to.equal(200);
      expect(a.body).to.include({
        job_id: detailJobs.unit1.jobId,
        name: 'unit',
        attempt: 1,
        retried: true,
        status: 'failed',
        failure_reason: 'runner_system_failure',
        log_excerpt: 'connection reset',
      });
      expect(
        a.body.attempts.map((x: { job_id: string; attempt: number; retried: boolean }) => [
          x.job_id,
          x.attempt,
          x.retried,
        ]),
      ).to.deep.equal([
        [detailJobs.unit1.jobId, 1, true],
        [detailJobs.unit2.jobId, 2, false],
      ]);
      // The newest seq among the attempts, then the version of the job's proposals (etag.ts proposalsVersion).
      expect(a.headers.get('etag')).to.match(
        new RegExp(`^W/"${detailJobs.unit1.jobId}-25\\.\\d+"$`),
        'the newest seq among the attempts',
      );
      const b = await get('/v1/jobs/{id}', `/v1/jobs/${detailJobs.unit1.jobId}`, TOKENS.all, {
        'if-none-match': a.headers.get('etag')!,
      });
      expect(b.status).to.equal(304);
    });

    it('a job without attempts history or excerpt', async () => {
      const a = await get('/v1/jobs/{id}', `/v1/jobs/${detailJobs.docs.jobId}`, TOKENS.other);
      expect(a.status).to.equal(200);
      expect(a.body).to.include({ log_excerpt: null, name: 'docs' });
      expect(a.body.needs).to.deep.equal(['compile']);
      expect(a.body.attempts).to.have.length(1);
    });

    it('404 for an unknown id, 400 /path/id for a malformed one', async () => {
      expectProblem(await get('/v1/jobs/{id}', `/v1/jobs/${randomUUID()}`), 404);
      expectProblem(await get('/v1/jobs/{id}', '/v1/jobs/42'), 400, '/path/id');
      expectProblem(await get('/v1/jobs/{id}', `/v1/jobs/urn:uuid:${detailJobs.unit1.jobId}`), 400, '/path/id');
      expectProblem(
        await get('/v1/remediations', `/v1/remediations?job_id=urn:uuid:${detailJobs.unit1.jobId}`),
        400,
        '/query/job_id',
      );
    });
  });

  describe('GET /v1/projects/{project}/flaky-jobs', () => {
    const path = `/v1/projects/${encodeURIComponent(P)}/flaky-jobs`;

    it('lists the project’s flaky jobs, newest first, up to ?limit', async () => {
      const a = await get('/v1/projects/{project}/flaky-jobs', path, TOKENS.reader);
      expect(a.status, JSON.stringify(a.body)).to.equal(200);
      expect(a.body.items.map((f: { passed_job_id: string }) => f.passed_job_id)).to.deep.equal([
        flakyP[1]!.passedJobId,
        flakyP[2]!.passedJobId,
        flakyP[0]!.passedJobId,
      ]);
      expect(a.body.items[0]).to.include({
        project_id: P,
        name: 'unit',
        failure_reason: 'runner_system_failure',
        failed_job_id: flakyP[1]!.failedJobId,
      });
      const b = await get('/v1/projects/{project}/flaky-jobs', `${path}?limit=2`, TOKENS.reader);
      expect(b.body.items).to.have.length(2);
    });

    it('400 /query/limit for a bad limit; 400 /path/project for a project holding U+0000 (was a 500)', async () => {
      expectProblem(
        await get('/v1/projects/{project}/flaky-jobs', `${path}?limit=0`, TOKENS.reader),
        400,
        '/query/limit',
      );
      expectProblem(
        await get('/v1/projects/{project}/flaky-jobs', '/v1/projects/a%00b/flaky-jobs'),
        400,
        '/path/project',
      );
      expectProblem(await get('/v1/projects/{project}/stats', '/v1/projects/a%00b/stats'), 400, '/path/project');
      expectProblem(
        await get('/v1/remediations/summary', '/v1/remediations/summary?project=a%00b'),
        400,
        '/query/project',
      );
      expectProblem(
        await get('/v1/remediations', '/v1/remediations?prompt_version=p%00'),
        400,
        '/query/prompt_version',
      );
    });
  });

  describe('GET /v1/projects/{project}/resource-groups/{group}', () => {
    const template = '/v1/projects/{project}/resource-groups/{group}';
    const path = (project = G, group = GROUP) =>
      `/v1/projects/${encodeURIComponent(project)}/resource-groups/${encodeURIComponent(group)}`;
    const ids = (a: Answer) => a.body.waiting.map((w: { job_id: string }) => w.job_id);

    it('shows the job holding the resource (the one enqueued last) and the jobs waiting, longest waiting first', async () => {
      const a = await get(template, path(), TOKENS.all);
      expect(a.status, JSON.stringify(a.body)).to.equal(200);
      expect(a.body).to.deep.include({ project_id: G, resource_group: GROUP, next_cursor: null });
      expect(a.body.holder).to.deep.equal({
        job_id: rgJobs.holder.jobId,
        name: 'deploy-a',
        pipeline_id: rgPipelines[1]!.pipelineId,
        status: 'running',
        since: new Date(T0 + 5).toISOString(),
      });
      expect(ids(a)).to.deep.equal(rgWaiting.map((j) => j.jobId));
      expect(a.body.waiting[0]).to.deep.equal({
        job_id: rgJobs.first.jobId,
        name: 'deploy-b',
        pipeline_id: rgPipelines[0]!.pipelineId,
        since: new Date(T0 + 2).toISOString(),
      });
    });

    it('pages through the waiting jobs by cursor (microsecond ties included); every page shows the holder', async () => {
      const first = await get(template, `${path()}?limit=2`, TOKENS.all);
      expect(ids(first)).to.deep.equal(rgWaiting.slice(0, 2).map((j) => j.jobId));
      expect(first.body.next_cursor).to.be.a('string');
      const second = await get(template, `${path()}?limit=2&cursor=${first.body.next_cursor}`, TOKENS.all);
      expect(ids(second)).to.deep.equal([rgWaiting[2]!.jobId]);
      expect(second.body.next_cursor).to.equal(null);
      expect(second.body.holder.job_id).to.equal(rgJobs.holder.jobId);
    });

    it('a group nobody uses is free and empty; another project answers as one that does not exist (404)', async () => {
      const free = await get(template, path(G, 'nobody-uses-it'), TOKENS.all);
      expect(free.status).to.equal(200);
      expect(free.body).to.deep.equal({
        project_id: G,
        resource_group: 'nobody-uses-it',
        holder: null,
        waiting: [],
        next_cursor: null,
      });
      const foreign = await get(template, path(G), TOKENS.reader);
      expectProblem(foreign, 404);
      expect(foreign.body.detail).to.equal(`no project ${G}`);
      const missing = await get(template, path(`${G}-missing`), TOKENS.reader);
      expectProblem(missing, 404);
      expect(missing.body.detail).to.equal(`no project ${G}-missing`);
    });

    it('400 with a pointer for a bad group, limit or cursor', async () => {
      expectProblem(await get(template, path(G, 'x'.repeat(256)), TOKENS.all), 400, '/path/group');
      expectProblem(
        await get(template, `/v1/projects/${encodeURIComponent(G)}/resource-groups/a%00b`),
        400,
        '/path/group',
      );
      expectProblem(await get(template, `${path()}?limit=0`, TOKENS.all), 400, '/query/limit');
      expectProblem(await get(template, `${path()}?cursor=bm90LWEtY3Vyc29y`, TOKENS.all), 400, '/query/cursor');
      expectProblem(await get(template, `${path()}?status=running`, TOKENS.all), 400);
    });
  });

  describe('GET /v1/projects/{project}/stats', () => {
    const path = `/v1/projects/${encodeURIComponent(S)}/stats`;

    // Percentiles: nearest rank over log buckets, reported within ±5% (services/lib/core/stats/histogram.ts).
    const near = (got: number, want: number) =>
      expect(Math.abs(got - want) / want, `${got} vs ${want}`).to.be.at.most(0.05);

    it('computes count, success rate, duration and queue-time percentiles, flaky jobs over the default 7 days, and per day', async () => {
      const a = await get('/v1/projects/{project}/stats', path);
      expect(a.status, JSON.stringify(a.body)).to.equal(200);
      expect(a.body).to.include({
        project_id: S,
        window: '7d',
        pipelines: 11,
        finished: 10,
        succeeded: 8,
        success_rate: 0.8,
        flaky_jobs: 1,
      });
      near(a.body.duration_ms.p50, 5000);
      near(a.body.duration_ms.p95, 10_000);
      expect(a.body.queue_time_ms.jobs).to.equal(10);
      near(a.body.queue_time_ms.p50, 500);
      near(a.body.queue_time_ms.p95, 1000);
      expect(a.body.since).to.equal(`${new Date(Date.now() - 6 * DAY).toISOString().slice(0, 10)}T00:00:00.000Z`);
      expect(
        a.body.daily.map((d: { day: string; pipelines: number; finished: number }) => [d.day, d.pipelines, d.finished]),
      ).to.deep.equal([
        [new Date(Date.parse(statsPipelines[0]!.createdAt!)).toISOString().slice(0, 10), 10, 10],
        [new Date(Date.parse(statsPipelines[10]!.createdAt!)).toISOString().slice(0, 10), 1, 0],
      ]);
    });

    it('the health route answers for the same project; a bad window is a 400 at its pointer', async () => {
      const a = await get('/v1/projects/{project}/health', `/v1/projects/${encodeURIComponent(S)}/health?window=30d`);
      expect(a.status, JSON.stringify(a.body)).to.equal(200);
      expectProblem(
        await get('/v1/projects/{project}/health', `/v1/projects/${encodeURIComponent(S)}/health?window=0d`),
        400,
        '/query/window',
      );
      expectProblem(
        await get('/v1/projects/{project}/health', `/v1/projects/${encodeURIComponent(Q)}/health`, TOKENS.reader),
        404,
      );
    });

    it('a wider window includes older pipelines; an empty project gives nulls, not errors', async () => {
      const a = await get('/v1/projects/{project}/stats', `${path}?window=30d`);
      expect(a.body).to.include({ window: '30d', pipelines: 12, finished: 11, succeeded: 9, flaky_jobs: 2 });
      expect(a.body.success_rate).to.be.closeTo(9 / 11, 1e-9);
      near(a.body.duration_ms.p50, 6000);
      const empty = await get(
        '/v1/projects/{project}/stats',
        `/v1/projects/${encodeURIComponent(`qtest/${run}-empty`)}/stats?window=1d`,
      );
      expect(empty.body).to.deep.include({
        pipelines: 0,
        finished: 0,
        success_rate: null,
        duration_ms: { p50: null, p95: null },
        daily: [],
      });
    });

    for (const w of ['0d', '91d', '7', '1w', '-1d']) {
      it(`400 /query/window for window=${w}`, async () => {
        expectProblem(await get('/v1/projects/{project}/stats', `${path}?window=${w}`), 400, '/query/window');
      });
    }
  });

  describe('remediations', () => {
    const ids = (a: Answer): string[] => a.body.items.map((r: { proposal_id: string }) => r.proposal_id);

    it('lists proposals newest first, hides shadow ones unless asked, filters by label and category', async () => {
      const a = await get('/v1/remediations', `/v1/remediations?project=${encodeURIComponent(D)}`);
      expect(a.status, JSON.stringify(a.body)).to.equal(200);
      expect(ids(a)).to.deep.equal([proposals.pending.proposalId, proposals.scored.proposalId]);
      expect(a.body.items[1]).to.deep.include({
        category: 'infrastructure',
        suggested_action: { kind: 'retry', summary: 'retry: runner system failure' },
        feedback: null,
      });
      expect(a.body.items[1].score).to.include({
        label: 'correct',
        rule: 'retry_passed_retry_right',
        outcome: 'retry_passed',
        time_to_green_ms: 240_000,
      });
      expect(
        ids(await get('/v1/remediations', `/v1/remediations?project=${encodeURIComponent(D)}&include_shadow=true`)),
      ).to.have.length(3);
      expect(
        ids(await get('/v1/remediations', `/v1/remediations?project=${encodeURIComponent(D)}&label=pending`)),
      ).to.deep.equal([proposals.pending.proposalId]);
      expect(
        ids(await get('/v1/remediations', `/v1/remediations?project=${encodeURIComponent(D)}&category=lint`)),
      ).to.deep.equal([proposals.pending.proposalId]);
      const page1 = await get('/v1/remediations', `/v1/remediations?project=${encodeURIComponent(D)}&limit=1`);
      const page2 = await get(
        '/v1/remediations',
        `/v1/remediations?project=${encodeURIComponent(D)}&limit=1&cursor=${page1.body.next_cursor}`,
      );
      expect([...ids(page1), ...ids(page2)]).to.deep.equal([proposals.pending.proposalId, proposals.scored.proposalId]);
      expect(page2.body.next_cursor).to.equal(null);
    });

    it('400 with a pointer for a bad filter; another project lists nothing', async () => {
      expectProblem(await get('/v1/remediations', '/v1/remediations?label=great'), 400, '/query/label');
      const foreign = await get(
        '/v1/remediations',
        `/v1/remediations?project=${encodeURIComponent(Q)}&include_shadow=true`,
        TOKENS.reader,
      );
      expect([foreign.status, foreign.body]).to.deep.equal([200, { items: [], next_cursor: null }]);
      const summary = await get(
        '/v1/remediations/summary',
        `/v1/remediations/summary?project=${encodeURIComponent(Q)}`,
        TOKENS.reader,
      );
      expect([summary.status, summary.body.providers]).to.deep.equal([200, []]);
    });

    it('the job detail carries its proposals', async () => {
      const a = await get('/v1/jobs/{id}', `/v1/jobs/${detailJobs.unit1.jobId}`);
      expect(ids({ ...a, body: { items: a.body.proposals } })).to.deep.equal([proposals.scored.proposalId]);
    });

    it('summarises quality per provider and prompt version (shadow proposals included: they are the experiment)', async () => {
      const a = await get('/v1/remediations/summary', `/v1/remediations/summary?project=${encodeURIComponent(D)}`);
      expect(a.status, JSON.stringify(a.body)).to.equal(200);
      const byProvider = Object.fromEntries(a.body.providers.map((p: { provider: string }) => [p.provider, p]));
      expect(byProvider.heuristic).to.deep.include({
        proposals: 2,
        scored: { correct: 1, incorrect: 0, expired: 0, pending: 1 },
        precision: 1,
        retry_precision: 1,
        acceptance_rate: null,
      });
      expect(byProvider.heuristic.categories.lint).to.deep.equal({
        proposals: 1,
        correct: 0,
        incorrect: 0,
        precision: null,
      });
      expect(byProvider.openai).to.deep.include({ proposals: 1, tokens: 1000, cost_usd: 0.01, precision: null });
      expect(byProvider.heuristic.time_to_green_ms).to.deep.equal({ p50_shown: 240_000, p50_hidden: null });
      expectProblem(await get('/v1/remediations/summary', '/v1/remediations/summary?window=0d'), 400, '/query/window');
      const board = await get(
        '/v1/remediations/scoreboard',
        `/v1/remediations/scoreboard?project=${encodeURIComponent(D)}`,
      );
      expect(board.status, JSON.stringify(board.body)).to.equal(200);
      expectProblem(
        await get('/v1/remediations/scoreboard', '/v1/remediations/scoreboard?window=0d'),
        400,
        '/query/window',
      );
    });

    it('feedback: 202 for a verdict, 400 with a pointer for a bad body, 415 for another Content-Type, 404 for an unknown proposal and for another project’s', async () => {
      const ok = await post(
        '/v1/remediations/{id}/feedback',
        `/v1/remediations/${proposals.pending.proposalId}/feedback`,
        { verdict: 'accepted', reason: 'fixed it' },
      );
      expect(ok.status, JSON.stringify(ok.body)).to.equal(202);
      expect(ok.body).to.include({ proposal_id: proposals.pending.proposalId, verdict: 'accepted' });
      // What the 202 promises: the feedback is on ci.remediation.events.v1, once, for that proposal.
      const kafka = createKafka(config, 'test-query-feedback');
      const admin = kafka.admin();
      await admin.connect();
      const codec = await EventCodec.forTopic<RemediationEvent>(config.schemaRegistryUrl, TOPICS.remediationEvents);
      const records = await readToEnd(kafka, admin, TOPICS.remediationEvents, 120_000).finally(() =>
        admin.disconnect(),
      );
      const given = [];
      for (const r of records) {
        const { event } = await codec.decode(r.value);
        if (event.type === 'RemediationFeedbackGiven' && event.proposal_id === proposals.pending.proposalId)
          given.push(event);
      }
      expect(given.map((e) => [e.verdict, e.reason])).to.deep.equal([['accepted', 'fixed it']]);
      expectProblem(
        await post('/v1/remediations/{id}/feedback', `/v1/remediations/${proposals.pending.proposalId}/feedback`, {
          verdict: 'maybe',
        }),
        400,
        '/body/verdict',
      );
      expectProblem(
        await post('/v1/remediations/{id}/feedback', `/v1/remediations/${proposals.pending.proposalId}/feedback`, {
          verdict: 'accepted',
          extra: 1,
        }),
        400,
      );
      expectProblem(
        await post('/v1/remediations/{id}/feedback', `/v1/remediations/${randomUUID()}/feedback`, {
          verdict: 'accepted',
        }),
        404,
      );
      const foreign = await post(
        '/v1/remediations/{id}/feedback',
        `/v1/remediations/${proposals.other.proposalId}/feedback`,
        { verdict: 'rejected' },
        TOKENS.reader,
      );
      expectProblem(foreign, 404);
      expect(foreign.body.detail).to.equal(`no proposal ${proposals.other.proposalId}`);
      expectProblem(
        await post('/v1/remediations/{id}/feedback', `/v1/remediations/${proposals.pending.proposalId}/feedback`, {
          verdict: 'accepted',
          reason: 'nul \u0000 here',
        }),
        400,
        '/body/reason',
      );
      const form = await api(url, 'POST', `/v1/remediations/${proposals.pending.proposalId}/feedback`, undefined, {
        token: TOKENS.all,
        raw: 'verdict=accepted',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
      });
      seen.push({ template: '/v1/remediations/{id}/feedback', answer: form, method: 'post' });
      expectProblem(form, 415);
      const text = await api(url, 'POST', `/v1/remediations/${proposals.pending.proposalId}/feedback`, undefined, {
        token: TOKENS.all,
        raw: '{"verdict":"accepted"}',
        headers: { 'content-type': 'text/plain' },
      });
      seen.push({ template: '/v1/remediations/{id}/feedback', answer: text, method: 'post' });
      expectProblem(text, 415);
      expectProblem(
        await post(
          '/v1/remediations/{id}/feedback',
          `/v1/remediations/urn:uuid:${proposals.pending.proposalId}/feedback`,
          { verdict: 'accepted' },
        ),
        400,
        '/path/id',
      );
      expectProblem(
        await post(
          '/v1/remediations/{id}/feedback',
          `/v1/remediations/${proposals.pending.proposalId}/feedback?verdict=accepted`,
          { verdict: 'accepted' },
        ),
        400,
        '/query/verdict',
      );
      // Not UTF-8: body-parser would decode the bad bytes to U+FFFD and publish the reason.
      const latin1 = await api(url, 'POST', `/v1/remediations/${proposals.pending.proposalId}/feedback`, undefined, {
        token: TOKENS.all,
        raw: Buffer.concat([
          Buffer.from('{"verdict":"accepted","reason":"caf'),
          Buffer.from([0xe9]),
          Buffer.from('"}'),
        ]),
      });
      seen.push({ template: '/v1/remediations/{id}/feedback', answer: latin1, method: 'post' });
      expectProblem(latin1, 400, '');
    });
  });

  describe('GET /openapi.json', () => {
    // eslint-disable-next-line @typescript-eslint/no-explicit-any -- the document is walked by JSON pointer
    let doc: any;
    before(async () => {
      const a = await api(url, 'GET', '/openapi.json', undefined, { token: '' });
      expect(a.status).to.equal(200);
      doc = a.body;
    });

    it('is an OpenAPI 3.1 document of every route, each /v1 operation with its parameters and problem+json errors', () => {
      expect(doc.openapi).to.equal('3.1.0');
      expect(Object.keys(doc.paths).sort()).to.deep.equal(
        [
          '/healthz',
          '/openapi.json',
          '/readyz',
          '/v1/jobs/{id}',
          '/v1/jobs/{id}/log',
          '/v1/operations/consumers',
          '/v1/operations/dead-letters',
          '/v1/operations/dead-letters/{topic}/redrive',
          '/v1/operations/read-models',
          '/v1/pipelines',
          '/v1/pipelines/{id}',
          '/v1/projects/{project}/flaky-jobs',
          '/v1/projects/{project}/health',
          '/v1/projects/{project}/resource-groups/{group}',
          '/v1/projects/{project}/stats',
          '/v1/remediations',
          '/v1/remediations/scoreboard',
          '/v1/remediations/summary',
          '/v1/remediations/{id}/feedback',
          '/v1/stream',
        ].sort(),
      );
      const list = doc.paths['/v1/pipelines'].get;
      expect(list.parameters.map((p: { name: string }) => p.name)).to.deep.equal([
        'project',
        'ref',
        'status',
        'source',
        'system',
        'created_after',
        'created_before',
        'limit',
        'cursor',
      ]);
      expect(list.parameters.find((p: { name: string }) => p.name === 'limit').schema).to.include({
        type: 'integer',
        minimum: 1,
        maximum: 200,
        default: 50,
      });
      for (const [path, item] of Object.entries<
        Record<string, { responses: Record<string, unknown>; security?: unknown } | undefined>
      >(doc.paths)) {
        if (!path.startsWith('/v1/')) continue;
        const op = item.get ?? item.post!;
        expect(op.security, path).to.deep.equal([{ bearer: [] }]);
        const operations = path.startsWith('/v1/operations/');
        expect(op.responses, path).to.include.keys(item.get || operations ? '200' : '202', '400', '401', '500');
        // The operations routes span every project: a scoped token gets 403 there (operations.ts).
        if (!operations)
          expect(
            op.responses,
            `${path}: no route answers 403 (another project's data answers as missing)`,
          ).not.to.have.property('403');
      }
    });

    it('every answer of this suite (a 200 and 4xx of every route) conforms to the response schema of the document', async () => {
      seen.push({ template: '/healthz', answer: await api(url, 'GET', '/healthz', undefined, { token: '' }) });
      seen.push({ template: '/readyz', answer: await api(url, 'GET', '/readyz', undefined, { token: '' }) });
      const ajv = createAjv();
      ajv.addVocabulary(['openapi', 'info', 'jsonSchemaDialect', 'paths', 'components']);
      ajv.addSchema(doc, 'openapi.json');
      const pointer = (...segments: string[]) => segments.map((s) => encodeURIComponent(escapePointer(s))).join('/');
      const resolve = (ref: string) =>
        ref
          .slice(2)
          .split('/')
          .reduce((o, s) => o[s.replace(/~1/g, '/').replace(/~0/g, '~')], doc);
      const covered = new Map<string, Set<number>>();
      for (const { template, answer, method = 'get' } of seen) {
        const where = `${method.toUpperCase()} ${template} ${answer.status}`;
        let response = doc.paths[template]?.[method]?.responses?.[String(answer.status)];
        expect(response, `${where}: not in the document`).to.be.an('object');
        let base = `openapi.json#/${pointer('paths', template, method, 'responses', String(answer.status))}`;
        if (response.$ref) {
          base = `openapi.json${response.$ref}`;
          response = resolve(response.$ref);
        }
        if (answer.status === 304) {
          expect(response.content, where).to.equal(undefined);
          expect(answer.body, where).to.equal('');
        } else {
          const type = answer.headers.get('content-type')!.split(';')[0]!;
          expect(response.content, `${where}: ${type}`).to.have.property(type);
          const validate = ajv.getSchema(`${base}/${pointer('content', type, 'schema')}`)!;
          expect(
            validate(answer.body),
            `${where}: ${JSON.stringify(validate.errors)}\n${JSON.stringify(answer.body).slice(0, 500)}`,
          ).to.equal(true);
        }
        for (const name of Object.keys(response.headers ?? {})) {
          if (name !== 'Retry-After') expect(answer.headers.get(name), `${where}: header ${name}`).to.be.a('string');
        }
        const statuses = covered.get(template) ?? new Set<number>();
        statuses.add(answer.status);
        covered.set(template, statuses);
      }
      // /v1/stream is an event stream, not a JSON answer: test/integration/stream.test.ts covers it.
      // Routes with suites of their own that validate their answers against this document: the operations
      // routes need Kafka under a prefix of their own (operations-api.test.ts), the job log a stored log
      // (log-api.test.ts).
      const elsewhere = (p: string) => p.startsWith('/v1/operations/') || p === '/v1/jobs/{id}/log';
      for (const template of Object.keys(doc.paths).filter(
        (p) => p.startsWith('/v1/') && p !== '/v1/stream' && !elsewhere(p),
      )) {
        const statuses = [...(covered.get(template) ?? [])];
        expect(
          statuses.some((s) => s === 200 || s === 202),
          template,
        ).to.equal(true);
        expect(
          statuses.some((s) => s >= 400 && s < 500),
          `${template}: a 4xx`,
        ).to.equal(true);
      }
    });

    it('a drifted answer is caught: an extra or missing field fails validation', async () => {
      const ajv = createAjv();
      ajv.addVocabulary(['openapi', 'info', 'jsonSchemaDialect', 'paths', 'components']);
      ajv.addSchema(doc, 'openapi.json');
      const validate = ajv.getSchema('openapi.json#/components/schemas/PipelineDetail')!;
      const a = await get('/v1/pipelines/{id}', `/v1/pipelines/${detail.pipelineId}`);
      expect(validate(a.body)).to.equal(true);
      expect(validate({ ...a.body, surprise: 1 })).to.equal(false);
      const { dag: _dag, ...missing } = a.body;
      expect(validate(missing)).to.equal(false);
    });
  });
});

describe('query API: every hot query uses an index (EXPLAIN on ≥ 200k rows)', function () {
  this.timeout(300_000);
  const version = 900_000 + Math.floor(Math.random() * 99_000);
  const schema = versionSchema(version);
  let pool: pg.Pool;
  let db: Db;
  let big: ReadModel;
  const PIPELINES = 200_000;

  before(async () => {
    pool = createPool(loadConfig().databaseUrl, 2);
    db = createDb(pool);
    big = readModelTables(schema);
    const client = await pool.connect();
    try {
      await createVersion(client, version);
      // 50 projects × 4000 pipelines over ~7 days, 75 % of them on main; 70 % success; 2 jobs per pipeline; 50k flaky
      // jobs.
      await client.query(`
        INSERT INTO "${schema}".pipelines (pipeline_id, project_id, ref, sha, source, status, warnings, stages, definition, created_at, started_at, finished_at, duration_ms, last_seq, updated_at)
        SELECT md5('p' || i)::uuid, 'bench/' || (i % 50), CASE WHEN (i / 50) % 4 = 0 THEN 'ref-' || ((i / 50) % 40) ELSE 'main' END, md5(i::text), CASE WHEN i % 7 = 0 THEN 'web' ELSE 'push' END, s.status,
               false, ARRAY['build', 'test'], '{"stages": ["build", "test"], "jobs": []}'::jsonb, now() - i * interval '3 seconds', now() - i * interval '3 seconds',
               CASE WHEN s.status IN ('success', 'failed', 'canceled') THEN now() - i * interval '3 seconds' + (i % 600) * interval '1 second' END,
               CASE WHEN s.status IN ('success', 'failed', 'canceled') THEN (i % 600) * 1000 END, 10, now()
        FROM generate_series(1, ${PIPELINES}) i,
             LATERAL (SELECT CASE WHEN i % 20 < 14 THEN 'success' WHEN i % 20 < 17 THEN 'failed' WHEN i % 20 = 17 THEN 'running' WHEN i % 20 = 18 THEN 'canceled' ELSE 'manual' END AS status) s`);
      await client.query(`
        INSERT INTO "${schema}".jobs (job_id, pipeline_id, project_id, name, stage, attempt, status, retried, allow_failure, "when", needs, queued_at, started_at, finished_at, queued_ms, duration_ms, last_seq)
        SELECT md5('j' || i || '-' || k)::uuid, md5('p' || i)::uuid, 'bench/' || (i % 50), CASE k WHEN 1 THEN 'compile' ELSE 'unit' END, CASE k WHEN 1 THEN 'build' ELSE 'test' END,
               1, 'success', false, false, 'on_success', CASE k WHEN 2 THEN ARRAY['compile'] END,
               now() - i * interval '3 seconds', now() - i * interval '3 seconds', now() - i * interval '3 seconds' + interval '1 minute', i % 5000, 60000, 5
        FROM generate_series(1, ${PIPELINES}) i, generate_series(1, 2) k`);
      // 20k jobs of resource groups (5 per project): a tenth waiting, a tenth running, the rest finished.
      await client.query(`
        INSERT INTO "${schema}".jobs (job_id, pipeline_id, project_id, name, stage, attempt, status, retried, allow_failure, "when", queued_at, last_seq, resource_group, waiting_for_resource_at)
        SELECT md5('rg' || i)::uuid, md5('p' || i)::uuid, 'bench/' || (i % 50), 'deploy', 'test', 1,
               CASE (i / 50) % 10 WHEN 0 THEN 'waiting_for_resource' WHEN 1 THEN 'running' ELSE 'success' END, false, false, 'on_success',
               now() - i * interval '1 second', 5, 'env-' || ((i / 50) % 5), now() - i * interval '2 seconds'
        FROM generate_series(1, 20000) i`);
      await client.query(`
        INSERT INTO "${schema}".flaky_jobs (passed_job_id, failed_job_id, pipeline_id, project_id, name, sha, failure_reason, detected_at)
        SELECT md5('f' || i)::uuid, md5('g' || i)::uuid, md5('p' || i)::uuid, 'bench/' || (i % 50), 'unit', md5(i::text), 'runner_system_failure', now() - i * interval '12 seconds'
        FROM generate_series(1, 50000) i`);
      await client.query(`
        INSERT INTO "${schema}".remediation_proposals (proposal_id, pipeline_id, project_id, job_id, job_name, attempt, ref, sha, failure_reason, signature, provider, model,
               prompt_version, category, root_cause, evidence, suggested_action, action_kind, confidence, shadow, tokens_prompt, tokens_completion, latency_ms, cost_usd, failed_at, proposed_at)
        SELECT md5('r' || i)::uuid, md5('p' || i)::uuid, 'bench/' || (i % 50), md5('j' || i || '-2')::uuid, 'unit', 1, 'main', md5(i::text), 'script_failure', substr(md5('s' || (i % 300)), 1, 16),
               'heuristic', NULL, 'heuristic-1', 'test_failure', 'a test fails', '[]'::jsonb, '{"kind": "fix_test", "summary": "fix: a test"}'::jsonb, 'fix_test', 0.6, i % 10 = 0,
               0, 0, 3, 0, now() - i * interval '7 seconds', now() - i * interval '7 seconds' + interval '2 seconds'
        FROM generate_series(1, 50000) i`);
      await client.query(`
        INSERT INTO "${schema}".project_daily_stats (project_id, day, pipelines, finished, succeeded, failed, duration_hist, queued_jobs, queue_hist, updated_at)
        SELECT 'bench/' || p, current_date - d, 100, 90, 80, 10, array_fill(0, ARRAY[200]), 180, array_fill(0, ARRAY[200]), now()
        FROM generate_series(0, 499) p, generate_series(0, 89) d`);
      for (const t of ['pipelines', 'jobs', 'flaky_jobs', 'project_daily_stats', 'remediation_proposals'])
        await client.query(`ANALYZE "${schema}"."${t}"`);
      // A precondition of the plans below (on a small table any plan is cheap), not a test of Verity.
      const r = await client.query<{ n: number }>(
        `SELECT (SELECT count(*) FROM "${schema}".pipelines) + (SELECT count(*) FROM "${schema}".jobs) + (SELECT count(*) FROM "${schema}".flaky_jobs) AS n`,
      );
      if (Number(r.rows[0]!.n) < 200_000) throw new Error(`the scratch schema holds ${r.rows[0]!.n} rows, not 200k`);
    } finally {
      client.release();
    }
  });

  after(async () => {
    await pool?.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
    await pool?.end();
  });

  /** A drizzle builder is a thenable: wrapped, so that returning it from an async function does not run it. */
  const explainable = (q: Explainable): { q: Explainable } => ({ q });
  const plan = (q: Explainable) => planOf(pool, q);

  const cursorOf = async (projects?: string[]) => {
    const [row] = await listPipelinesQuery(db, big, { projects, limit: 100 }).offset(99);
    return { createdAt: row!.createdAt, pipelineId: row!.pipelineId };
  };
  const pipelineId = () =>
    db
      .select({ id: big.pipelines.pipelineId })
      .from(big.pipelines)
      .limit(1)
      .then((r) => r[0]!.id);
  const jobKey = () =>
    db
      .select({ id: big.jobs.jobId, pipelineId: big.jobs.pipelineId, stage: big.jobs.stage, name: big.jobs.name })
      .from(big.jobs)
      .limit(1)
      .then((r) => r[0]!);
  const since = new Date(Date.now() - 7 * 86_400_000).toISOString();

  // Each hot query: no Seq Scan anywhere. Where the answer is a page in index order, the index named
  // must give that order (no Sort node: a mismatch such as DESC vs DESC NULLS LAST would add one). Where
  // the planner may fairly choose between indexes (a few hundred rows to sort), any index will do.
  const hot: [string, () => Promise<{ q: Explainable }>, { ordered?: string }][] = [
    [
      'list by project',
      async () => explainable(listPipelinesQuery(db, big, { projects: ['bench/7'], limit: 50 })),
      { ordered: 'pipelines_by_project' },
    ],
    [
      'list by project + ref',
      async () => explainable(listPipelinesQuery(db, big, { projects: ['bench/7'], ref: 'main', limit: 50 })),
      { ordered: 'pipelines_by_project_ref' },
    ],
    [
      'list by status',
      async () => explainable(listPipelinesQuery(db, big, { status: 'running', limit: 50 })),
      { ordered: 'pipelines_by_status' },
    ],
    [
      'list by project + status',
      async () => explainable(listPipelinesQuery(db, big, { projects: ['bench/7'], status: 'failed', limit: 50 })),
      { ordered: 'pipelines_by_project_status' },
    ],
    // The dashboard's other filters (source, system): the newest-first index, filtered as it walks.
    [
      'list by source (the dashboard filter)',
      async () => explainable(listPipelinesQuery(db, big, { source: 'web', limit: 50 })),
      { ordered: 'pipelines_by_created' },
    ],
    [
      'list by project + source',
      async () => explainable(listPipelinesQuery(db, big, { projects: ['bench/7'], source: 'web', limit: 50 })),
      { ordered: 'pipelines_by_project' },
    ],
    [
      'list by project + system',
      async () => explainable(listPipelinesQuery(db, big, { projects: ['bench/7'], system: 'gitlab', limit: 50 })),
      { ordered: 'pipelines_by_project_system' },
    ],
    [
      'remediations by project',
      async () =>
        explainable(listRemediationsQuery(db, big, { projects: ['bench/7'], includeShadow: false, limit: 50 })),
      { ordered: 'remediations_by_project' },
    ],
    [
      'list by project + created window',
      async () =>
        explainable(
          listPipelinesQuery(db, big, {
            projects: ['bench/7'],
            createdAfter: since,
            createdBefore: new Date().toISOString(),
            limit: 50,
          }),
        ),
      { ordered: 'pipelines_by_project' },
    ],
    [
      'list, every project (a * token)',
      async () => explainable(listPipelinesQuery(db, big, { limit: 50 })),
      { ordered: 'pipelines_by_created' },
    ],
    [
      'list, a token scoped to two projects',
      async () => explainable(listPipelinesQuery(db, big, { projects: ['bench/7', 'bench/8'], limit: 50 })),
      {},
    ],
    [
      'cursor page by project',
      async () =>
        explainable(
          listPipelinesQuery(db, big, { projects: ['bench/7'], after: await cursorOf(['bench/7']), limit: 50 }),
        ),
      { ordered: 'pipelines_by_project' },
    ],
    [
      'cursor page, every project',
      async () => explainable(listPipelinesQuery(db, big, { after: await cursorOf(), limit: 50 })),
      { ordered: 'pipelines_by_created' },
    ],
    [
      'pipeline detail by id',
      async () => explainable(pipelineByIdQuery(db, big, await pipelineId())),
      { ordered: 'pipelines_pkey' },
    ],
    [
      'jobs by pipeline',
      async () => explainable(latestJobsQuery(db, big, await pipelineId())),
      { ordered: 'jobs_by_pipeline' },
    ],
    ['job by id', async () => explainable(jobByIdQuery(db, big, (await jobKey()).id)), { ordered: 'jobs_pkey' }],
    [
      'attempts of a job',
      async () => explainable(attemptsQuery(db, big, await jobKey())),
      { ordered: 'jobs_by_pipeline' },
    ],
    ['flaky by project', async () => explainable(flakyJobsQuery(db, big, 'bench/7', 50)), {}],
    [
      'stats: daily rows of a project',
      async () => explainable(statsQueries(db, big, 'bench/7', since.slice(0, 10)).days),
      {},
    ], // at most 90 rows: a sort of them is fine
    ['stats: flaky jobs', async () => explainable(statsQueries(db, big, 'bench/7', since.slice(0, 10)).flaky), {}],
    // The dashboard's project health and AI scoreboard (one project over 7 days).
    ['health: slowest stages', async () => explainable(healthQueries(db, big, 'bench/7', since, 10).stages), {}],
    ['health: failures by reason', async () => explainable(healthQueries(db, big, 'bench/7', since, 10).reasons), {}],
    [
      'health: failures by category',
      async () => explainable(healthQueries(db, big, 'bench/7', since, 10).categories),
      {},
    ],
    ['health: flaky jobs by name', async () => explainable(healthQueries(db, big, 'bench/7', since, 10).flaky), {}],
    [
      'scoreboard: one project',
      async () =>
        explainable(
          scoreboardQuery(db, big, { projects: ['bench/7'], since, until: new Date().toISOString(), limit: 9000 }),
        ),
      {},
    ],
    [
      'resource group: waiting jobs',
      async () => explainable(waitingQuery(db, big, { projectId: 'bench/7', group: 'env-0', limit: 50 })),
      { ordered: 'jobs_by_resource_group' },
    ],
    [
      'resource group: waiting jobs, a cursor page',
      async () =>
        explainable(
          waitingQuery(db, big, {
            projectId: 'bench/7',
            group: 'env-0',
            after: { createdAt: new Date(Date.now() - 86_400_000).toISOString(), pipelineId: randomUUID() },
            limit: 50,
          }),
        ),
      { ordered: 'jobs_by_resource_group' },
    ],
    // The jobs holding a resource: a handful at most (one, but for projection lag), sorted.
    [
      'resource group: holder',
      async () => explainable(holderQuery(db, big, { projectId: 'bench/7', group: 'env-1' })),
      {},
    ],
  ];
  for (const [name, build, { ordered }] of hot) {
    it(`${name}: no Seq Scan${ordered ? `, order from ${ordered}` : ', an index'}`, async () => {
      const nodes = await plan((await build()).q);
      const summary = nodes
        .map(
          (n) =>
            `${n['Node Type']}${n['Relation Name'] ? ` on ${n['Relation Name']}` : ''}${n['Index Name'] ? ` using ${n['Index Name']}` : ''}`,
        )
        .join(' → ');
      expect(
        nodes.filter((n) => n['Node Type'] === 'Seq Scan'),
        summary,
      ).to.deep.equal([]);
      expect(
        nodes.some((n) => n['Index Name'] !== undefined),
        summary,
      ).to.equal(true);
      if (ordered) {
        expect(
          nodes.map((n) => n['Index Name']),
          summary,
        ).to.include(ordered);
        expect(nodes.filter((n) => /Sort/.test(n['Node Type'])).length, summary).to.equal(0);
      }
    });
  }

  it('the cursor page seeks through the index (the row comparison is an index condition, not a filter)', async () => {
    const nodes = await plan(
      listPipelinesQuery(db, big, { projects: ['bench/7'], after: await cursorOf(['bench/7']), limit: 50 }),
    );
    const scan = nodes.find((n) => n['Index Name'] === 'pipelines_by_project')!;
    expect(scan['Index Cond'], JSON.stringify(scan)).to.match(
      /ROW\(created_at, pipeline_id\) <|\(created_at, pipeline_id\) </,
    );
  });
});
