// `verity replay`: feeds a recorded window of the canonical topic (and of the remediation topic, same
// time window) into an isolated sink — schema replay_<name>, created from the read-model DDL, with its
// own checkpoints (projection `replay:<name>`) and consumer group (`verity-replay-<name>`) — for
// experiments. It never writes the production read model (the `rm` views or an rm_v<N> schema) nor any
// topic: undecodable records are counted and skipped, not dead-lettered. It stops once every partition
// reached the end of its window (exclusive) and reports.
//
// The same sinks as the projector do the writing (ProjectionStore, RemediationStore: one transaction
// per partition batch that claims the checkpoint), so a replay folds exactly as production does. When
// the window starts after the earliest record, the fold runs with `startMidStream` (placeholder rows
// for pipelines begun before the window). A sink that already holds a replay is refused without
// --reset: resuming would mix two windows, and a replay is cheap to run again.
import { getTableConfig, type PgTable } from 'drizzle-orm/pg-core';
import type pg from 'pg';
import type { PipelineEvent, RemediationEvent } from '../../lib/core/events/generated.js';
import { createDb } from '../../lib/platform/db/client.js';
import { createKafka } from '../../lib/platform/kafka/client.js';
import { scopedId, TOPICS } from '../../lib/platform/kafka/topics.js';
import type { Logger } from '../../lib/platform/log.js';
import { EventCodec } from '../../lib/platform/registry/codec.js';
import type { ProjectorConfig } from '../../run/projector/index.js';
import type { Progress } from '../../lib/platform/progress-bar.js';
import { RemediationStore } from '../../run/projector/index.js';
import { Projector } from '../../run/projector/index.js';
import { ProjectionStore, type ProjectionSink } from '../../run/projector/index.js';
import { createSchemaFromDdl } from '../../lib/readmodel/versions.js';
import { replayGroup, replayProjection, replaySchema, resolveWindow, startsMidStream, windowSize, type Bound, type PartitionOffsets, type PartitionWindow } from './window.js';

export interface ReplayOptions {
  name: string;
  from: Bound;
  to: Bound;
  /** Drop and recreate the sink (schema and checkpoints) if it exists. */
  reset?: boolean;
  progress?: Progress;
  /** Give up (error) after this long; default 6 h. */
  timeoutMs?: number;
}

export interface ReplayReport {
  name: string;
  schema: string;
  projection: string;
  group: string;
  /** Per topic, the window of each partition (offsets, end exclusive). */
  windows: Record<string, PartitionWindow[]>;
  /** Offsets in the windows (transaction markers included). */
  records: number;
  /** Events decoded and handed to the sink, and what the fold did with them. */
  events: number;
  applied: number;
  ignored: number;
  /** Records that could not be decoded: skipped (a replay writes no DLQ). */
  undecodable: number;
  /** The fold accepted pipelines begun before the window (placeholder rows). */
  midStream: boolean;
  ms: number;
}

/** Every table a sink writes lies in `schema` (belt and braces: a replay never writes the read model). */
function assertTablesIn(schema: string, tables: Record<string, PgTable>): void {
  for (const [name, table] of Object.entries(tables)) {
    const actual = getTableConfig(table).schema;
    if (actual !== schema) throw new Error(`replay sink table ${name} is in schema ${actual}, not ${schema}`);
  }
}

const describe = (windows: PartitionWindow[]) => windows.map((w) => `${w.partition}:${w.from}-${w.to}`).join(',');

export async function offsetsOf(admin: ReturnType<ReturnType<typeof createKafka>['admin']>, topic: string): Promise<PartitionOffsets[]> {
  return (await admin.fetchTopicOffsets(topic)).map((o) => ({ partition: o.partition, low: BigInt(o.low), high: BigInt(o.high) }));
}

export async function atTime(admin: ReturnType<ReturnType<typeof createKafka>['admin']>, topic: string, b: Bound): Promise<Map<number, bigint> | undefined> {
  if (b.kind !== 'time') return undefined;
  return new Map((await admin.fetchTopicOffsetsByTimestamp(topic, b.ms)).map((o) => [o.partition, BigInt(o.offset)]));
}

