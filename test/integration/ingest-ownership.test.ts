// Issue 11, finding 7: every ingest write is authorised against the project that owns the pipeline.
// A token of project A never writes to, nor learns the existence of, project B's pipelines: each write
// route answers for B's pipeline exactly as for a pipeline that does not exist (404 problem+json, the
// same body), writes nothing, and log deduplication is scoped to one project.
import { expect } from 'chai';
import { randomUUID } from 'node:crypto';
import type { Admin, Kafka } from 'kafkajs';
import type pg from 'pg';
import type { PipelineEvent } from '../../services/lib/core/events/generated.js';
import { loadConfig } from '../../services/lib/platform/config/index.js';
import { createPool } from '../../services/lib/platform/db/client.js';
import { createKafka } from '../../services/lib/platform/kafka/client.js';
import { api, startDeciderForTest, startIngestForTest, TOKENS } from '../support/services.js';
import { nothingWritten, pipelineEventsOf, PROBLEM, raw, type RawAnswer } from './ingest-helpers.js';

const SHA = 'a1b2c3d4e5f60718293a4b5c6d7e8f9012345678';
const A = 'test/alpha';
const B = 'test/beta';
const bearer = (t: string) => ({ authorization: `Bearer ${t}` });
const definition = {
  stages: ['build', 'ship'],
  jobs: [
    { name: 'build', stage: 'build' },
    { name: 'deploy', stage: 'ship', when: 'manual' },
  ],
};

