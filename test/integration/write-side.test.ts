// The write side end to end through HTTP: ingest → ci.intake.v1 → decider (EOS) → canonical events.
import { expect } from 'chai';
import { randomUUID } from 'node:crypto';
import { gzipSync } from 'node:zlib';
import type { Admin, Kafka } from 'kafkajs';
import type { PipelineEvent } from '../../services/lib/core/events/generated.js';
import { loadConfig } from '../../services/lib/platform/config/index.js';
import { createKafka } from '../../services/lib/platform/kafka/client.js';
import { TOPICS } from '../../services/lib/platform/kafka/topics.js';
import { EventCodec } from '../../services/lib/platform/registry/codec.js';
import { consumeUntil } from '../support/kafka.js';
import { api, startDeciderForTest, startIngestForTest, TOKENS } from '../support/services.js';

const SHA = 'a1b2c3d4e5f60718293a4b5c6d7e8f9012345678';

export async function intakeEnd(admin: Admin): Promise<bigint> {
  const offsets = await admin.fetchTopicOffsets(TOPICS.intake);
  return offsets.reduce((n, o) => n + BigInt(o.high), 0n);
}

export async function pipelineEvents(
  kafka: Kafka,
  pipelineId: string,
  done: (events: PipelineEvent[]) => boolean,
): Promise<PipelineEvent[]> {
  const codec = await EventCodec.forTopic<PipelineEvent>(loadConfig().schemaRegistryUrl, TOPICS.pipelineEvents);
  const mine: PipelineEvent[] = [];
  await consumeUntil(kafka, TOPICS.pipelineEvents, () => done(mine), {
    timeoutMs: 60_000,
    onMessage: async (m) => {
      if (m.key?.toString() === pipelineId) mine.push((await codec.decode(m.value)).event);
    },
  });
  return mine;
}

