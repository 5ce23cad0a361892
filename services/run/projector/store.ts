// The projector's Postgres side: in ONE transaction per batch — claim the partition's checkpoint
// (compare-and-set on next_offset, so a zombie instance cannot apply the same batch twice), load the
// rows of the touched pipelines, fold, write them back with multi-row upserts, advance the checkpoint.
import { and, eq, getTableColumns, inArray, sql, type SQL } from 'drizzle-orm';
import type { AnyPgColumn, PgTable } from 'drizzle-orm/pg-core';
import type { PipelineEvent } from '../../lib/core/events/generated.js';
import type { Db } from '../../lib/platform/db/client.js';
import { readModelTables } from '../../lib/readmodel/tables.js';
import { projectionCheckpoints, projectionDeadLetters } from '../../lib/platform/db/schema.js';
import type { DeadLetter } from '../../lib/platform/consumer/dead-letter.js';
import { RepositionError, StallError } from '../../lib/platform/consumer/errors.js';
import type { JobRow, PipelineRow } from '../../lib/readmodel/rows.js';
import { foldEvents, type FoldOptions, type FoldResult, type SeqGap } from './fold.js';
import { versionSchema } from '../../lib/readmodel/versions.js';
import { dailyDeltas, type DailyDelta } from './daily-stats.js';

/** The checkpoint moved under this instance (another applied the batch): the runner re-reads it and seeks. */
export class CheckpointConflict extends RepositionError {}

/** A gap in a pipeline's seq: the batch is not applied and the partition must stop (/readyz says why). */
export class SeqGapError extends StallError {
  constructor(readonly gap: SeqGap) {
    super(`seq gap in pipeline ${gap.pipelineId}: expected ${gap.expected}, got ${gap.got}`);
  }
}

const CHUNK = 1000;

/** `SET col = excluded.col` for every column but the key. */
function excludedAll(table: PgTable, key: string): Record<string, SQL> {
  const set: Record<string, SQL> = {};
  for (const [prop, col] of Object.entries(getTableColumns(table))) {
    if (prop !== key) set[prop] = sql`excluded.${sql.identifier(col.name)}`;
  }
  return set;
}

/** VERITY_FAULT=projector.kill-mid-batch:N → SIGKILL inside the N-th batch's transaction, before its commit. */
function killMidBatch(batch: number): void {
  const m = /^projector\.kill-mid-batch:(\d+)$/.exec(process.env.VERITY_FAULT ?? '');
  if (m && Number(m[1]) === batch) {
    process.stderr.write(`VERITY_FAULT: killing the projector inside batch ${batch}\n`);
    process.kill(process.pid, 'SIGKILL');
  }
}

/** What a Projector writes to: a Postgres projection keyed by checkpoints (pipelines, remediations). */
export interface ProjectionSink<E> {
  readonly projection: string;
  checkpoint(topic: string, partition: number): Promise<bigint | null>;
  /**
   * Applies the records `from`…`next - 1` of one partition exactly once — the events, and the dead letters
   * among them recorded as skipped — or throws CheckpointConflict.
   */
  apply(
    topic: string,
    partition: number,
    from: bigint | null,
    next: bigint,
    events: E[],
    deadLetters: DeadLetter[],
  ): Promise<{ applied: number; ignored: number }>;
}

type Tx = Parameters<Parameters<Db['transaction']>[0]>[0];

/** Records the slice's dead letters (in the transaction that moves the checkpoint past them). */
export async function recordDeadLetters(tx: Tx, projection: string, deadLetters: DeadLetter[]): Promise<void> {
  if (deadLetters.length === 0) return;
  await tx
    .insert(projectionDeadLetters)
    .values(
      deadLetters.map((d) => ({
        projection,
        topic: d.topic,
        partition: d.partition,
        offset: d.offset,
        pipelineId:
          d.message.key
            ?.toString('utf8')
            .replace(/[^\x20-\x7e]/g, '?')
            .slice(0, 255) ?? null,
        reason: d.why.reason,
        error: d.error.replaceAll(String.fromCharCode(0), ''),
      })),
    )
    .onConflictDoNothing();
}

