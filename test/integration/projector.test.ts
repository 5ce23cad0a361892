// The projector against real Kafka and Postgres: read models from canonical events, exactly once
// under kill -9 in the middle of a batch (equal, row for row, to a clean rebuild), poison to the DLQ.
import { expect } from 'chai';
import { randomUUID } from 'node:crypto';
import { eq, inArray } from 'drizzle-orm';
import type { Admin, Kafka } from 'kafkajs';
import { exampleEvents } from '../../services/lib/core/events/examples.js';
import type { PipelineEvent, RemediationEvent } from '../../services/lib/core/events/generated.js';
import { loadConfig } from '../../services/lib/platform/config/index.js';
import { createDb, createPool } from '../../services/lib/platform/db/client.js';
import { readModelTables } from '../../services/lib/readmodel/tables.js';
import { createKafka } from '../../services/lib/platform/kafka/client.js';
import { dlqOf, TOPICS } from '../../services/lib/platform/kafka/topics.js';
import { EventCodec } from '../../services/lib/platform/registry/codec.js';
import { loadProjectorConfig } from '../../services/run/projector/config.js';
import { dailyDeltas } from '../../services/run/projector/daily-stats.js';
import { startProjector } from '../../services/run/projector/main.js';
import {
  activeVersion,
  createVersion,
  ensureActiveVersion,
  versionSchema,
} from '../../services/lib/readmodel/versions.js';
import { consumeUntil } from '../support/kafka.js';
import { api, exited, spawnService, startDeciderForTest, startIngestForTest, TOKENS } from '../support/services.js';

const SHA = 'c1b2c3d4e5f60718293a4b5c6d7e8f9012345678';