describe("ingest: writes are authorised against the pipeline's own project (finding 7)", function () {
  this.timeout(120_000);
  const config = loadConfig();
  let ingest: Awaited<ReturnType<typeof startIngestForTest>>;
  let decider: Awaited<ReturnType<typeof startDeciderForTest>>;
  let kafka: Kafka;
  let admin: Admin;
  let pool: pg.Pool;
  let bPipeline: string;
  let aPipeline: string;
  let aBuildAttempt: string;
  const bLog = `B's own build log ${randomUUID()}\nERROR: B failed for B's reason\n`;
  let bLogRef: string;

  before(async () => {
    kafka = createKafka(config, 'test-ingest-ownership');
    admin = kafka.admin();
    await admin.connect();
    pool = createPool(config.databaseUrl, 2);
    decider = await startDeciderForTest();
    ingest = await startIngestForTest();
    const b = await api(
      ingest.url,
      'POST',
      '/v1/pipelines?wait=20000',
      { project_id: B, ref: 'main', sha: SHA, definition },
      { token: TOKENS.beta },
    );
    expect(b.status, JSON.stringify(b.body)).to.equal(200);
    bPipeline = b.body.pipeline_id;
    const a = await api(
      ingest.url,
      'POST',
      '/v1/pipelines?wait=20000',
      { project_id: A, ref: 'main', sha: SHA, definition },
      { token: TOKENS.alpha },
    );
    expect(a.status, JSON.stringify(a.body)).to.equal(200);
    aPipeline = a.body.pipeline_id;
    aBuildAttempt = (a.body.events as { type: string; name?: string; job_id?: string }[]).find(
      (e) => e.type === 'JobCreated' && e.name === 'build',
    )!.job_id!;
    const put = await raw(ingest.url, 'PUT', `/v1/pipelines/${bPipeline}/jobs/build/log?project_id=test%2Fbeta`, {
      headers: { ...bearer(TOKENS.beta), 'content-type': 'text/plain' },
      body: bLog,
    });
    expect(put.status, put.text).to.equal(201);
    bLogRef = put.body.ref;
  });
  after(async () => {
    await ingest?.stop();
    await decider?.stop();
    await admin?.disconnect();
    await pool?.end();
  });

  /** A's request against `pipeline`: JSON routes with A's project in the body; the log with ?project_id=A. */
  type Route = { name: string; send: (pipeline: string, token?: string) => Promise<RawAnswer> };
  const json =
    (
      path: (p: string) => string,
      body: Record<string, unknown> | ((p: string) => Record<string, unknown>),
    ): Route['send'] =>
    (p, token = TOKENS.alpha) =>
      raw(ingest.url, 'POST', path(p), {
        headers: { ...bearer(token), 'content-type': 'application/json' },
        body: JSON.stringify(typeof body === 'function' ? body(p) : body),
      });
  const routes: Route[] = [
    {
      name: 'report',
      send: json((p) => `/v1/pipelines/${p}/jobs/build/reports`, {
        project_id: A,
        status: 'running',
        runner_id: 'evil',
      }),
    },
    {
      name: 'report with ?wait',
      send: json((p) => `/v1/pipelines/${p}/jobs/build/reports?wait=3000`, {
        project_id: A,
        status: 'running',
        runner_id: 'evil',
      }),
    },
    {
      name: 'report with an Idempotency-Key',
      send: json(
        (p) => `/v1/pipelines/${p}/jobs/build/reports`,
        (p) => ({ project_id: A, status: 'running', runner_id: 'evil', idempotency_key: `k-${p}` }),
      ),
    },
    { name: 'cancel', send: json((p) => `/v1/pipelines/${p}/cancel`, { project_id: A }) },
    { name: 'retry', send: json((p) => `/v1/pipelines/${p}/jobs/build/retry`, { project_id: A }) },
    { name: 'play', send: json((p) => `/v1/pipelines/${p}/jobs/deploy/play`, { project_id: A }) },
    {
      name: 'play with variables',
      send: json((p) => `/v1/pipelines/${p}/jobs/deploy/play?wait=3000`, {
        project_id: A,
        variables: [{ key: 'TOKEN', value: 'never-reaches-B' }],
      }),
    },
    { name: 'cancel a job', send: json((p) => `/v1/pipelines/${p}/jobs/build/cancel`, { project_id: A }) },
    { name: 'retry a pipeline', send: json((p) => `/v1/pipelines/${p}/retry`, { project_id: A }) },
    { name: 'unschedule', send: json((p) => `/v1/pipelines/${p}/jobs/deploy/unschedule`, { project_id: A }) },
    {
      name: 'log upload',
      send: (p, token = TOKENS.alpha) =>
        raw(ingest.url, 'PUT', `/v1/pipelines/${p}/jobs/build/log?project_id=test%2Falpha`, {
          headers: { ...bearer(token), 'content-type': 'text/plain' },
          body: `A's text injected into ${p}\n`,
        }),
    },
    {
      name: "log upload of bytes identical to the other project's log (no content oracle)",
      send: (p, token = TOKENS.alpha) =>
        raw(ingest.url, 'PUT', `/v1/pipelines/${p}/jobs/build/log?project_id=test%2Falpha`, {
          headers: { ...bearer(token), 'content-type': 'text/plain' },
          body: bLog,
        }),
    },
  ];
  const same = (x: RawAnswer, y: RawAnswer, xId: string, yId: string) => {
    expect(x.status).to.equal(y.status);
    expect(x.type).to.equal(y.type);
    expect(x.text.split(xId).join('<id>')).to.equal(y.text.split(yId).join('<id>'));
  };

  for (const r of routes) {
    for (const [who, token] of [
      ["A's token", TOKENS.alpha],
      ['a token for every project, naming A', TOKENS.all],
    ] as const) {
      it(`${r.name}, ${who}: B's pipeline → 404, exactly as a pipeline that does not exist; nothing written`, async () => {
        const unknown = randomUUID();
        const [onB, onUnknown] = await nothingWritten(
          admin,
          pool,
          async () => [await r.send(bPipeline, token), await r.send(unknown, token)] as const,
        );
        expect(onB.status, onB.text).to.equal(404);
        expect(onB.type).to.match(PROBLEM);
        same(onB, onUnknown, bPipeline, unknown);
      });
    }
  }

  it("bulk: each line against B's pipeline answers as against a pipeline that does not exist (404), and nothing is written", async () => {
    const unknown = randomUUID();
    const lines = (p: string) =>
      [
        { op: 'report', pipeline_id: p, job: 'build', project_id: A, status: 'running', runner_id: 'evil' },
        { op: 'cancel', pipeline_id: p, project_id: A },
        { op: 'retry', pipeline_id: p, job: 'build', project_id: A },
        { op: 'play', pipeline_id: p, job: 'deploy', project_id: A, idempotency_key: `bulk-${p}` },
        { op: 'play', pipeline_id: p, job: 'deploy', project_id: A, variables: [{ key: 'K', value: 'v' }] },
        { op: 'cancel_job', pipeline_id: p, job: 'build', project_id: A },
        { op: 'retry_pipeline', pipeline_id: p, project_id: A },
        { op: 'unschedule', pipeline_id: p, job: 'deploy', project_id: A },
      ].map((l) => JSON.stringify(l));
    const body = [...lines(bPipeline), ...lines(unknown)].join('\n');
    const r = await nothingWritten(admin, pool, () =>
      raw(ingest.url, 'POST', '/v1/reports:bulk', {
        headers: { ...bearer(TOKENS.alpha), 'content-type': 'application/x-ndjson' },
        body,
      }),
    );
    expect(r.status).to.equal(200);
    const verdicts = r.text
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { line: number; status: number });
    expect(verdicts.map((v) => v.status)).to.deep.equal(Array.from({ length: 16 }, () => 404));
    for (let i = 0; i < 8; i++) {
      const [x, y] = [verdicts[i]!, verdicts[i + 8]!];
      expect(
        JSON.stringify({ ...x, line: 0 })
          .split(bPipeline)
          .join('<id>'),
      ).to.equal(
        JSON.stringify({ ...y, line: 0 })
          .split(unknown)
          .join('<id>'),
      );
    }
  });

  it('a create with an id that exists answers the same 409 whoever owns it, single and bulk, and writes nothing', async () => {
    const create = (p: string) => ({ pipeline_id: p, project_id: A, ref: 'main', sha: SHA, definition });
    const send = (p: string) =>
      raw(ingest.url, 'POST', '/v1/pipelines', {
        headers: { ...bearer(TOKENS.alpha), 'content-type': 'application/json' },
        body: JSON.stringify(create(p)),
      });
    const [onB, onOwn] = await nothingWritten(
      admin,
      pool,
      async () => [await send(bPipeline), await send(aPipeline)] as const,
    );
    expect(onB.status, onB.text).to.equal(409);
    expect(onB.type).to.match(PROBLEM);
    same(onB, onOwn, bPipeline, aPipeline);
    const bulk = await nothingWritten(admin, pool, () =>
      raw(ingest.url, 'POST', '/v1/reports:bulk', {
        headers: { ...bearer(TOKENS.alpha), 'content-type': 'application/x-ndjson' },
        body: [bPipeline, aPipeline].map((p) => JSON.stringify({ op: 'create_pipeline', ...create(p) })).join('\n'),
      }),
    );
    const [x, y] = bulk.text
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { status: number; line: number });
    expect([x!.status, y!.status]).to.deep.equal([409, 409]);
    expect(
      JSON.stringify({ ...x, line: 0 })
        .split(bPipeline)
        .join('<id>'),
    ).to.equal(
      JSON.stringify({ ...y, line: 0 })
        .split(aPipeline)
        .join('<id>'),
    );
  });

  it('a token not scoped to the named project: 403 whether or not the pipeline exists', async () => {
    const body = JSON.stringify({ project_id: B });
    const send = (p: string) =>
      raw(ingest.url, 'POST', `/v1/pipelines/${p}/cancel`, {
        headers: { ...bearer(TOKENS.alpha), 'content-type': 'application/json' },
        body,
      });
    const unknown = randomUUID();
    const [onB, onUnknown] = await nothingWritten(
      admin,
      pool,
      async () => [await send(bPipeline), await send(unknown)] as const,
    );
    expect(onB.status).to.equal(403);
    same(onB, onUnknown, bPipeline, unknown);
  });

  it('log uploads: 404 for a job the pipeline does not have (path-like or unknown), 201 for a job name or a known attempt id', async () => {
    const put = (job: string, body: string) =>
      raw(ingest.url, 'PUT', `/v1/pipelines/${aPipeline}/jobs/${job}/log?project_id=test%2Falpha`, {
        headers: { ...bearer(TOKENS.alpha), 'content-type': 'text/plain' },
        body,
      });
    await nothingWritten(admin, pool, async () => {
      for (const job of ['..%2F..%2Fetc%2Fpasswd', 'no-such-job', encodeURIComponent(randomUUID()), 'Build']) {
        const r = await put(job, 'x\n');
        expect(r.status, `${job}: ${r.text}`).to.equal(404);
        expect(r.type).to.match(PROBLEM);
      }
    });
    expect((await put('build', `by name ${randomUUID()}\n`)).status).to.equal(201);
    expect((await put(aBuildAttempt, `by attempt ${randomUUID()}\n`)).status).to.equal(201);
  });

  it('reports, retry and play: 404 for a job name the definition does not have (path-like too); an unknown attempt id is left to the decider', async () => {
    const post = (job: string, route: string, body: Record<string, unknown>) =>
      raw(ingest.url, 'POST', `/v1/pipelines/${aPipeline}/jobs/${job}/${route}`, {
        headers: { ...bearer(TOKENS.alpha), 'content-type': 'application/json' },
        body: JSON.stringify({ project_id: A, ...body }),
      });
    await nothingWritten(admin, pool, async () => {
      for (const job of ['..', '.', '..%2Fbuild', 'no-such-job', 'Build']) {
        for (const [route, body] of [
          ['reports', { status: 'running', runner_id: 'r' }],
          ['retry', {}],
          ['play', {}],
        ] as const) {
          const r = await post(job, route, body);
          expect(r.status, `${route} ${job}: ${r.text}`).to.equal(404);
          expect(r.type).to.match(PROBLEM);
        }
      }
    });
    const unknownAttempt = await post(randomUUID(), 'retry', {});
    expect(unknownAttempt.status).to.equal(202);
  });

  it("deduplication is per project: A storing B's exact bytes in A's own pipeline gets a new log, not B's reference", async () => {
    const r = await raw(ingest.url, 'PUT', `/v1/pipelines/${aPipeline}/jobs/build/log?project_id=test%2Falpha`, {
      headers: { ...bearer(TOKENS.alpha), 'content-type': 'text/plain' },
      body: bLog,
    });
    expect(r.status).to.equal(201);
    expect(r.body.ref).to.not.equal(bLogRef);
    const again = await raw(ingest.url, 'PUT', `/v1/pipelines/${aPipeline}/jobs/build/log?project_id=test%2Falpha`, {
      headers: { ...bearer(TOKENS.alpha), 'content-type': 'text/plain' },
      body: bLog,
    });
    expect(again.status).to.equal(200);
    expect(again.body.ref).to.equal(r.body.ref);
  });

  it("B's failed job carries B's log and excerpt, whatever A tried", async () => {
    const report = (body: Record<string, unknown>) =>
      api(
        ingest.url,
        'POST',
        `/v1/pipelines/${bPipeline}/jobs/build/reports?wait=20000`,
        { project_id: B, ...body },
        { token: TOKENS.beta },
      );
    expect((await report({ status: 'running', runner_id: 'r' })).status).to.equal(200);
    expect((await report({ status: 'failed', failure_reason: 'script_failure' })).status).to.equal(200);
    const events = await pipelineEventsOf(kafka, bPipeline, (es) => es.some((e) => e.type === 'JobFailed'));
    const failed = events.find((e) => e.type === 'JobFailed') as Extract<PipelineEvent, { type: 'JobFailed' }>;
    expect(failed.log?.ref).to.equal(bLogRef);
    expect(failed.log_excerpt).to.contain("B failed for B's reason").and.not.to.contain("A's text");
  });
});