/** Sink schema, checkpoints and group of the replay `name` (for `--reset` and for tests' cleanup). */
export async function dropReplaySink(pool: pg.Pool, name: string): Promise<void> {
  const schema = replaySchema(name);
  await pool.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
  await pool.query('DELETE FROM projection_checkpoints WHERE projection = $1', [replayProjection(name)]);
  await pool.query('DELETE FROM projection_dead_letters WHERE projection = $1', [replayProjection(name)]);
}

export async function replay(config: ProjectorConfig, pool: pg.Pool, log: Logger, opts: ReplayOptions): Promise<ReplayReport> {
  const schema = replaySchema(opts.name);
  if (!schema.startsWith('replay_')) throw new Error(`refusing to write schema ${schema}`); // never rm / rm_v<N>
  const projection = replayProjection(opts.name);
  const group = scopedId(replayGroup(opts.name));

  // One replay per name at a time: a second one would share the group and the checkpoints.
  const lock = await pool.connect();
  try {
    const locked = (await lock.query<{ ok: boolean }>('SELECT pg_try_advisory_lock(hashtext($1)) AS ok', [`verity-replay:${opts.name}`])).rows[0]?.ok;
    if (!locked) throw new Error(`replay "${opts.name}" is running in another process`);
    try {
      return await replayLocked(config, pool, log, opts, schema, projection, group);
    } finally {
      await lock.query('SELECT pg_advisory_unlock(hashtext($1))', [`verity-replay:${opts.name}`]).catch(() => undefined);
    }
  } finally {
    lock.release();
  }
}