describe('projector (real Kafka and Postgres)', function () {
  this.timeout(300_000);
  const config = loadConfig();
  const pool = createPool(config.databaseUrl, 4);
  const db = createDb(pool);
  let kafka: Kafka;
  let admin: Admin;
  let ingest: Awaited<ReturnType<typeof startIngestForTest>>;
  let decider: Awaited<ReturnType<typeof startDeciderForTest>>;
  let active: number;

  before(async () => {
    kafka = createKafka(config, 'test-projector');
    admin = kafka.admin();
    await admin.connect();
    active = await ensureActiveVersion(pool);
    decider = await startDeciderForTest();
    ingest = await startIngestForTest();
  });
  after(async () => {
    await ingest?.stop();
    await decider?.stop();
    await admin?.disconnect();
    await pool.end();
  });

  /**
   * Creates `n` pipelines of `project` (3 jobs: a passes, b fails then passes on retry → flaky, c passes) through the
   * API.
   */
  async function drive(n: number, project = 'test/proj'): Promise<string[]> {
    const ids = Array.from({ length: n }, () => randomUUID());
    const lines = ids.flatMap((id) => [
      {
        op: 'create_pipeline',
        pipeline_id: id,
        project_id: project,
        ref: 'main',
        sha: SHA,
        definition: {
          stages: ['build', 'test'],
          jobs: [
            { name: 'a', stage: 'build' },
            { name: 'b', stage: 'test', retry: { max: 1, when: ['runner_system_failure'] } },
            { name: 'c', stage: 'test', needs: ['a'] },
          ],
        },
      },
      { op: 'report', pipeline_id: id, job: 'a', project_id: project, status: 'running', runner_id: 'r1' },
      { op: 'report', pipeline_id: id, job: 'a', project_id: project, status: 'success' },
      { op: 'report', pipeline_id: id, job: 'b', project_id: project, status: 'running', runner_id: 'r2' },
      {
        op: 'report',
        pipeline_id: id,
        job: 'b',
        project_id: project,
        status: 'failed',
        failure_reason: 'runner_system_failure',
        log_tail: 'ERROR: runner lost',
      },
      { op: 'report', pipeline_id: id, job: 'b', project_id: project, status: 'running', runner_id: 'r3' },
      { op: 'report', pipeline_id: id, job: 'b', project_id: project, status: 'success' },
      { op: 'report', pipeline_id: id, job: 'c', project_id: project, status: 'running', runner_id: 'r1' },
      { op: 'report', pipeline_id: id, job: 'c', project_id: project, status: 'success' },
    ]);
    const r = await api(ingest.url, 'POST', '/v1/reports:bulk', undefined, {
      raw: lines.map((l) => JSON.stringify(l)).join('\n'),
      token: TOKENS.all,
    });
    expect(r.status).to.equal(200);
    return ids;
  }

  async function rowsOf(version: number, ids: string[], project?: string) {
    const t = readModelTables(versionSchema(version));
    const daily = project
      ? await db.select().from(t.projectDailyStats).where(eq(t.projectDailyStats.projectId, project))
      : [];
    const pipelines = await db.select().from(t.pipelines).where(inArray(t.pipelines.pipelineId, ids));
    const jobs = await db.select().from(t.jobs).where(inArray(t.jobs.pipelineId, ids));
    const flaky = await db.select().from(t.flakyJobs).where(inArray(t.flakyJobs.pipelineId, ids));
    const by = <T>(rows: T[], key: (r: T) => string) => [...rows].sort((a, b) => key(a).localeCompare(key(b)));
    return {
      pipelines: by(pipelines, (r) => r.pipelineId),
      jobs: by(jobs, (r) => r.jobId),
      flaky: by(flaky, (r) => r.passedJobId),
      daily: by(
        daily.map(({ updatedAt: _, ...r }) => r),
        (r) => r.day,
      ),
    };
  }

  async function waitFinished(
    version: number,
    ids: string[],
    timeoutMs = 120_000,
    done = (rows: { finishedAt: string | null }[]) =>
      rows.length === ids.length && rows.every((r) => r.finishedAt !== null),
  ): Promise<void> {
    const t = readModelTables(versionSchema(version));
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const rows = await db
        .select({ status: t.pipelines.status, finishedAt: t.pipelines.finishedAt })
        .from(t.pipelines)
        .where(inArray(t.pipelines.pipelineId, ids));
      if (done(rows)) return;
      if (Date.now() > deadline)
        throw new Error(
          `only ${rows.filter((r) => r.finishedAt).length}/${ids.length} pipelines finished in version ${version}`,
        );
      await new Promise((r) => setTimeout(r, 200));
    }
  }

  it('kill -9 in the middle of a batch, restart: read models (daily stats included) equal a clean rebuild, row for row', async () => {
    const project = `test/proj-${randomUUID().slice(0, 8)}`;
    const ids = await drive(40, project);
    const doomed = await spawnService('projector', {
      VERITY_FAULT: 'projector.kill-mid-batch:2',
      PROJECTOR_CONCURRENCY: '1',
      PROJECTOR_SESSION_TIMEOUT_MS: '6000',
    });
    expect((await exited(doomed)).signal).to.equal('SIGKILL');
    const survivor = await spawnService('projector', { PROJECTOR_SESSION_TIMEOUT_MS: '6000' });
    let live;
    try {
      await waitFinished(active, ids);
      live = await rowsOf(active, ids, project);
    } finally {
      survivor.kill('SIGTERM');
      expect(await exited(survivor), 'graceful shutdown on SIGTERM').to.deep.equal({ code: 0, signal: null });
    }
    expect(live.pipelines.every((p) => p.status === 'success')).to.equal(true);
    expect(live.jobs).to.have.length(ids.length * 4); // a, b (2 attempts), c
    expect(live.flaky).to.have.length(ids.length);
    // The incrementally maintained daily stats equal the same figures computed from the final rows.
    const recomputed = dailyDeltas(
      { pipelines: new Map(), jobs: new Map() },
      {
        pipelines: new Map(live.pipelines.map((p) => [p.pipelineId, p])),
        jobs: new Map(live.jobs.map((j) => [j.jobId, j])),
      },
    );
    expect(live.daily).to.deep.equal(recomputed.sort((a, b) => a.day.localeCompare(b.day)));
    expect(live.daily.reduce((n, d) => n + d.pipelines, 0)).to.equal(ids.length);

    // A clean rebuild: a fresh version schema and projection name, from offset 0.
    const scratch = 900_000 + Math.floor(Math.random() * 90_000);
    const client = await pool.connect();
    await createVersion(client, scratch);
    client.release();
    const rebuild = await startProjector(
      loadProjectorConfig({
        ...process.env,
        PROJECTOR_PROJECTION: `rebuild-check-${scratch}`,
        PROJECTOR_VERSION: String(scratch),
        LOG_LEVEL: 'warn',
      }),
      { http: false },
    );
    try {
      await waitFinished(scratch, ids);
      expect(await rowsOf(scratch, ids, project)).to.deep.equal(live);
    } finally {
      await rebuild.stop();
      await pool.query(`DROP SCHEMA IF EXISTS "${versionSchema(scratch)}" CASCADE`);
      await pool.query('DELETE FROM projection_checkpoints WHERE projection = $1', [
        `rebuild-check-${scratch}@v${scratch}`,
      ]);
    }
  });

  it('remediation events: a proposal is inserted once, the latest feedback and the first score win', async () => {
    const codec = await EventCodec.forTopic<RemediationEvent>(config.schemaRegistryUrl, TOPICS.remediationEvents);
    const pipelineId = randomUUID();
    const proposalId = randomUUID();
    const base = { pipeline_id: pipelineId, project_id: 'test/remediation', correlation_id: randomUUID() };
    const at = (ms: number) => new Date(Date.now() + ms).toISOString();
    const proposed: RemediationEvent = {
      ...base,
      type: 'RemediationProposed',
      event_id: randomUUID(),
      occurred_at: at(0),
      recorded_at: at(1),
      proposal_id: proposalId,
      causation_id: randomUUID(),
      job_id: randomUUID(),
      job_name: 'unit',
      attempt: 1,
      ref: 'main',
      sha: SHA,
      failure_reason: 'script_failure',
      signature: '0123456789abcdef',
      provider: 'heuristic',
      model: null,
      prompt_version: 'heuristic-1',
      category: 'test_failure',
      root_cause: 'test X fails',
      evidence: [{ start_line: 3, end_line: 5, reason: 'failing test' }],
      suggested_action: { kind: 'fix_test', summary: 'fix: failing test X' },
      confidence: 0.7,
      shadow: false,
      tokens: { prompt: 0, completion: 0 },
      latency_ms: 3,
      cost_usd: 0,
    };
    const feedback = (verdict: 'accepted' | 'rejected', ms: number): RemediationEvent => ({
      ...base,
      type: 'RemediationFeedbackGiven',
      event_id: randomUUID(),
      occurred_at: at(ms),
      recorded_at: at(ms),
      feedback_id: randomUUID(),
      proposal_id: proposalId,
      verdict,
      reason: null,
      actor: 'alice',
    });
    const scored = (label: 'correct' | 'incorrect', ms: number): RemediationEvent => ({
      ...base,
      type: 'RemediationScored',
      event_id: randomUUID(),
      occurred_at: at(ms),
      recorded_at: at(ms),
      proposal_id: proposalId,
      causation_id: randomUUID(),
      job_id: proposed.job_id,
      provider: 'heuristic',
      prompt_version: 'heuristic-1',
      category: 'test_failure',
      label,
      rule: 'retry_failed_fix_right',
      outcome: 'retry_failed',
      outcome_at: at(ms),
      latency_ms: ms,
      time_to_green_ms: null,
    });
    const producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
    await producer.connect();
    const events = [
      proposed,
      { ...proposed, event_id: randomUUID(), root_cause: 'a re-delivery' } as RemediationEvent,
      feedback('rejected', 10),
      scored('correct', 20),
      feedback('accepted', 30),
      scored('incorrect', 40),
    ];
    await producer.send({
      topic: TOPICS.remediationEvents,
      acks: -1,
      messages: await Promise.all(events.map((e) => codec.toMessage(e, 'test'))),
    });
    await producer.disconnect();
    const projector = await startProjector(loadProjectorConfig({ ...process.env, LOG_LEVEL: 'warn' }), { http: false });
    try {
      const t = readModelTables(versionSchema(active));
      const deadline = Date.now() + 60_000;
      let row;
      for (;;) {
        [row] = await db.select().from(t.remediationProposals).where(eq(t.remediationProposals.proposalId, proposalId));
        if (row?.label && row.feedbackVerdict === 'accepted') break;
        if (Date.now() > deadline) throw new Error(`proposal not projected: ${JSON.stringify(row)}`);
        await new Promise((r) => setTimeout(r, 200));
      }
      expect(row).to.include({
        rootCause: 'test X fails',
        category: 'test_failure',
        actionKind: 'fix_test',
        feedbackVerdict: 'accepted',
        feedbackActor: 'alice',
        label: 'correct',
        rule: 'retry_failed_fix_right',
        outcome: 'retry_failed',
        outcomeLatencyMs: 20,
      });
      expect(row!.evidence).to.deep.equal([{ start_line: 3, end_line: 5, reason: 'failing test' }]);
    } finally {
      await projector.stop();
    }
  });

  /**
   * Tests that write bad records never touch the real canonical topic: they get a topic prefix of their
   * own (VERITY_TOPIC_PREFIX), a scratch read-model version and projection, and a projector child process.
   */
  async function isolated(name: string) {
    const prefix = `test-${name}-${randomUUID().slice(0, 8)}.`;
    const topic = prefix + 'ci.pipeline.events.v1';
    const remediations = prefix + 'ci.remediation.events.v1';
    const topics = [topic, dlqOf(topic), remediations, dlqOf(remediations)];
    await admin.createTopics({
      waitForLeaders: true,
      topics: topics.map((t) => ({ topic: t, numPartitions: 1, replicationFactor: 1 })),
    });
    const version = 900_000 + Math.floor(Math.random() * 90_000);
    const client = await pool.connect();
    await createVersion(client, version);
    client.release();
    const projection = `${name}-${version}`;
    return {
      topic,
      version,
      start: () =>
        spawnService('projector', {
          VERITY_TOPIC_PREFIX: prefix,
          PROJECTOR_PROJECTION: projection,
          PROJECTOR_VERSION: String(version),
          PROJECTOR_SESSION_TIMEOUT_MS: '6000',
        }),
      async cleanup() {
        await admin.deleteTopics({ topics }).catch(() => undefined);
        await pool.query(`DROP SCHEMA IF EXISTS "${versionSchema(version)}" CASCADE`);
        await pool.query('DELETE FROM projection_checkpoints WHERE projection = $1', [`${projection}@v${version}`]);
      },
    };
  }

  const pipelineOf = (pipelineId: string, seqs: number[]) => {
    const created = {
      ...(exampleEvents[0] as Extract<PipelineEvent, { type: 'PipelineCreated' }>),
      pipeline_id: pipelineId,
      event_id: randomUUID(),
      seq: 1,
    };
    const status = (seq: number) => ({
      ...(exampleEvents[10] as PipelineEvent),
      pipeline_id: pipelineId,
      event_id: randomUUID(),
      seq,
    });
    return seqs.map((seq) => (seq === 1 ? created : status(seq)));
  };

  it('a poison record goes to the DLQ with error headers and later records still project', async () => {
    const iso = await isolated('poison');
    const codec = await EventCodec.forTopic<PipelineEvent>(config.schemaRegistryUrl, TOPICS.pipelineEvents);
    const pipelineId = randomUUID();
    const poisonKey = randomUUID();
    const producer = kafka.producer();
    await producer.connect();
    await producer.send({
      topic: iso.topic,
      messages: [
        { key: poisonKey, value: Buffer.from('{"not":"wire format"}') },
        ...(await Promise.all(pipelineOf(pipelineId, [1, 2]).map((e) => codec.toMessage(e, 'test')))),
      ],
    });
    await producer.disconnect();
    const child = await iso.start();
    try {
      await waitFinished(iso.version, [pipelineId], 60_000, (r) => r.length === 1);
      const dlq = await consumeUntil(kafka, dlqOf(iso.topic), (ms) => ms.some((m) => m.key?.toString() === poisonKey));
      const letter = dlq.find((m) => m.key?.toString() === poisonKey)!;
      expect(letter.headers?.['dlq-source-topic']?.toString()).to.equal(iso.topic);
      expect(letter.headers?.['dlq-source-offset']?.toString()).to.equal('0');
      expect(letter.headers?.['dlq-error-class']?.toString()).to.equal('EventDecodeError');
      expect(letter.value?.toString()).to.equal('{"not":"wire format"}');
    } finally {
      child.kill('SIGTERM');
      await exited(child);
      await iso.cleanup();
    }
  });

  it('a gap in seq stops the partition loudly (not ready, logged) and applies nothing of the batch', async () => {
    const iso = await isolated('gap');
    const codec = await EventCodec.forTopic<PipelineEvent>(config.schemaRegistryUrl, TOPICS.pipelineEvents);
    const pipelineId = randomUUID();
    const producer = kafka.producer();
    await producer.connect();
    await producer.send({
      topic: iso.topic,
      messages: await Promise.all(pipelineOf(pipelineId, [1, 3]).map((e) => codec.toMessage(e, 'test'))),
    });
    await producer.disconnect();
    const child = await iso.start();
    let log = '';
    child.stderr!.on('data', (d: Buffer) => (log += d.toString()));
    try {
      const deadline = Date.now() + 60_000;
      while (!log.includes('seq gap') && Date.now() < deadline) await new Promise((r) => setTimeout(r, 200));
      expect(log)
        .to.contain('partition stopped')
        .and.to.contain(`seq gap in pipeline ${pipelineId}: expected 2, got 3`);
      // Not ready, and /readyz says why (the stopped partition and its gap), for the operator's probe.
      let ready = await fetch(`http://127.0.0.1:${child.port}/readyz`);
      for (let i = 0; i < 50 && ready.status === 200; i++) {
        await new Promise((r) => setTimeout(r, 200));
        ready = await fetch(`http://127.0.0.1:${child.port}/readyz`);
      }
      expect(ready.status, 'readyz of a projector with a stopped partition').to.equal(503);
      expect(ready.headers.get('retry-after')).to.equal('1');
      expect(await ready.text()).to.contain('seq gap');
      const t = readModelTables(versionSchema(iso.version));
      expect(
        await db
          .select()
          .from(t.pipelines)
          .where(inArray(t.pipelines.pipelineId, [pipelineId])),
      ).to.have.length(0);
    } finally {
      child.kill('SIGTERM');
      await exited(child);
      await iso.cleanup();
    }
    expect(await activeVersion(pool)).to.equal(active);
  });
});
