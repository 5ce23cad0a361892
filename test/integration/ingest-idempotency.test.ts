// Issue 11, finding 10: an Idempotency-Key claim left by a crashed request is taken over within
// seconds (its lease: the request's ?wait plus INGEST_IDEMPOTENCY_LEASE_MS), not after a minute of
// 409s; the second write that a takeover may cause is harmless (same report id → duplicate_report);
// and what a ?wait 422 has written is exactly what docs/API.md says.
import { expect } from 'chai';
import { randomUUID } from 'node:crypto';
import type { Admin, Kafka } from 'kafkajs';
import type pg from 'pg';
import { loadConfig } from '../../services/lib/platform/config/index.js';
import { createDb, createPool } from '../../services/lib/platform/db/client.js';
import { createKafka } from '../../services/lib/platform/kafka/client.js';
import { TOPICS } from '../../services/lib/platform/kafka/topics.js';
import { IdempotencyStore, requestHash } from '../../services/run/ingest/idempotency.js';
import { reportIdFor } from '../../services/run/ingest/intake-records.js';
import { api, startDeciderForTest, startIngestForTest, TOKENS } from '../support/services.js';
import { pipelineEventsOf, written } from './ingest-helpers.js';

const SHA = 'a1b2c3d4e5f60718293a4b5c6d7e8f9012345678';
const PROJECT = 'test/alpha';

