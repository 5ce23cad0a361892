// `verity replay`: a recorded window of the canonical topic (and of the remediation topic, same time
// window) folded into an isolated sink for experiments. How replay works:
//  1. it takes the lock of its name (tryAdvisoryLock): a second replay of that name would share the
//     consumer group and the checkpoints;
//  2. it refuses a sink that already holds a replay unless --reset: resuming would mix two windows, and a
//     replay is cheap to run again;
//  3. it resolves the window per partition against the broker's offsets (window.ts), before it touches
//     anything: a bad window leaves an existing sink as it was;
//  4. it makes the sink new: schema replay_<name> from the read-model DDL, no checkpoints or dead letters
//     under projection replay:<name>, no committed offsets of group verity-replay-<name>;
//  5. it runs the projector's fold over the window into the sink (projectWindow: the Projector, stores and
//     consumer runner of the projector service and `verity rebuild`), each partition from the window's
//     start to its end (exclusive) — with startMidStream when the window starts after the earliest record
//     (placeholder rows for pipelines begun before it) — and reports.
// It never writes the production read model (the `rm` views, an rm_v<N> schema) nor any topic: poison is
// recorded in projection_dead_letters under replay:<name> and skipped.
import type pg from 'pg';
import { tryAdvisoryLock } from '../../lib/platform/db/advisory-lock.js';
import { createKafka } from '../../lib/platform/kafka/client.js';
import { scopedId, TOPICS } from '../../lib/platform/kafka/topics.js';
import type { Logger } from '../../lib/platform/log.js';
import type { Progress } from '../../lib/platform/progress-bar.js';
import { createSchemaFromDdl } from '../../lib/readmodel/versions.js';
import { projectWindow, type ProjectionTarget, type ProjectorConfig } from '../../run/projector/index.js';
import { replayGroup, replayProjection, replaySchema, resolveWindow, startsMidStream } from './window.js';
import type { Bound, PartitionOffsets, PartitionWindow } from './window.js';

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
  /** Poison records skipped (recorded under the replay's projection; a replay writes no DLQ). */
  undecodable: number;
  /** The fold accepted pipelines begun before the window (placeholder rows). */
  midStream: boolean;
  ms: number;
}

type Admin = ReturnType<ReturnType<typeof createKafka>['admin']>;

export async function offsetsOf(admin: Admin, topic: string): Promise<PartitionOffsets[]> {
  const offsets = await admin.fetchTopicOffsets(topic);
  return offsets.map((o) => ({ partition: o.partition, low: BigInt(o.low), high: BigInt(o.high) }));
}

export async function atTime(admin: Admin, topic: string, b: Bound): Promise<Map<number, bigint> | undefined> {
  if (b.kind !== 'time') return undefined;
  return new Map((await admin.fetchTopicOffsetsByTimestamp(topic, b.ms)).map((o) => [o.partition, BigInt(o.offset)]));
}

/** Sink schema, checkpoints and dead letters of the replay `name` (for `--reset` and for tests' cleanup). */
export async function dropReplaySink(pool: pg.Pool, name: string): Promise<void> {
  await pool.query(`DROP SCHEMA IF EXISTS "${replaySchema(name)}" CASCADE`);
  await pool.query('DELETE FROM projection_checkpoints WHERE projection = $1', [replayProjection(name)]);
  await pool.query('DELETE FROM projection_dead_letters WHERE projection = $1', [replayProjection(name)]);
}

/** What the replay `name` writes: never rm or rm_v<N>, never a topic. */
function replayTarget(name: string): ProjectionTarget {
  const schema = replaySchema(name);
  if (!schema.startsWith('replay_')) throw new Error(`refusing to write schema ${schema}`);
  const group = scopedId(replayGroup(name));
  return { schema, projection: replayProjection(name), group, deadLetterTopics: false };
}

