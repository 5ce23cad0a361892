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
import type { Consumer, EachBatchPayload } from 'kafkajs';
import type pg from 'pg';
import type { PipelineEvent, RemediationEvent } from '../core/events/generated.js';
import { createDb } from '../platform/db/client.js';
import { createKafka } from '../platform/kafka/client.js';
import { scopedId, TOPICS } from '../platform/kafka/topics.js';
import type { Logger } from '../platform/log.js';
import { EventCodec, EventDecodeError, EventValidationError, type TypedEvent } from '../platform/registry/codec.js';
import type { ProjectorConfig } from '../projector/config.js';
import type { Progress } from '../projector/rebuild.js';
import { RemediationStore } from '../projector/remediation-store.js';
import { CheckpointConflict, ProjectionStore, SeqGapError, type ProjectionSink } from '../projector/store.js';
import { createSchemaFromDdl } from '../projector/versions.js';
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

/** One topic of the replay: how its records decode, where they go, and its window per partition. */
interface Lane {
  topic: string;
  codec: EventCodec;
  sink: ProjectionSink<TypedEvent>;
  windows: Map<number, PartitionWindow>;
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
  let consumer: Consumer | undefined;
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
    const lanes: Lane[] = [
      {
        topic: TOPICS.pipelineEvents,
        codec: await EventCodec.forTopic<PipelineEvent>(config.schemaRegistryUrl, TOPICS.pipelineEvents),
        sink: pipelineSink,
        windows: new Map(canonical.map((w) => [w.partition, w])),
      },
      {
        topic: TOPICS.remediationEvents,
        codec: await EventCodec.forTopic<RemediationEvent>(config.schemaRegistryUrl, TOPICS.remediationEvents),
        sink: remediationSink,
        windows: new Map(remediation.map((w) => [w.partition, w])),
      },
    ];
    const laneOf = new Map(lanes.map((l) => [l.topic, l]));
    const key = (topic: string, partition: number) => `${topic}[${partition}]`;

    // Per partition: the next offset to apply (what its checkpoint says), and the highest offset handled.
    const next = new Map<string, bigint | null>();
    const reached = new Map<string, bigint>();
    const positioned = new Set<string>();
    let positioning: Promise<void> = Promise.resolve();
    let failure: Error | undefined;
    const stats = { events: 0, applied: 0, ignored: 0, undecodable: 0 };

    const windowOf = (topic: string, partition: number): PartitionWindow | undefined => laneOf.get(topic)?.windows.get(partition);
    const isDone = (topic: string, partition: number): boolean => {
      const w = windowOf(topic, partition);
      return !w || w.to <= w.from || (reached.get(key(topic, partition)) ?? -1n) >= w.to - 1n;
    };
    const reach = (topic: string, partition: number, offset: bigint) => {
      const k = key(topic, partition);
      if (offset > (reached.get(k) ?? -1n)) reached.set(k, offset);
    };
    const startOf = async (lane: Lane, partition: number): Promise<bigint> => {
      const k = key(lane.topic, partition);
      if (!next.has(k)) next.set(k, await lane.sink.checkpoint(lane.topic, partition));
      return next.get(k) ?? lane.windows.get(partition)!.from;
    };

    const c = kafka.consumer({ groupId: group, maxBytesPerPartition: config.maxBytesPerPartition, sessionTimeout: config.sessionTimeoutMs, maxWaitTimeInMs: 100 });
    c.on(c.events.GROUP_JOIN, ({ payload }) => {
      next.clear();
      positioned.clear();
      positioning = (async () => {
        for (const [topic, partitions] of Object.entries(payload.memberAssignment)) {
          const lane = laneOf.get(topic);
          if (!lane) continue;
          for (const partition of partitions) {
            if (isDone(topic, partition)) {
              c.pause([{ topic, partitions: [partition] }]);
              continue;
            }
            c.seek({ topic, partition, offset: String(await startOf(lane, partition)) });
            positioned.add(key(topic, partition));
          }
        }
      })().catch((err: Error) => {
        failure ??= err;
      });
    });
    c.on(c.events.END_BATCH_PROCESS, ({ payload }) => {
      // Only transaction markers or aborted records: nothing to apply, but the window moved on.
      if (payload.batchSize !== 0 || !positioned.has(key(payload.topic, payload.partition)) || payload.firstOffset === null) return;
      const start = next.get(key(payload.topic, payload.partition)) ?? windowOf(payload.topic, payload.partition)?.from;
      if (start !== undefined && BigInt(payload.firstOffset) >= start) reach(payload.topic, payload.partition, BigInt(payload.lastOffset));
    });
    c.on(c.events.CRASH, ({ payload }) => {
      if (!payload.restart) failure ??= payload.error;
    });