describe('ingest: idempotency leases and what a 422 wrote (finding 10)', function () {
  this.timeout(120_000);
  const config = loadConfig();
  const LEASE_MS = 1000;
  let ingest: Awaited<ReturnType<typeof startIngestForTest>>;
  let decider: Awaited<ReturnType<typeof startDeciderForTest>>;
  let kafka: Kafka;
  let admin: Admin;
  let pool: pg.Pool;
  let store: IdempotencyStore;

  before(async () => {
    kafka = createKafka(config, 'test-ingest-idempotency');
    admin = kafka.admin();
    await admin.connect();
    pool = createPool(config.databaseUrl, 2);
    store = new IdempotencyStore(createDb(pool));
    decider = await startDeciderForTest();
    ingest = await startIngestForTest({ INGEST_IDEMPOTENCY_LEASE_MS: String(LEASE_MS) });
  });
  after(async () => {
    await ingest?.stop();
    await decider?.stop();
    await admin?.disconnect();
    await pool?.end();
  });

  const body = () => ({
    project_id: PROJECT,
    ref: 'main',
    sha: SHA,
    definition: { stages: ['s'], jobs: [{ name: 'j', stage: 's' }] },
  });

  it('a claim whose request crashed (never completed) is taken over once its lease has passed: 409 meanwhile, then the request goes through', async () => {
    const key = `crashed-${randomUUID()}`;
    const b = body();
    // What a request that claimed the key and then died leaves behind (the same route and body).
    expect((await store.claim(PROJECT, key, requestHash('POST /v1/pipelines', b), LEASE_MS)).state).to.equal('new');
    const first = await api(ingest.url, 'POST', '/v1/pipelines', b, {
      token: TOKENS.alpha,
      headers: { 'idempotency-key': key },
    });
    expect(first.status).to.equal(409);
    expect(first.headers.get('retry-after')).to.equal('1');
    const started = Date.now();
    let r = first;
    while (r.status === 409 && Date.now() - started < 10_000) {
      await new Promise((resolve) => setTimeout(resolve, 200));
      r = await api(ingest.url, 'POST', '/v1/pipelines', b, {
        token: TOKENS.alpha,
        headers: { 'idempotency-key': key },
      });
    }
    expect(r.status, `still ${r.status} after ${Date.now() - started} ms`).to.equal(202);
    expect(r.body.report_id).to.equal(reportIdFor(PROJECT, key));
  });

  it('a claim in flight holds its key for its ?wait plus the lease, so a live waiting request is not taken over', async () => {
    const key = `waiting-${randomUUID()}`;
    const b = body();
    expect((await store.claim(PROJECT, key, requestHash('POST /v1/pipelines', b), 5000 + LEASE_MS)).state).to.equal(
      'new',
    );
    await new Promise((resolve) => setTimeout(resolve, LEASE_MS + 500));
    expect(
      (await api(ingest.url, 'POST', '/v1/pipelines', b, { token: TOKENS.alpha, headers: { 'idempotency-key': key } }))
        .status,
    ).to.equal(409);
  });

  it('a takeover after the first request did write (it crashed before recording its answer) is harmless: one PipelineCreated, the retry told duplicate_report', async () => {
    const key = `wrote-then-crashed-${randomUUID()}`;
    const b = body();
    const first = await api(ingest.url, 'POST', '/v1/pipelines?wait=20000', b, {
      token: TOKENS.alpha,
      headers: { 'idempotency-key': key },
    });
    expect(first.status).to.equal(200);
    // The crash: the record is in Kafka and decided, but the answer was never recorded and the lease ran out.
    await pool.query(
      "UPDATE ingest_idempotency SET response_status = NULL, response_body = NULL, lease_until = now() - interval '1 second' WHERE project_id = $1 AND idem_key = $2",
      [PROJECT, key],
    );
    const retry = await api(ingest.url, 'POST', '/v1/pipelines?wait=20000', b, {
      token: TOKENS.alpha,
      headers: { 'idempotency-key': key },
    });
    expect(retry.status, JSON.stringify(retry.body)).to.equal(422);
    expect(retry.body).to.include({
      code: 'duplicate_report',
      report_id: first.body.report_id,
      pipeline_id: first.body.pipeline_id,
    });
    const events = await pipelineEventsOf(kafka, first.body.pipeline_id, (es) =>
      es.some((e) => e.type === 'JobCreated'),
    );
    expect(events.filter((e) => e.type === 'PipelineCreated')).to.have.length(1);
  });

  it('a ?wait 422 wrote exactly: the intake record, its rejection, the recorded 422 for its key — no events, and a replay writes nothing more', async () => {
    const created = await api(ingest.url, 'POST', '/v1/pipelines?wait=20000', body(), { token: TOKENS.alpha });
    expect(created.status).to.equal(200);
    const id = created.body.pipeline_id;
    const key = `rejected-${randomUUID()}`;
    const report = { project_id: PROJECT, status: 'running', runner_id: 'r' };
    expect(
      (await api(ingest.url, 'POST', `/v1/pipelines/${id}/jobs/j/reports?wait=20000`, report, { token: TOKENS.alpha }))
        .status,
    ).to.equal(200);
    // running → running is illegal: the decider's 422.
    const ends = async (topic: string) =>
      (await admin.fetchTopicOffsets(topic)).reduce((n, o) => n + Number(o.high), 0);
    const before = await written(admin, pool);
    const [rejectedBefore, eventsBefore] = [await ends(TOPICS.intakeRejected), await ends(TOPICS.pipelineEvents)];
    const r = await api(ingest.url, 'POST', `/v1/pipelines/${id}/jobs/j/reports?wait=20000`, report, {
      token: TOKENS.alpha,
      headers: { 'idempotency-key': key },
    });
    expect(r.status).to.equal(422);
    expect(r.body.code).to.equal('illegal_transition');
    const after = await written(admin, pool);
    // The rejection and the decider's transaction marker: the end offset moves by 2 (record + commit marker).
    expect((await ends(TOPICS.intakeRejected)) - rejectedBefore, 'the rejection').to.be.within(1, 2);
    expect((await ends(TOPICS.pipelineEvents)) - eventsBefore, 'no canonical event').to.equal(0);
    const intake = (w: typeof before) => w.intake.split(',').reduce((n, p) => n + Number(p.split(':')[1]), 0);
    expect(intake(after) - intake(before), 'one intake record').to.equal(1);
    expect(after.rows).to.deep.equal({ ...before.rows, ingest_idempotency: before.rows.ingest_idempotency! + 1 });
    const [row] = (
      await pool.query('SELECT response_status FROM ingest_idempotency WHERE project_id = $1 AND idem_key = $2', [
        PROJECT,
        key,
      ])
    ).rows as { response_status: number }[];
    expect(row!.response_status).to.equal(422);
    const replay = await api(ingest.url, 'POST', `/v1/pipelines/${id}/jobs/j/reports?wait=20000`, report, {
      token: TOKENS.alpha,
      headers: { 'idempotency-key': key },
    });
    expect(replay.status).to.equal(422);
    expect(replay.body).to.deep.equal(r.body);
    expect(await written(admin, pool)).to.deep.equal(after);
  });

  it("an invalid definition is a 400 at ingest (the decider's own rules), not a written record the decider rejects", async () => {
    const before = await written(admin, pool);
    const bad = {
      ...body(),
      definition: {
        stages: ['s'],
        jobs: [
          { name: 'a', stage: 's', needs: ['b'] },
          { name: 'b', stage: 's', needs: ['a'] },
        ],
      },
    };
    const r = await api(ingest.url, 'POST', '/v1/pipelines?wait=20000', bad, { token: TOKENS.alpha });
    expect(r.status).to.equal(400);
    expect(r.body.errors.map((e: { message: string }) => e.message).join(' ')).to.contain('cyclic_needs');
    const unknownStage = await api(ingest.url, 'POST', '/v1/reports:bulk', undefined, {
      token: TOKENS.alpha,
      raw: JSON.stringify({
        op: 'create_pipeline',
        ...body(),
        definition: { stages: ['s'], jobs: [{ name: 'a', stage: 'nope' }] },
      }),
      headers: { 'content-type': 'application/x-ndjson' },
    });
    const verdict = typeof unknownStage.body === 'string' ? JSON.parse(unknownStage.body.trim()) : unknownStage.body; // one NDJSON line parses as JSON
    expect(verdict).to.deep.include({ status: 400 });
    expect(await written(admin, pool)).to.deep.equal(before);
  });

  it('a write refused at once (queue full: 503) keeps nothing: no record, no key, no pipeline claim — the retry goes through', async () => {
    const small = await startIngestForTest({ INGEST_MAX_QUEUED: '1' });
    try {
      const ids = [randomUUID(), randomUUID()];
      const lines = ids
        .map((id, i) =>
          JSON.stringify({
            op: 'create_pipeline',
            pipeline_id: id,
            idempotency_key: `full-${id}`,
            ...body(),
            ref: `r${i}`,
          }),
        )
        .join('\n');
      const before = await written(admin, pool);
      const refused = await api(small.url, 'POST', '/v1/reports:bulk', undefined, {
        token: TOKENS.alpha,
        raw: lines,
        headers: { 'content-type': 'application/x-ndjson' },
      });
      expect(refused.status).to.equal(503);
      expect(refused.headers.get('retry-after')).to.equal('1');
      expect(await written(admin, pool)).to.deep.equal(before);
      const retried = await api(ingest.url, 'POST', '/v1/reports:bulk', undefined, {
        token: TOKENS.alpha,
        raw: lines,
        headers: { 'content-type': 'application/x-ndjson' },
      });
      expect(
        String(retried.body)
          .trim()
          .split('\n')
          .map((l) => (JSON.parse(l) as { status: number }).status),
      ).to.deep.equal([202, 202]);
    } finally {
      await small.stop();
    }
  });
});
