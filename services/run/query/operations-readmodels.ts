// The operations routes' reads of Postgres: the read-model versions (schemas rm_v<N>, the active and the one
// being built as read_model_versions records them, and the one the `rm` views really point to), the
// projections' checkpoints (where the projector is in each partition: its consumer position, kept beside its
// rows), and the poison events projections recorded in projection_dead_letters. Every read is bounded.
import { count, desc, inArray, max, sql } from 'drizzle-orm';
import type { Db } from '../../lib/platform/db/client.js';
import { projectionCheckpoints, projectionDeadLetters, readModelVersions } from '../../lib/platform/db/schema.js';
import { PROJECTION } from '../../lib/readmodel/versions.js';
import { ERROR_CHARS, KEY_CHARS, safeLine } from './operations-preview.js';

/** Checkpoints read at most (versions × projections × topics × partitions: far below). */
const MAX_CHECKPOINTS = 10_000;
/** Read-model version schemas listed at most (the oldest left out). */
const MAX_VERSIONS = 50;

export interface VersionState {
  /** Every rm_v<N> schema there is, ascending. */
  versions: number[];
  active: number | null;
  building: number | null;
  /** The version the `rm` views select from (null: no views yet). */
  serving: number | null;
}

export async function versionState(db: Db): Promise<VersionState> {
  const schemas = await db.execute<{ nspname: string }>(
    sql`SELECT nspname FROM pg_namespace WHERE nspname ~ '^rm_v[0-9]{1,6}$'`,
  );
  const versions = schemas.rows
    .map((r) => Number(r.nspname.slice(4)))
    .sort((a, b) => a - b)
    .slice(-MAX_VERSIONS);
  const [row] = await db
    .select({ active: readModelVersions.active, building: readModelVersions.building })
    .from(readModelVersions)
    .where(sql`${readModelVersions.projection} = ${PROJECTION}`);
  const view = await db.execute<{ definition: string }>(
    sql`SELECT definition FROM pg_views WHERE schemaname = 'rm' AND viewname = 'pipelines'`,
  );
  const served = /rm_v(\d{1,6})\./.exec(view.rows[0]?.definition ?? '');
  return {
    versions,
    active: row?.active ?? null,
    building: row?.building ?? null,
    serving: served ? Number(served[1]) : null,
  };
}

export interface Checkpoint {
  projection: string;
  topic: string;
  partition: number;
  position: bigint;
}

/** The checkpoints of every projection in `topics`, by projection, topic and partition. */
export async function checkpoints(db: Db, topics: string[]): Promise<Checkpoint[]> {
  const c = projectionCheckpoints;
  const rows = await db
    .select({ projection: c.projection, topic: c.topic, partition: c.partition, position: c.nextOffset })
    .from(c)
    .where(inArray(c.topic, topics))
    .orderBy(c.projection, c.topic, c.partition)
    .limit(MAX_CHECKPOINTS);
  return rows;
}

/** A projection of a read-model version (`<name>@v<N>`), or undefined (a replay's `replay:<name>`). */
export function versionOf(projection: string): { name: string; version: number } | undefined {
  const m = /^(.+)@v(\d{1,6})$/.exec(projection);
  return m ? { name: m[1]!, version: Number(m[2]) } : undefined;
}

export interface ProjectionPoison {
  projection: string;
  topic: string;
  partition: number;
  offset: number;
  pipeline_id: string | null;
  reason: string;
  error: string;
  recorded_at: string;
}

export interface ProjectionPoisonCount {
  projection: string;
  topic: string;
  count: number;
  newest: string | null;
}

/** The poison events projections recorded (in `topics`): counts per projection and topic, the newest `n`. */
export async function projectionPoison(
  db: Db,
  topics: string[],
  n: number,
): Promise<{ counts: ProjectionPoisonCount[]; newest: ProjectionPoison[] }> {
  const d = projectionDeadLetters;
  const counts = await db
    .select({ projection: d.projection, topic: d.topic, count: count(), newest: max(d.recordedAt) })
    .from(d)
    .where(inArray(d.topic, topics))
    .groupBy(d.projection, d.topic)
    .orderBy(d.projection, d.topic)
    .limit(100);
  const rows = await db
    .select()
    .from(d)
    .where(inArray(d.topic, topics))
    .orderBy(desc(d.recordedAt), desc(d.offset))
    .limit(n);
  return {
    counts: counts.map((c) => ({ ...c, newest: c.newest === null ? null : new Date(c.newest).toISOString() })),
    newest: rows.map((r) => ({
      projection: r.projection,
      topic: r.topic,
      partition: r.partition,
      offset: Number(r.offset),
      pipeline_id: r.pipelineId === null ? null : safeLine(r.pipelineId, KEY_CHARS),
      reason: safeLine(r.reason, KEY_CHARS),
      // The error may quote the event: masked and clipped like the topics' dead letters.
      error: safeLine(r.error, ERROR_CHARS),
      recorded_at: new Date(r.recordedAt).toISOString(),
    })),
  };
}