async function replayLocked(config: ProjectorConfig, pool: pg.Pool, log: Logger, opts: ReplayOptions, schema: string, projection: string, group: string): Promise<ReplayReport> {
  const held = Number((await pool.query<{ n: string }>('SELECT count(*) AS n FROM projection_checkpoints WHERE projection = $1', [projection])).rows[0]?.n ?? 0);
  if (held > 0 && !opts.reset) {
    throw new Error(`the replay sink ${schema} already holds a replay (${held} checkpoints of ${projection}); add --reset to drop and recreate it, or choose another --into name`);
  }

  const kafka = createKafka(config, replayGroup(opts.name));
  const admin = kafka.admin();
  await admin.connect();
  let running: Projector<PipelineEvent | RemediationEvent>[] = [];
  try {
    // The window, resolved before the sink is touched: a bad window leaves an existing sink as it was.
    const canonicalOffsets = await offsetsOf(admin, TOPICS.pipelineEvents);
    const remediationOffsets = await offsetsOf(admin, TOPICS.remediationEvents);
    const bounds = { from: opts.from, to: opts.to };
    const canonical = resolveWindow(TOPICS.pipelineEvents, canonicalOffsets, bounds, {
      from: await atTime(admin, TOPICS.pipelineEvents, opts.from),
      to: await atTime(admin, TOPICS.pipelineEvents, opts.to),
    });
    const remediation = resolveWindow(
      TOPICS.remediationEvents,
      remediationOffsets,
      bounds,
      { from: await atTime(admin, TOPICS.remediationEvents, opts.from), to: await atTime(admin, TOPICS.remediationEvents, opts.to) },
      { offsets: false },
    );
    const midStream = startsMidStream(canonical, canonicalOffsets);

    // The sink: a fresh schema from the read-model DDL, no checkpoints, no committed group offsets.
    await pool.query('DELETE FROM projection_checkpoints WHERE projection = $1', [projection]);
    await pool.query('DELETE FROM projection_dead_letters WHERE projection = $1', [projection]);
    const client = await pool.connect();
    try {
      await createSchemaFromDdl(client, schema);
    } finally {
      client.release();
    }
    await admin.deleteGroups([group]).catch(() => undefined); // offsets of an earlier run (monitoring only); none on a first run
    log.info({ schema, projection, group, midStream, canonical: describe(canonical), remediation: describe(remediation) }, 'replay sink created');

    const db = createDb(pool);
    // The version argument is unused: the schema option names the tables.
    const pipelineSink = new ProjectionStore(db, projection, 0, { schema, startMidStream: midStream });
    const remediationSink = new RemediationStore(db, projection, 0, schema);
    assertTablesIn(schema, pipelineSink.tables);
    assertTablesIn(schema, remediationSink.tables);
    // Every partition starts at its window: the checkpoints are the window's start.
    for (const [topic, windows] of [[TOPICS.pipelineEvents, canonical], [TOPICS.remediationEvents, remediation]] as const) {
      for (const w of windows) {
        await pool.query('INSERT INTO projection_checkpoints (projection, topic, partition, next_offset) VALUES ($1, $2, $3, $4)', [projection, topic, w.partition, w.from.toString()]);
      }
    }
    // The projector's own fold and sinks, through the one consumer runner, limited to the window (each
    // partition stops at its end); undecodable records are counted and skipped (a replay writes no topic).
    const lane = <E extends PipelineEvent | RemediationEvent>(topic: string, codec: EventCodec<E>, sink: ProjectionSink<E>, windows: PartitionWindow[], suffix: string) => {
      const byPartition = new Map(windows.map((w) => [w.partition, w]));
      const projector = new Projector<E>(kafka, topic, `${group}${suffix}`, codec, sink, config, log, {
        deadLetters: false,
        rawGroupId: true,
        endAt: (partition) => byPartition.get(partition)?.to ?? 0n,
      });
      const targets = new Map(windows.map((w) => [w.partition, { low: w.from, high: w.to }]));
      return { topic, projector, windows, targets };
    };
    const lanes = [
      lane(TOPICS.pipelineEvents, await EventCodec.forTopic<PipelineEvent>(config.schemaRegistryUrl, TOPICS.pipelineEvents), pipelineSink, canonical, ''),
      lane(TOPICS.remediationEvents, await EventCodec.forTopic<RemediationEvent>(config.schemaRegistryUrl, TOPICS.remediationEvents), remediationSink, remediation, '-remediations'),
    ];
    const all = lanes.flatMap((l) => l.windows.map((w) => ({ l, w })));
    const records = windowSize(all.map((x) => x.w));
    const handled = () =>
      all.reduce((n, { l, w }) => {
        const at = l.projector.position(w.partition);
        if (at === undefined || at <= w.from) return n;
        return n + Number((at > w.to ? w.to : at) - w.from);
      }, 0);
    const finished = () => lanes.every((l) => l.projector.caughtUp(l.targets));

    const started = Date.now();
    const timeoutMs = opts.timeoutMs ?? 6 * 60 * 60_000;
    if (!finished()) {
      running = lanes.map((l) => l.projector);
      await Promise.all(running.map((p) => p.start()));
      const deadline = started + timeoutMs;
      while (!finished()) {
        const stalled = lanes.flatMap((l) => l.projector.consumerStatus().stalled);
        if (stalled.length > 0) throw new Error(`replay stopped (nothing of the failing batch was applied): stalled: ${stalled.join('; ')}`);
        if (Date.now() > deadline) throw new Error(`replay did not reach the end of its window in ${Math.round(timeoutMs / 1000)} s (${handled()}/${records} records)`);
        opts.progress?.(handled(), records, Date.now() - started);
        await new Promise((r) => setTimeout(r, 250));
      }
    }
    const stats = lanes.reduce((t, l) => ({ events: t.events + l.projector.stats.events - l.projector.stats.deadLetters, applied: t.applied + l.projector.stats.applied, ignored: t.ignored + l.projector.stats.ignored, undecodable: t.undecodable + l.projector.stats.deadLetters }), { events: 0, applied: 0, ignored: 0, undecodable: 0 });
    opts.progress?.(records, records, Date.now() - started);
    return {
      name: opts.name,
      schema,
      projection,
      group,
      windows: Object.fromEntries(lanes.map((l) => [l.topic, l.windows])),
      records,
      ...stats,
      midStream,
      ms: Date.now() - started,
    };
  } finally {
    await Promise.all(running.map((p) => p.stop().catch((err: Error) => log.warn({ err: err.message }, 'stopping the replay consumer failed'))));
    await admin.disconnect();
  }
}
