// projectWindow, the entry replay and rebuild run, against real Kafka and Postgres.
import { expect } from 'chai';
import { randomUUID } from 'node:crypto';
import { eq, inArray } from 'drizzle-orm';
import type { Admin, Kafka } from 'kafkajs';
import type { PipelineEvent } from '../../services/lib/core/events/generated.js';
import { createDb, createPool } from '../../services/lib/platform/db/client.js';
import { createLogger } from '../../services/lib/platform/log.js';
import { createKafka } from '../../services/lib/platform/kafka/client.js';
import { scopedId, TOPICS } from '../../services/lib/platform/kafka/topics.js';
import { EventCodec } from '../../services/lib/platform/registry/codec.js';
import { readModelTables } from '../../services/lib/readmodel/tables.js';
import { createSchemaFromDdl } from '../../services/lib/readmodel/versions.js';
import {
  loadProjectorConfig,
  projectWindow,
  type ProjectionTarget,
  type ProjectionWindow,
} from '../../services/run/projector/index.js';
import { pipelineEvents } from '../support/pipeline-events.js';

// The entry replay and rebuild run, on the process's own topics (TOPICS): three pipelines of 7 events sent
// to one partition in a row (A at base+0..6, B at base+7..13, C at base+14..20), each window ending there.
describe("projectWindow: the projector's fold over a window into a target (real Kafka and Postgres)", function () {
  this.timeout(240_000);
  const config = loadProjectorConfig({ ...process.env, LOG_LEVEL: 'warn' });
  const log = createLogger('window-test', 'warn');
  const pool = createPool(config.databaseUrl, 4);
  const db = createDb(pool);
  const tag = randomUUID().slice(0, 6).replace(/-/g, '');
  const project = `test/window-${tag}`;
  const ids = { a: randomUUID(), b: randomUUID(), c: randomUUID() };
  const partition = 0;
  const targets: ProjectionTarget[] = [];
  let kafka: Kafka;
  let admin: Admin;
  let base: bigint;

  /** A fresh target: a schema of its own from the read-model DDL, its own checkpoints and groups. */
  async function newTarget(name: string): Promise<ProjectionTarget> {
    const target = {
      schema: `test_window_${tag}_${name}`,
      projection: `test-window:${tag}:${name}`,
      group: scopedId(`test-window-${tag}-${name}`),
      deadLetterTopics: false,
    };
    const client = await pool.connect();
    try {
      await createSchemaFromDdl(client, target.schema);
    } finally {
      client.release();
    }
    targets.push(target);
    return target;
  }

  /** Offsets base+from..base+to of the test's partition; every other partition of both topics empty, at its end. */
  async function windowOf(from: number, to: number): Promise<ProjectionWindow> {
    const atEnd = async (topic: string) => {
      const offsets = await admin.fetchTopicOffsets(topic);
      return offsets.map((o) => ({ partition: o.partition, from: BigInt(o.high), to: BigInt(o.high) }));
    };
    const ours = { partition, from: base + BigInt(from), to: base + BigInt(to) };
    const pipelineEvents = (await atEnd(TOPICS.pipelineEvents)).map((r) => (r.partition === partition ? ours : r));
    return { pipelineEvents, remediationEvents: await atEnd(TOPICS.remediationEvents) };
  }

  const run = (target: ProjectionTarget, window: ProjectionWindow) =>
    projectWindow({ config, pool, log, target, window });

  async function rowsOf(target: ProjectionTarget) {
    const t = readModelTables(target.schema);
    const all = Object.values(ids);
    const by = <T>(rows: T[], key: (r: T) => string) => [...rows].sort((a, b) => key(a).localeCompare(key(b)));
    const checkpoint = await pool.query<{ next_offset: string }>(
      'SELECT next_offset FROM projection_checkpoints WHERE projection = $1 AND topic = $2 AND partition = $3',
      [target.projection, TOPICS.pipelineEvents, partition],
    );
    const pipelines = await db.select().from(t.pipelines).where(inArray(t.pipelines.pipelineId, all));
    const jobs = await db.select().from(t.jobs).where(inArray(t.jobs.pipelineId, all));
    const daily = await db.select().from(t.projectDailyStats).where(eq(t.projectDailyStats.projectId, project));
    return {
      pipelines: by(pipelines, (r) => r.pipelineId),
      jobs: by(jobs, (r) => r.jobId),
      daily: by(
        daily.map(({ updatedAt: _, ...r }) => r),
        (r) => r.day,
      ),
      checkpoint: BigInt(checkpoint.rows[0]!.next_offset) - base,
    };
  }

  before(async () => {
    kafka = createKafka(config, 'test-window');
    admin = kafka.admin();
    await admin.connect();
    const codec = await EventCodec.forTopic<PipelineEvent>(config.schemaRegistryUrl, TOPICS.pipelineEvents);
    const events = [ids.a, ids.b, ids.c].flatMap((id) => pipelineEvents(id, { project_id: project }));
    const messages = await Promise.all(events.map(async (e) => ({ ...(await codec.toMessage(e, 'test')), partition })));
    const producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
    await producer.connect();
    try {
      const [sent] = await producer.send({ topic: TOPICS.pipelineEvents, acks: -1, messages });
      base = BigInt(sent!.baseOffset!);
    } finally {
      await producer.disconnect();
    }
  });

  after(async () => {
    for (const t of targets) {
      await pool.query(`DROP SCHEMA IF EXISTS "${t.schema}" CASCADE`);
      await pool.query('DELETE FROM projection_checkpoints WHERE projection = $1', [t.projection]);
      await pool.query('DELETE FROM projection_dead_letters WHERE projection = $1', [t.projection]);
    }
    const groups = targets.flatMap((t) => [t.group, `${t.group}-remediations`]);
    await admin?.deleteGroups(groups).catch(() => undefined);
    await admin?.disconnect();
    await pool.end();
  });

  it('given records past its end, a window stops there exactly: rows, checkpoint, counts of the window', async () => {
    const target = await newTarget('end');
    const report = await run(target, await windowOf(0, 10));
    expect(report).to.include({ records: 10, events: 10, applied: 10, ignored: 0, deadLetters: 0 });
    const rows = await rowsOf(target);
    expect(rows.pipelines.map((p) => [p.pipelineId, p.status, p.lastSeq])).to.have.deep.members([
      [ids.a, 'success', 7],
      [ids.b, 'created', 3],
    ]);
    expect(rows.checkpoint, 'the checkpoint is at the end of the window').to.equal(10n);
  });

  it('given a target that already holds a window, projecting it again reads nothing and changes nothing', async () => {
    const target = await newTarget('again');
    await run(target, await windowOf(0, 7));
    const before = await rowsOf(target);
    const again = await run(target, await windowOf(0, 7));
    expect(again).to.include({ records: 7, events: 0, applied: 0 });
    expect(await rowsOf(target)).to.deep.equal(before);
  });

  it('given two windows in a row into one target, its rows equal those of the one window over both', async () => {
    const split = await newTarget('split');
    const whole = await newTarget('whole');
    const first = await run(split, await windowOf(0, 10)); // B is cut after its JobEnqueued
    const second = await run(split, await windowOf(10, 21));
    const one = await run(whole, await windowOf(0, 21));
    expect(first.events + second.events)
      .to.equal(one.events)
      .and.to.equal(21);
    const rows = await rowsOf(whole);
    expect(rows.pipelines.map((p) => p.status)).to.deep.equal(['success', 'success', 'success']);
    expect(rows.daily.reduce((n, d) => n + d.pipelines, 0)).to.equal(3);
    expect(await rowsOf(split)).to.deep.equal(rows);
  });

  it('given a window starting mid-pipeline, strict, it stops naming the partition and applies nothing', async () => {
    const target = await newTarget('gap');
    // B's events from its 4th on (base+10): the strict fold meets seq 4 of a pipeline it does not know.
    const failed = await run(target, await windowOf(10, 21)).then(
      () => undefined,
      (err: Error) => err.message,
    );
    const stall = `${TOPICS.pipelineEvents}[${partition}]: seq gap in pipeline ${ids.b}: expected 1, got 4`;
    expect(failed).to.contain(`stalled: ${stall}`);
    const rows = await rowsOf(target);
    expect(rows.pipelines).to.deep.equal([]);
    expect(rows.checkpoint, 'the checkpoint stays at the start of the window').to.equal(10n);
  });
});