export async function replay(
  config: ProjectorConfig,
  pool: pg.Pool,
  log: Logger,
  opts: ReplayOptions,
): Promise<ReplayReport> {
  const target = replayTarget(opts.name);
  const busy = () => {
    throw new Error(`replay "${opts.name}" is running in another process`);
  };
  const session = await pool.connect();
  try {
    // One replay per name at a time: a second one would share the group and the checkpoints.
    const run = () => replayInto(target, config, pool, log, opts);
    return await tryAdvisoryLock(session, `verity-replay:${opts.name}`, run, busy);
  } finally {
    session.release();
  }
}

async function replayInto(
  target: ProjectionTarget,
  config: ProjectorConfig,
  pool: pg.Pool,
  log: Logger,
  opts: ReplayOptions,
): Promise<ReplayReport> {
  const { schema, projection, group } = target;
  await refuseHeldSink(pool, target, opts.reset ?? false);
  const { canonical, remediation, midStream } = await prepare(config, pool, opts, target);
  const at = (ws: PartitionWindow[]) => ws.map((w) => `${w.partition}:${w.from}-${w.to}`).join(',');
  const windowLog = { midStream, canonical: at(canonical), remediation: at(remediation) };
  log.info({ schema, projection, group, ...windowLog }, 'replay sink created');
  const { deadLetters, ...counts } = await projectWindow({
    config,
    pool,
    log,
    target,
    window: { pipelineEvents: canonical, remediationEvents: remediation },
    startMidStream: midStream,
    progress: opts.progress,
    signal: AbortSignal.timeout(opts.timeoutMs ?? 6 * 60 * 60_000),
  });
  const windows = { [TOPICS.pipelineEvents]: canonical, [TOPICS.remediationEvents]: remediation };
  return { name: opts.name, schema, projection, group, windows, ...counts, undecodable: deadLetters, midStream };
}

/** Resuming would mix two windows: a sink that holds a replay is dropped with --reset, or refused. */
async function refuseHeldSink(pool: pg.Pool, { schema, projection }: ProjectionTarget, reset: boolean): Promise<void> {
  const sql = 'SELECT count(*) AS n FROM projection_checkpoints WHERE projection = $1';
  const held = Number((await pool.query<{ n: string }>(sql, [projection])).rows[0]?.n ?? 0);
  if (held === 0 || reset) return;
  throw new Error(
    `the replay sink ${schema} already holds a replay (${held} checkpoints of ${projection}); ` +
      'add --reset to drop and recreate it, or choose another --into name',
  );
}

/**
 * Resolves the window, then (a bad window leaves an existing sink as it was) makes the sink new: a fresh
 * schema from the read-model DDL, no checkpoints or dead letters, no committed group offsets.
 */
async function prepare(config: ProjectorConfig, pool: pg.Pool, opts: ReplayOptions, target: ProjectionTarget) {
  const admin = createKafka(config, replayGroup(opts.name)).admin();
  await admin.connect();
  try {
    const window = await resolveReplayWindow(admin, opts);
    await dropReplaySink(pool, opts.name);
    const client = await pool.connect();
    try {
      await createSchemaFromDdl(client, target.schema);
    } finally {
      client.release();
    }
    await admin.deleteGroups([target.group]).catch(() => undefined); // an earlier run's (monitoring only)
    return window;
  } finally {
    await admin.disconnect();
  }
}

/** The window of both topics (offset bounds apply to the canonical one only); whether it starts mid-stream. */
async function resolveReplayWindow(admin: Admin, opts: ReplayOptions) {
  const bounds = { from: opts.from, to: opts.to };
  const of = async (topic: string, offsets: boolean) => {
    const kept = await offsetsOf(admin, topic);
    const atTimes = { from: await atTime(admin, topic, opts.from), to: await atTime(admin, topic, opts.to) };
    return { kept, window: resolveWindow(topic, kept, bounds, atTimes, { offsets }) };
  };
  const canonical = await of(TOPICS.pipelineEvents, true);
  const remediation = await of(TOPICS.remediationEvents, false);
  const midStream = startsMidStream(canonical.window, canonical.kept);
  return { canonical: canonical.window, remediation: remediation.window, midStream };
}
