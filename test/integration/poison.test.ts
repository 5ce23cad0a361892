// One poison record of each class in each consumer (decider, projector, remediator): it is dead-lettered
// once with the reason, offset and consumer group, and the partition goes on; a seq gap stops the
// partition and /readyz and the stall metric say so. Each consumer runs as a child process under a topic
// prefix of its own (1 partition per topic), so bad records never touch the suite's topics.
import { expect } from 'chai';
import { randomUUID } from 'node:crypto';
import type { ChildProcess } from 'node:child_process';
import type { Admin, IHeaders, Kafka, KafkaMessage, Producer } from 'kafkajs';
import pg from 'pg';
import { exampleEvents } from '../../services/lib/core/events/examples.js';
import type { IntakeEvent, PipelineEvent, RemediationEvent } from '../../services/lib/core/events/generated.js';
import { loadConfig } from '../../services/lib/platform/config/index.js';
import { createKafka } from '../../services/lib/platform/kafka/client.js';
import { EventCodec, type TypedEvent } from '../../services/lib/platform/registry/codec.js';
import { createVersion, versionSchema } from '../../services/lib/readmodel/versions.js';
import { consumeUntil, readToEnd, wireFormat } from '../support/kafka.js';
import { exited, spawnService } from '../support/services.js';

const LOGICAL = [
  'ci.intake.v1',
  'ci.pipeline.events.v1',
  'ci.pipeline.state.v1',
  'ci.pipeline.due.v1', // the decider writes due times (the timer's topic) and refuses to start without it
  'ci.coordination.v1', // the decider's coordination outbox
  'ci.intake.rejected.v1',
  'ci.remediation.events.v1',
];