/** Pipelines among `ids` with a dead-lettered event in this projection: their fold is lenient. */
async function lenientPipelines(tx: Tx, projection: string, ids: string[]): Promise<Set<string>> {
  if (ids.length === 0) return new Set();
  const rows = await tx
    .selectDistinct({ id: projectionDeadLetters.pipelineId })
    .from(projectionDeadLetters)
    .where(and(eq(projectionDeadLetters.projection, projection), inArray(projectionDeadLetters.pipelineId, ids)));
  return new Set(rows.flatMap((r) => (r.id ? [r.id] : [])));
}

export async function readCheckpoint(
  db: Db,
  projection: string,
  topic: string,
  partition: number,
): Promise<bigint | null> {
  const rows = await db
    .select({ next: projectionCheckpoints.nextOffset })
    .from(projectionCheckpoints)
    .where(
      and(
        eq(projectionCheckpoints.projection, projection),
        eq(projectionCheckpoints.topic, topic),
        eq(projectionCheckpoints.partition, partition),
      ),
    );
  return rows[0]?.next ?? null;
}

/**
 * Where each partition of `ranges` starts: its checkpoint, first set to the range's start where there is
 * none (a new target). A partition that has one continues from it: a window never rewinds a projection.
 */
export async function startCheckpoints(
  db: Db,
  projection: string,
  topic: string,
  ranges: readonly { partition: number; from: bigint }[],
): Promise<Map<number, bigint>> {
  const c = projectionCheckpoints;
  if (ranges.length > 0) {
    const rows = ranges.map((r) => ({ projection, topic, partition: r.partition, nextOffset: r.from }));
    await db.insert(c).values(rows).onConflictDoNothing();
  }
  const stored = await db
    .select({ partition: c.partition, next: c.nextOffset })
    .from(c)
    .where(and(eq(c.projection, projection), eq(c.topic, topic)));
  return new Map(stored.map((r) => [r.partition, r.next]));
}

/** Compare-and-set of the partition's checkpoint from `from` (null = none yet) to `next`, inside `tx`. */
export async function claimCheckpoint(
  tx: Tx,
  projection: string,
  topic: string,
  partition: number,
  from: bigint | null,
  next: bigint,
): Promise<void> {
  const c = projectionCheckpoints;
  const claimed =
    from === null
      ? await tx
          .insert(c)
          .values({ projection, topic, partition, nextOffset: next })
          .onConflictDoNothing()
          .returning({ p: c.partition })
      : await tx
          .update(c)
          .set({ nextOffset: next, updatedAt: sql`now()` })
          .where(
            and(eq(c.projection, projection), eq(c.topic, topic), eq(c.partition, partition), eq(c.nextOffset, from)),
          )
          .returning({ p: c.partition });
  if (claimed.length === 0)
    throw new CheckpointConflict(
      `checkpoint of ${projection} ${topic}[${partition}] moved (another instance applied it)`,
    );
}

/** Adds the deltas to project_daily_stats (counts and histograms element-wise) with one upsert per chunk. */
async function addDailyStats(
  tx: Tx,
  t: ReturnType<typeof readModelTables>['projectDailyStats'],
  deltas: DailyDelta[],
): Promise<void> {
  const add = (column: AnyPgColumn, name: string) => sql`${column} + excluded.${sql.identifier(name)}`;
  const addArrays = (column: AnyPgColumn, name: string) =>
    sql`ARRAY(SELECT x.a + x.b FROM unnest(${column}, excluded.${sql.identifier(name)}) WITH ORDINALITY AS x(a, b, i) ORDER BY x.i)`;
  const now = new Date().toISOString();
  // One lock order for every transaction (partitions are applied concurrently and share project-days): no deadlock.
  deltas.sort((a, b) =>
    a.projectId < b.projectId ? -1 : a.projectId > b.projectId ? 1 : a.day < b.day ? -1 : a.day > b.day ? 1 : 0,
  );
  for (let i = 0; i < deltas.length; i += CHUNK) {
    await tx
      .insert(t)
      .values(deltas.slice(i, i + CHUNK).map((d) => ({ ...d, updatedAt: now })))
      .onConflictDoUpdate({
        target: [t.projectId, t.day],
        set: {
          pipelines: add(t.pipelines, 'pipelines'),
          finished: add(t.finished, 'finished'),
          succeeded: add(t.succeeded, 'succeeded'),
          failed: add(t.failed, 'failed'),
          queuedJobs: add(t.queuedJobs, 'queued_jobs'),
          durationHist: addArrays(t.durationHist, 'duration_hist'),
          queueHist: addArrays(t.queueHist, 'queue_hist'),
          updatedAt: sql`excluded.updated_at`,
        },
      });
  }
}