    const onBatch = async ({ batch, resolveOffset, heartbeat, isRunning, isStale, pause }: EachBatchPayload): Promise<void> => {
      const { topic, partition } = batch;
      await positioning;
      const lane = laneOf.get(topic);
      if (!lane || failure || batch.messages.length === 0 || !isRunning() || isStale() || !positioned.has(key(topic, partition))) return;
      if (isDone(topic, partition)) {
        pause();
        return;
      }
      const w = lane.windows.get(partition)!;
      const start = await startOf(lane, partition);
      const messages = batch.messages.filter((m) => BigInt(m.offset) >= start && BigInt(m.offset) < w.to);
      if (messages.length === 0) {
        if (BigInt(batch.lastOffset()) >= start) reach(topic, partition, BigInt(batch.lastOffset()));
        resolveOffset(batch.lastOffset());
        if (isDone(topic, partition)) pause();
        return;
      }
      const events: TypedEvent[] = [];
      for (const m of messages) {
        try {
          events.push((await lane.codec.decode(m.value)).event);
        } catch (err) {
          if (!(err instanceof EventDecodeError || err instanceof EventValidationError)) throw err;
          stats.undecodable++;
          log.warn({ topic, partition, offset: m.offset, err: err.message }, 'undecodable record skipped');
        }
      }
      const last = messages.at(-1)!.offset;
      const upTo = BigInt(last) + 1n;
      try {
        const result = await lane.sink.apply(topic, partition, next.get(key(topic, partition)) ?? null, upTo, events);
        next.set(key(topic, partition), upTo);
        stats.events += events.length;
        stats.applied += result.applied;
        stats.ignored += result.ignored;
      } catch (err) {
        if (err instanceof SeqGapError) {
          failure ??= new Error(`replay stopped by a seq gap in ${key(topic, partition)} (${err.message}); nothing of that batch was applied`);
          pause();
          return;
        }
        if (err instanceof CheckpointConflict) {
          failure ??= new Error(`${err.message}: something else writes the replay sink ${schema}`);
          pause();
          return;
        }
        throw err;
      }
      resolveOffset(last);
      reach(topic, partition, BigInt(batch.lastOffset()));
      if (isDone(topic, partition)) pause();
      await c.commitOffsets([{ topic, partition, offset: upTo.toString() }]).catch((e: Error) => log.warn({ err: e.message }, 'kafka offset commit failed (monitoring only)'));
      await heartbeat();
    };

    const all = lanes.flatMap((l) => [...l.windows.values()].map((w) => ({ topic: l.topic, w })));
    const records = windowSize(all.map((x) => x.w));
    const handled = () =>
      all.reduce((n, { topic, w }) => {
        const r = reached.get(key(topic, w.partition));
        if (r === undefined || r < w.from) return n;
        return n + Number((r + 1n > w.to ? w.to : r + 1n) - w.from);
      }, 0);
    const finished = () => all.every(({ topic, w }) => isDone(topic, w.partition));

    const started = Date.now();
    const timeoutMs = opts.timeoutMs ?? 6 * 60 * 60_000;
    if (!finished()) {
      await c.connect();
      consumer = c;
      for (const lane of lanes) await c.subscribe({ topic: lane.topic, fromBeginning: true });
      await c.run({ autoCommit: false, eachBatchAutoResolve: false, partitionsConsumedConcurrently: config.concurrency, eachBatch: onBatch });
      const deadline = started + timeoutMs;
      while (!finished()) {
        if (failure) throw failure;
        if (Date.now() > deadline) throw new Error(`replay did not reach the end of its window in ${Math.round(timeoutMs / 1000)} s (${handled()}/${records} records)`);
        opts.progress?.(handled(), records, Date.now() - started);
        await new Promise((r) => setTimeout(r, 250));
      }
      if (failure) throw failure;
    }
    opts.progress?.(records, records, Date.now() - started);
    return {
      name: opts.name,
      schema,
      projection,
      group,
      windows: Object.fromEntries(lanes.map((l) => [l.topic, [...l.windows.values()]])),
      records,
      ...stats,
      midStream,
      ms: Date.now() - started,
    };
  } finally {
    await consumer?.disconnect().catch((err: Error) => log.warn({ err: err.message }, 'consumer disconnect failed'));
    await admin.disconnect();
  }
}