describe('poison records: dead-lettered once with the reason, and the partition goes on (real Kafka, Postgres)', function () {
  this.timeout(180_000);
  const config = loadConfig();
  let kafka: Kafka;
  let admin: Admin;
  /** A producer of the current test (one per test: a producer whose topics were deleted keeps asking for them). */
  let producer: Producer;
  let pool: pg.Pool;
  const cleanups: (() => Promise<void>)[] = [];
  const created: string[] = [];

  before(async () => {
    kafka = createKafka(config, 'test-poison');
    admin = kafka.admin();
    await admin.connect();
    pool = new pg.Pool({ connectionString: config.databaseUrl, max: 2 });
  });
  afterEach(async () => {
    for (const c of cleanups.splice(0)) await c().catch(() => undefined);
  });
  after(async () => {
    if (created.length > 0) await admin?.deleteTopics({ topics: created }).catch(() => undefined);
    await admin?.disconnect();
    await pool?.end();
  });

  /** Topics of a fresh prefix (one partition each) and a child service under it; stopped and deleted after the test. */
  async function isolated(name: string) {
    const prefix = `test-poison-${name}-${randomUUID().slice(0, 8)}.`;
    const topics = LOGICAL.flatMap((t) => [prefix + t, `${prefix + t}.dlq`]);
    await admin.createTopics({
      waitForLeaders: true,
      topics: topics.map((topic) => ({ topic, numPartitions: 1, replicationFactor: 1 })),
    });
    producer = kafka.producer({ idempotent: true });
    await producer.connect();
    const children: ChildProcess[] = [];
    cleanups.push(async () => {
      await producer.disconnect();
      for (const c of children) {
        c.kill('SIGTERM');
        await exited(c);
      }
    });
    // Deleted at the end: a client that knew a deleted topic keeps asking the broker for it.
    created.push(...topics);
    return {
      prefix,
      topic: (logical: string) => prefix + logical,
      async start(service: 'decider' | 'projector' | 'remediator', env: Record<string, string> = {}) {
        const child = await spawnService(service, { VERITY_TOPIC_PREFIX: prefix, ...env });
        children.push(child);
        return child;
      },
    };
  }

  async function codec<E extends TypedEvent>(logical: string) {
    return EventCodec.forTopic<E>(config.schemaRegistryUrl, logical);
  }

  /** Every record of `topic` once `done` holds. */
  const read = (topic: string, done: (ms: KafkaMessage[]) => boolean) =>
    consumeUntil(kafka, topic, done, { timeoutMs: 60_000 });
  const header = (m: KafkaMessage, name: string) => (m.headers as IHeaders)[name]?.toString();
  const get = async (port: number, path: string) => {
    const r = await fetch(`http://127.0.0.1:${port}${path}`);
    return { status: r.status, text: await r.text() };
  };

  it('decider: undecodable, unknown schema, schema-invalid and out-of-column-bounds intake records; the good ones around them are decided', async () => {
    const iso = await isolated('decider');
    const intake = await codec<IntakeEvent>('ci.intake.v1');
    const pipelineId = randomUUID();
    const now = new Date().toISOString();
    const base = {
      pipeline_id: pipelineId,
      project_id: 'test/poison',
      occurred_at: now,
      received_at: now,
      idempotency_key: null,
      producer: 'test',
    };
    const create = {
      ...base,
      type: 'CreatePipeline',
      report_id: randomUUID(),
      correlation_id: randomUUID(),
      ref: 'main',
      sha: 'abc1234',
      source: 'api',
      definition: {
        stages: ['s'],
        jobs: [
          {
            name: 'j',
            stage: 's',
            needs: null,
            when: 'on_success',
            allow_failure: false,
            retry: { max: 0, when: ['always'] },
          },
        ],
      },
    };
    const report = (extra: Record<string, unknown>) => ({
      ...base,
      type: 'ReportJob',
      report_id: randomUUID(),
      correlation_id: randomUUID(),
      job: 'j',
      runner_id: null,
      failure_reason: null,
      exit_code: null,
      log: null,
      log_excerpt: null,
      ...extra,
    });
    const reportId = intake.schemaIdOf('ReportJob')!;
    const poison = [
      { key: randomUUID(), value: Buffer.from('{"not":"wire format"}'), reason: 'EventDecodeError' },
      { key: randomUUID(), value: wireFormat(0x7ffffff0, {}), reason: 'EventDecodeError' },
      {
        key: pipelineId,
        value: wireFormat(reportId, report({ status: 'running', runner_id: 'r', job: undefined })),
        reason: 'EventValidationError',
      },
      {
        key: pipelineId,
        value: wireFormat(
          reportId,
          report({ status: 'failed', failure_reason: 'script_failure', exit_code: 2147483648 }),
        ),
        reason: 'EventValidationError',
      },
    ];
    await producer.send({
      topic: iso.topic('ci.intake.v1'),
      messages: [
        { key: pipelineId, value: await intake.encode(create as IntakeEvent) },
        ...poison.map(({ key, value }) => ({ key, value })),
        { key: pipelineId, value: await intake.encode(report({ status: 'running', runner_id: 'r1' }) as IntakeEvent) },
      ],
    });
    const decider = await iso.start('decider');
    const events = await codec<PipelineEvent>('ci.pipeline.events.v1');
    const seen: string[] = [];
    await consumeUntil(kafka, iso.topic('ci.pipeline.events.v1'), () => seen.includes('JobStarted'), {
      onMessage: async (m) => void seen.push((await events.decode(m.value)).event.type),
    });
    await read(iso.topic('ci.intake.v1.dlq'), (ms) => ms.length >= poison.length);
    const all = await readToEnd(kafka, admin, iso.topic('ci.intake.v1.dlq'));
    expect(
      all.map((m) => [m.key?.toString(), header(m, 'dlq-reason'), header(m, 'dlq-source-offset')]),
      'each poison record dead-lettered exactly once, in order',
    ).to.deep.equal(poison.map((p, i) => [p.key, p.reason, String(i + 1)]));
    expect(new Set(all.map((m) => header(m, 'dlq-consumer-group')))).to.deep.equal(
      new Set([`${iso.prefix}verity-decider`]),
    );
    expect(all[3]!.value).to.deep.equal(poison[3]!.value);
    expect(all[3]!.headers?.['dlq-error']?.toString()).to.match(/exit_code/);
    expect((await get(decider.port, '/readyz')).status).to.equal(200);
  });

  it('projector: undecodable, out-of-column-bounds and a value Postgres refuses (class 23, found by splitting the batch) — dead-lettered and recorded; the pipeline with a lost event is still projected', async () => {
    const iso = await isolated('projector');
    const version = 900_000 + Math.floor(Math.random() * 90_000);
    const client = await pool.connect();
    await createVersion(client, version);
    // A real constraint of the database (exit codes are 0–255 on POSIX): a value the schemas take and
    // Postgres refuses (23514), which only splitting the batch can pin on its record.
    await client.query(
      `ALTER TABLE "${versionSchema(version)}".jobs ADD CONSTRAINT posix_exit_code CHECK (exit_code IS NULL OR exit_code BETWEEN 0 AND 255)`,
    );
    client.release();
    const projection = `poison-${version}`;
    cleanups.push(async () => {
      await pool.query(`DROP SCHEMA IF EXISTS "${versionSchema(version)}" CASCADE`);
      await pool.query('DELETE FROM projection_checkpoints WHERE projection = $1', [`${projection}@v${version}`]);
      await pool.query('DELETE FROM projection_dead_letters WHERE projection = $1', [`${projection}@v${version}`]);
    });
    const events = await codec<PipelineEvent>('ci.pipeline.events.v1');
    const [p, q] = [randomUUID(), randomUUID()];
    const at = (seq: number) => `2026-11-28T10:${String(seq).padStart(2, '0')}:00.000Z`;
    const jobOf = new Map<string, string>([
      [p, randomUUID()],
      [q, randomUUID()],
    ]);
    const ev = (type: PipelineEvent['type'], pipelineId: string, seq: number, patch: Record<string, unknown> = {}) => {
      const example = exampleEvents.find((e) => e.type === type)!;
      const job = 'job_id' in example ? { job_id: jobOf.get(pipelineId) } : {};
      return {
        ...example,
        ...job,
        pipeline_id: pipelineId,
        event_id: randomUUID(),
        seq,
        occurred_at: at(seq),
        recorded_at: at(seq),
        ...patch,
      } as PipelineEvent;
    };
    const failedId = events.schemaIdOf('JobFailed')!;
    const enqueuedId = events.schemaIdOf('JobEnqueued')!;
    const lines: { key: string; value: Buffer; reason?: string }[] = [
      { key: p, value: await events.encode(ev('PipelineCreated', p, 1)) },
      { key: p, value: await events.encode(ev('JobCreated', p, 2)) },
      // A date-time out of Postgres' range (offsets end at ±15:59): refused by the column-bounded codec.
      {
        key: p,
        value: wireFormat(enqueuedId, ev('JobEnqueued', p, 3, { occurred_at: '2026-11-28T10:03:00+20:00' })),
        reason: 'EventValidationError',
      },
      { key: q, value: await events.encode(ev('PipelineCreated', q, 1)) },
      {
        key: p,
        value: wireFormat(failedId, ev('JobFailed', p, 4, { exit_code: 2147483648 })),
        reason: 'EventValidationError',
      },
      { key: q, value: Buffer.from('\u0000\u0000garbage'), reason: 'EventDecodeError' },
      { key: p, value: await events.encode(ev('PipelineFinished', p, 5)) },
      { key: q, value: await events.encode(ev('JobCreated', q, 2)) },
      { key: q, value: await events.encode(ev('JobFailed', q, 3, { exit_code: 300 })), reason: 'pg 23514' },
    ];
    await producer.send({
      topic: iso.topic('ci.pipeline.events.v1'),
      messages: lines.map(({ key, value }) => ({ key, value })),
    });
    const projector = await iso.start('projector', {
      PROJECTOR_PROJECTION: projection,
      PROJECTOR_VERSION: String(version),
      PROJECTOR_SESSION_TIMEOUT_MS: '6000',
    });
    const poison = lines.flatMap((l, offset) => (l.reason ? [{ ...l, offset }] : []));
    await read(iso.topic('ci.pipeline.events.v1.dlq'), (ms) => ms.length >= poison.length).catch((err: Error) => {
      throw new Error(`${err.message}\n${projector.logTail().slice(-4000)}`);
    });
    const rows = async () =>
      (
        await pool.query<{ pipeline_id: string; last_seq: number; status: string }>(
          `SELECT pipeline_id, last_seq, status FROM "${versionSchema(version)}".pipelines WHERE pipeline_id = ANY($1) ORDER BY pipeline_id`,
          [[p, q]],
        )
      ).rows;
    const deadline = Date.now() + 30_000;
    while ((await rows()).length < 2 || (await rows()).some((r) => r.last_seq < (r.pipeline_id === p ? 5 : 2))) {
      if (Date.now() > deadline) throw new Error(`not projected: ${JSON.stringify(await rows())}`);
      await new Promise((r) => setTimeout(r, 200));
    }
    expect((await rows()).find((r) => r.pipeline_id === p)).to.include({ last_seq: 5, status: 'success' });
    // Read to the end, after everything was applied: each poison record is in the DLQ exactly once.
    const dead = await readToEnd(kafka, admin, iso.topic('ci.pipeline.events.v1.dlq'));
    expect(dead.map((m) => [header(m, 'dlq-source-offset'), header(m, 'dlq-reason')]).sort()).to.deep.equal(
      poison.map((x) => [String(x.offset), x.reason]).sort(),
    );
    const recorded = await pool.query<{ offset: string; pipeline_id: string; reason: string }>(
      'SELECT "offset", pipeline_id, reason FROM projection_dead_letters WHERE projection = $1 ORDER BY "offset"',
      [`${projection}@v${version}`],
    );
    expect(recorded.rows.map((r) => [r.offset, r.pipeline_id, r.reason])).to.deep.equal(
      poison.map((x) => [String(x.offset), x.key, x.reason]),
    );
    const ready = await get(projector.port, '/readyz');
    expect(ready.status, ready.text).to.equal(200);
  });

  it('remediator: an undecodable failure is dead-lettered with its consumer group; the next failure gets its proposal', async () => {
    const iso = await isolated('remediator');
    const remediator = await iso.start('remediator');
    const deadline = Date.now() + 60_000;
    while ((await get(remediator.port, '/readyz')).status !== 200) {
      if (Date.now() > deadline)
        throw new Error(`remediator not ready: ${(await get(remediator.port, '/readyz')).text}`);
      await new Promise((r) => setTimeout(r, 250));
    }
    const events = await codec<PipelineEvent>('ci.pipeline.events.v1');
    const pipelineId = randomUUID();
    const failed = {
      ...exampleEvents.find((e) => e.type === 'JobFailed')!,
      pipeline_id: pipelineId,
      event_id: randomUUID(),
      job_id: randomUUID(),
    } as PipelineEvent;
    await producer.send({
      topic: iso.topic('ci.pipeline.events.v1'),
      messages: [
        { key: pipelineId, value: Buffer.from('not a record'), headers: { 'event-type': 'JobFailed' } },
        { key: pipelineId, value: await events.encode(failed), headers: { 'event-type': 'JobFailed' } },
      ],
    });
    const remediations = await codec<RemediationEvent>('ci.remediation.events.v1');
    const out: RemediationEvent[] = [];
    await consumeUntil(kafka, iso.topic('ci.remediation.events.v1'), () => out.length > 0, {
      onMessage: async (m) => void out.push((await remediations.decode(m.value)).event),
    });
    expect(out[0]).to.include({ pipeline_id: pipelineId });
    await read(iso.topic('ci.pipeline.events.v1.dlq'), (ms) => ms.length >= 1);
    const dead = await readToEnd(kafka, admin, iso.topic('ci.pipeline.events.v1.dlq'));
    expect(
      dead.map((m) => [header(m, 'dlq-reason'), header(m, 'dlq-consumer-group'), header(m, 'dlq-source-offset')]),
    ).to.deep.equal([['EventDecodeError', `${iso.prefix}verity-remediator`, '0']]);
  });

  it('a seq gap stops the partition: /readyz answers 503 naming it, verity_consumer_stalled_partitions counts it, nothing of the batch is applied', async () => {
    const iso = await isolated('gap');
    const version = 900_000 + Math.floor(Math.random() * 90_000);
    const client = await pool.connect();
    await createVersion(client, version);
    client.release();
    const projection = `gap-${version}`;
    cleanups.push(async () => {
      await pool.query(`DROP SCHEMA IF EXISTS "${versionSchema(version)}" CASCADE`);
      await pool.query('DELETE FROM projection_checkpoints WHERE projection = $1', [`${projection}@v${version}`]);
    });
    const events = await codec<PipelineEvent>('ci.pipeline.events.v1');
    const p = randomUUID();
    const ev = (type: PipelineEvent['type'], seq: number) =>
      ({
        ...exampleEvents.find((e) => e.type === type)!,
        pipeline_id: p,
        event_id: randomUUID(),
        seq,
      }) as PipelineEvent;
    await producer.send({
      topic: iso.topic('ci.pipeline.events.v1'),
      messages: [
        { key: p, value: await events.encode(ev('PipelineCreated', 1)) },
        { key: p, value: await events.encode(ev('JobCreated', 3)) },
      ],
    });
    const projector = await iso.start('projector', {
      PROJECTOR_PROJECTION: projection,
      PROJECTOR_VERSION: String(version),
    });
    const deadline = Date.now() + 30_000;
    let ready = await get(projector.port, '/readyz');
    while (ready.status === 200 || !ready.text.includes('stalled')) {
      if (Date.now() > deadline) throw new Error(`never reported stalled: ${ready.status} ${ready.text}`);
      await new Promise((r) => setTimeout(r, 250));
      ready = await get(projector.port, '/readyz');
    }
    expect(ready.status).to.equal(503);
    expect(ready.text)
      .to.contain(`${iso.topic('ci.pipeline.events.v1')}[0]`)
      .and.to.contain(`seq gap in pipeline ${p}: expected 2, got 3`);
    let metricsText = '';
    while (!/verity_consumer_stalled_partitions\{[^}]*topic="[^"]*ci\.pipeline\.events\.v1"\} 1/.test(metricsText)) {
      if (Date.now() > deadline)
        throw new Error(
          `stall metric missing:\n${metricsText
            .split('\n')
            .filter((l) => l.includes('stalled'))
            .join('\n')}`,
        );
      await new Promise((r) => setTimeout(r, 500));
      metricsText = (await get(projector.port, '/metrics')).text;
    }
    const rows = await pool.query(`SELECT 1 FROM "${versionSchema(version)}".pipelines WHERE pipeline_id = $1`, [p]);
    expect(rows.rowCount).to.equal(0);
  });
});