describe('write side through HTTP (real Kafka, registry, Postgres)', function () {
  this.timeout(180_000);
  const config = loadConfig();
  let ingest: Awaited<ReturnType<typeof startIngestForTest>>;
  let decider: Awaited<ReturnType<typeof startDeciderForTest>>;
  let kafka: Kafka;
  let admin: Admin;

  before(async () => {
    kafka = createKafka(config, 'test-write-side');
    admin = kafka.admin();
    await admin.connect();
    decider = await startDeciderForTest();
    ingest = await startIngestForTest({ INGEST_LOG_LIMIT_BYTES: String(1 << 20) });
  });
  after(async () => {
    await ingest?.stop();
    await decider?.stop();
    await admin?.disconnect();
  });

  it('a full pipeline (stages, DAG job, allow_failure, manual job, auto-retried failure) yields the expected canonical events', async () => {
    const project = 'test/alpha';
    const created = await api(
      ingest.url,
      'POST',
      '/v1/pipelines?wait=20000',
      {
        project_id: project,
        ref: 'main',
        sha: SHA,
        source: 'push',
        definition: {
          stages: ['build', 'test', 'deploy'],
          jobs: [
            { name: 'compile', stage: 'build' },
            { name: 'lint', stage: 'build', allow_failure: true },
            { name: 'docs', stage: 'test', needs: ['compile'] },
            { name: 'unit', stage: 'test', retry: { max: 2, when: ['runner_system_failure'] } },
            { name: 'review', stage: 'deploy', when: 'manual' },
          ],
        },
      },
      { token: TOKENS.alpha },
    );
    expect(created.status, JSON.stringify(created.body)).to.equal(200);
    expect(created.body.verdict).to.equal('accepted');
    const id: string = created.body.pipeline_id;
    const report = async (job: string, body: Record<string, unknown>) => {
      const r = await api(
        ingest.url,
        'POST',
        `/v1/pipelines/${id}/jobs/${encodeURIComponent(job)}/reports?wait=20000`,
        { project_id: project, ...body },
        { token: TOKENS.alpha },
      );
      expect(r.status, `${job} ${JSON.stringify(body)} → ${JSON.stringify(r.body)}`).to.equal(200);
      return r.body;
    };
    const secret = 'glpat-AbCdEfGhIjKlMnOpQrSt';
    const log = `$ npm run lint\n${'ok\n'.repeat(500)}src/app.ts:3:7: error: no-unused-vars\ntoken=${secret}\nERROR: lint failed\n`;
    const put = await fetch(
      `${ingest.url}/v1/pipelines/${id}/jobs/lint/log?project_id=${encodeURIComponent(project)}`,
      {
        method: 'PUT',
        headers: { authorization: `Bearer ${TOKENS.alpha}`, 'content-type': 'text/plain', 'content-encoding': 'gzip' },
        body: gzipSync(log),
      },
    );
    expect(put.status).to.equal(201);
    const stored = (await put.json()) as { ref: string; bytes: number };

    await report('compile', { status: 'running', runner_id: 'r1' });
    await report('lint', { status: 'running', runner_id: 'r2' });
    await report('compile', { status: 'success' });
    await report('docs', { status: 'running', runner_id: 'r1' });
    await report('lint', { status: 'failed', failure_reason: 'script_failure', exit_code: 1 });
    await report('docs', { status: 'success' });
    await report('unit', { status: 'running', runner_id: 'r3' });
    await report('unit', { status: 'failed', failure_reason: 'runner_system_failure' });
    await report('unit', { status: 'running', runner_id: 'r4' });
    const last = await report('unit', { status: 'success' });
    expect(last.events.map((e: { type: string }) => e.type)).to.include('PipelineFinished');

    const events = await pipelineEvents(kafka, id, (es) => es.some((e) => e.type === 'PipelineFinished'));
    expect(events.map((e) => e.seq)).to.deep.equal(
      events.map((_, i) => i + 1),
      'seq is gap-free, in order, no duplicate',
    );
    const summary = events
      .filter((e) => e.type !== 'PipelineStatusChanged')
      .map((e) => ('name' in e ? `${e.type}:${e.name}` : e.type));
    expect(summary).to.deep.equal([
      'PipelineCreated',
      'JobCreated:compile',
      'JobCreated:lint',
      'JobCreated:docs',
      'JobCreated:unit',
      'JobCreated:review',
      'JobEnqueued:compile',
      'JobEnqueued:lint',
      'JobStarted:compile',
      'JobStarted:lint',
      'JobSucceeded:compile',
      'JobEnqueued:docs',
      'JobStarted:docs',
      'JobFailed:lint',
      'JobEnqueued:unit',
      'JobSucceeded:docs',
      'JobStarted:unit',
      'JobFailed:unit',
      'JobRetried:unit',
      'JobCreated:unit',
      'JobEnqueued:unit',
      'JobStarted:unit',
      'JobSucceeded:unit',
      'JobManualActionRequired:review',
      'PipelineFinished',
    ]);
    const finished = events.at(-1)!;
    expect(finished).to.include({ type: 'PipelineFinished', status: 'success', warnings: true });
    const lintFailed = events.find((e) => e.type === 'JobFailed' && e.name === 'lint') as Extract<
      PipelineEvent,
      { type: 'JobFailed' }
    >;
    expect(lintFailed.log).to.deep.include({ ref: stored.ref });
    expect(lintFailed.log_excerpt)
      .to.contain('ERROR: lint failed')
      .and.to.contain('[MASKED]')
      .and.not.to.contain(secret);
    expect(lintFailed.allow_failure).to.equal(true);
  });

  it('job logs: stored once (same bytes → same ref), redacted, 413 over the limit, 403 for another project, 404 for an unknown pipeline', async () => {
    const id = randomUUID();
    const create = await api(
      ingest.url,
      'POST',
      '/v1/pipelines',
      {
        pipeline_id: id,
        project_id: 'test/alpha',
        ref: 'main',
        sha: SHA,
        definition: { stages: ['b'], jobs: [{ name: 'build', stage: 'b' }] },
      },
      { token: TOKENS.alpha },
    );
    expect(create.status).to.equal(202);
    const put = (body: string | Buffer, project = 'test/alpha', headers: Record<string, string> = {}) =>
      fetch(`${ingest.url}/v1/pipelines/${id}/jobs/build/log?project_id=${encodeURIComponent(project)}`, {
        method: 'PUT',
        headers: { authorization: `Bearer ${TOKENS.alpha}`, 'content-type': 'text/plain', ...headers },
        body,
      });
    const log = 'step 1\npassword=hunter2hunter2\nsecret value: s3cr3t-v4lue-xyz\ndone\n';
    const masked = Buffer.from(JSON.stringify(['s3cr3t-v4lue-xyz'])).toString('base64');
    const first = await put(log, 'test/alpha', { 'x-masked-values': masked });
    expect(first.status).to.equal(201);
    const again = await put(log, 'test/alpha', { 'x-masked-values': masked });
    expect(again.status).to.equal(200);
    const [a, b] = [(await first.json()) as { ref: string }, (await again.json()) as { ref: string }];
    expect(b.ref).to.equal(a.ref);
    const { PgLogStore } = await import('../../services/lib/platform/logstore/pg-log-store.js');
    const { createDb, createPool } = await import('../../services/lib/platform/db/client.js');
    const pool = createPool(config.databaseUrl, 2);
    try {
      const stored = (await new PgLogStore(createDb(pool)).get(a.ref))!.toString('utf8');
      expect(stored)
        .to.contain('step 1')
        .and.to.contain('[MASKED]')
        .and.not.to.contain('hunter2hunter2')
        .and.not.to.contain('s3cr3t-v4lue-xyz');
    } finally {
      await pool.end();
    }
    const big = await put(Buffer.alloc((1 << 20) + 1, 'a'));
    expect(big.status).to.equal(413);
    expect(big.headers.get('content-type')).to.match(/application\/problem\+json/);
    expect((await put(log, 'test/beta')).status).to.equal(403);
    const unknown = await fetch(`${ingest.url}/v1/pipelines/${randomUUID()}/jobs/build/log?project_id=test%2Falpha`, {
      method: 'PUT',
      headers: { authorization: `Bearer ${TOKENS.alpha}`, 'content-type': 'text/plain' },
      body: log,
    });
    expect(unknown.status).to.equal(404);
  });

  it('rejects a report the state machine forbids with a machine-readable reason (422 problem+json)', async () => {
    const created = await api(ingest.url, 'POST', '/v1/pipelines?wait=20000', {
      project_id: 'test/beta',
      ref: 'main',
      sha: SHA,
      definition: { stages: ['test'], jobs: [{ name: 'a', stage: 'test' }] },
    });
    const id = created.body.pipeline_id;
    const start = () =>
      api(ingest.url, 'POST', `/v1/pipelines/${id}/jobs/a/reports?wait=20000`, {
        project_id: 'test/beta',
        status: 'running',
        runner_id: 'r',
      });
    expect((await start()).status).to.equal(200);
    const r = await start(); // running → running
    expect(r.status).to.equal(422);
    expect(r.headers.get('content-type')).to.match(/application\/problem\+json/);
    expect(r.body.code).to.equal('illegal_transition');
    expect(r.body.details).to.include({ from: 'running' });
    // A job name the definition does not have is answered by ingest (404, nothing written); an attempt id
    // ingest does not know goes to the decider, which rejects it.
    const unknownName = await api(ingest.url, 'POST', `/v1/pipelines/${id}/jobs/nope/reports?wait=20000`, {
      project_id: 'test/beta',
      status: 'running',
      runner_id: 'r',
    });
    expect(unknownName.status).to.equal(404);
    const unknownAttempt = await api(
      ingest.url,
      'POST',
      `/v1/pipelines/${id}/jobs/${randomUUID()}/reports?wait=20000`,
      { project_id: 'test/beta', status: 'running', runner_id: 'r' },
    );
    expect(unknownAttempt.status).to.equal(422);
    expect(unknownAttempt.body.code).to.equal('unknown_job');
    // A pipeline ingest does not know is answered by ingest itself, before anything is written.
    const unknown = await api(ingest.url, 'POST', `/v1/pipelines/${randomUUID()}/cancel?wait=20000`, {
      project_id: 'test/beta',
    });
    expect(unknown.status).to.equal(404);
    expect(unknown.headers.get('content-type')).to.match(/application\/problem\+json/);
  });

  it('Idempotency-Key: same request → the first answer and one record; different request → 409', async () => {
    const body = {
      project_id: 'test/alpha',
      ref: 'main',
      sha: SHA,
      definition: { stages: ['s'], jobs: [{ name: 'j', stage: 's' }] },
    };
    const key = `idem-${randomUUID()}`;
    const before = await intakeEnd(admin);
    const a = await api(ingest.url, 'POST', '/v1/pipelines', body, { headers: { 'idempotency-key': key } });
    const b = await api(ingest.url, 'POST', '/v1/pipelines', body, { headers: { 'idempotency-key': key } });
    expect(a.status).to.equal(202);
    expect(b.status).to.equal(202);
    expect(b.body).to.deep.equal(a.body);
    expect(await intakeEnd(admin)).to.equal(before + 1n);
    const c = await api(
      ingest.url,
      'POST',
      '/v1/pipelines',
      { ...body, ref: 'other' },
      { headers: { 'idempotency-key': key } },
    );
    expect(c.status).to.equal(409);
    expect(await intakeEnd(admin)).to.equal(before + 1n);
  });

  describe('bad input: the right status and problem+json, and nothing written to Kafka', () => {
    const valid = {
      project_id: 'test/alpha',
      ref: 'main',
      sha: SHA,
      definition: { stages: ['s'], jobs: [{ name: 'j', stage: 's' }] },
    };
    const pid = '0193a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b';
    const cases: {
      name: string;
      path: string;
      body?: unknown;
      raw?: string;
      token?: string;
      status: number;
      pointer?: string;
    }[] = [
      { name: 'malformed JSON', path: '/v1/pipelines', raw: '{"project_id": "test/alpha",', status: 400, pointer: '' },
      { name: 'wrong type', path: '/v1/pipelines', body: { ...valid, ref: 42 }, status: 400, pointer: '/ref' },
      { name: 'unknown field', path: '/v1/pipelines', body: { ...valid, evil: true }, status: 400, pointer: '/evil' },
      {
        name: 'missing field',
        path: '/v1/pipelines',
        body: { ...valid, sha: undefined },
        status: 400,
        pointer: '/sha',
      },
      {
        name: 'bad nested enum',
        path: '/v1/pipelines',
        body: { ...valid, definition: { stages: ['s'], jobs: [{ name: 'j', stage: 's', when: 'sometimes' }] } },
        status: 400,
        pointer: '/definition/jobs/0/when',
      },
      {
        name: 'injection string as sha',
        path: '/v1/pipelines',
        body: { ...valid, sha: "'; DROP TABLE jobs; --" },
        status: 400,
        pointer: '/sha',
      },
      {
        name: 'oversize body',
        path: '/v1/pipelines',
        raw: JSON.stringify({ ...valid, ref: 'x'.repeat(2 << 20) }),
        status: 413,
      },
      { name: 'no token', path: '/v1/pipelines', body: valid, token: '', status: 401 },
      { name: 'unknown token', path: '/v1/pipelines', body: valid, token: 'not-a-real-token-at-all', status: 401 },
      { name: 'token of another project', path: '/v1/pipelines', body: valid, token: TOKENS.beta, status: 403 },
      {
        name: 'bad pipeline id',
        path: '/v1/pipelines/not-a-uuid/cancel',
        body: { project_id: 'test/alpha' },
        status: 400,
        pointer: '/path/id',
      },
      {
        name: 'failed without failure_reason',
        path: `/v1/pipelines/${pid}/jobs/j/reports`,
        body: { project_id: 'test/alpha', status: 'failed' },
        status: 400,
        pointer: '/failure_reason',
      },
      { name: 'bad ?wait', path: '/v1/pipelines?wait=-5', body: valid, status: 400, pointer: '/query/wait' },
    ];
    for (const c of cases) {
      it(`${c.name} → ${c.status}`, async () => {
        const before = await intakeEnd(admin);
        const r = await api(ingest.url, 'POST', c.path, c.body, { raw: c.raw, token: c.token });
        expect(r.status, JSON.stringify(r.body).slice(0, 300)).to.equal(c.status);
        expect(r.headers.get('content-type')).to.match(/application\/problem\+json/);
        if (c.pointer !== undefined)
          expect(r.body.errors.map((e: { pointer: string }) => e.pointer)).to.include(c.pointer);
        expect(await intakeEnd(admin)).to.equal(before);
      });
    }
  });

  it('bulk NDJSON: one verdict per line, valid lines written, bad lines not', async () => {
    const pipelineId = randomUUID();
    const lines = [
      JSON.stringify({
        op: 'create_pipeline',
        pipeline_id: pipelineId,
        project_id: 'test/alpha',
        ref: 'main',
        sha: SHA,
        definition: { stages: ['s'], jobs: [{ name: 'j', stage: 's' }] },
      }),
      '{not json',
      JSON.stringify({
        op: 'report',
        pipeline_id: pipelineId,
        job: 'j',
        project_id: 'test/alpha',
        status: 'running',
        runner_id: 'r',
      }),
      JSON.stringify({ op: 'report', pipeline_id: pipelineId, job: 'j', project_id: 'test/beta', status: 'success' }),
      JSON.stringify({ op: 'cancel', project_id: 'test/alpha' }),
    ];
    const before = await intakeEnd(admin);
    const r = await api(ingest.url, 'POST', '/v1/reports:bulk', undefined, {
      raw: lines.join('\n'),
      token: TOKENS.alpha,
      headers: { 'content-type': 'application/x-ndjson' },
    });
    expect(r.status).to.equal(200);
    const verdicts = String(r.body)
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { line: number; status: number; errors?: { pointer: string }[] });
    expect(verdicts.map((v) => [v.line, v.status])).to.deep.equal([
      [1, 202],
      [2, 400],
      [3, 202],
      [4, 403],
      [5, 400],
    ]);
    expect(verdicts[4]!.errors!.map((e) => e.pointer)).to.include('/pipeline_id');
    expect(await intakeEnd(admin)).to.equal(before + 2n);
    const events = await pipelineEvents(kafka, pipelineId, (es) => es.some((e) => e.type === 'JobStarted'));
    expect(events.find((e) => e.type === 'JobStarted')).to.include({ name: 'j', runner_id: 'r' });
  });
});