export class ProjectionStore implements ProjectionSink<PipelineEvent> {
  readonly tables: ReturnType<typeof readModelTables>;
  private batches = 0;

  constructor(
    private readonly db: Db,
    readonly projection: string,
    version: number,
    /**
     * `schema`: write that schema instead of rm_v<version> (a `verity replay` sink); `startMidStream`: see FoldOptions.
     */
    private readonly options: FoldOptions & { schema?: string } = {},
  ) {
    this.tables = readModelTables(options.schema ?? versionSchema(version));
  }

  checkpoint(topic: string, partition: number): Promise<bigint | null> {
    return readCheckpoint(this.db, this.projection, topic, partition);
  }

  /**
   * Applies `events` (records from `from` up to `next - 1` of one partition) exactly once: fails with
   * CheckpointConflict, changing nothing, unless the stored checkpoint is still `from` (null = none).
   */
  async apply(
    topic: string,
    partition: number,
    from: bigint | null,
    next: bigint,
    events: PipelineEvent[],
    deadLetters: DeadLetter[] = [],
  ): Promise<FoldResult> {
    const { pipelines, jobs, flakyJobs, projectDailyStats } = this.tables;
    return this.db.transaction(async (tx) => {
      await claimCheckpoint(tx, this.projection, topic, partition, from, next);
      await recordDeadLetters(tx, this.projection, deadLetters);

      const ids = [...new Set(events.map((e) => e.pipeline_id))];
      const current = { pipelines: new Map<string, PipelineRow>(), jobs: new Map<string, JobRow>() };
      for (let i = 0; i < ids.length; i += CHUNK) {
        const slice = ids.slice(i, i + CHUNK);
        for (const r of await tx.select().from(pipelines).where(inArray(pipelines.pipelineId, slice)))
          current.pipelines.set(r.pipelineId, r);
        for (const r of await tx.select().from(jobs).where(inArray(jobs.pipelineId, slice)))
          current.jobs.set(r.jobId, r);
      }
      const lenient = await lenientPipelines(tx, this.projection, ids);
      const result = foldEvents(current, events, { startMidStream: this.options.startMidStream, lenient });
      if (result.gap) throw new SeqGapError(result.gap); // rolls back: nothing of the batch is applied
      const p = [...result.pipelines.values()];
      const j = [...result.jobs.values()];
      for (let i = 0; i < p.length; i += CHUNK) {
        await tx
          .insert(pipelines)
          .values(p.slice(i, i + CHUNK))
          .onConflictDoUpdate({ target: pipelines.pipelineId, set: excludedAll(pipelines, 'pipelineId') });
      }
      for (let i = 0; i < j.length; i += CHUNK) {
        await tx
          .insert(jobs)
          .values(j.slice(i, i + CHUNK))
          .onConflictDoUpdate({ target: jobs.jobId, set: excludedAll(jobs, 'jobId') });
      }
      if (result.flaky.length > 0) await tx.insert(flakyJobs).values(result.flaky).onConflictDoNothing();
      await addDailyStats(tx, projectDailyStats, dailyDeltas(current, result));
      this.batches++;
      killMidBatch(this.batches); // fault injection for the crash test (off unless VERITY_FAULT is set)
      return result;
    });
  }
}
