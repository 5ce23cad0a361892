// Ingest's pipeline directory (tables ingest_pipelines, ingest_job_attempts): which project owns each
// pipeline, the job names of its definition and its job attempt ids. Ingest authorises every write
// against it, never against the read model.
//  - Ingest claims a pipeline when it accepts a create, before the Kafka write: the first writer wins,
//    ownership never changes afterwards.
//  - apply(directoryRows(events)) records owners, job names and attempt ids from the canonical events
//    (a consumer of ci.pipeline.events.v1 from the beginning, so pipelines created before the
//    directory existed, or straight on ci.intake.v1, become known too; ingest's verdict waiter applies
//    the events it already decoded). It is idempotent and never overrides an existing owner.
// Owners are cached in a bounded LRU (they are immutable). Unknown pipelines are cached for a short
// time too (INGEST_DIRECTORY_NEGATIVE_TTL_MS), so a repeated probe of an id that does not exist costs
// what a repeated probe of another project's pipeline costs: one cache hit.
import { and, eq, sql } from 'drizzle-orm';
import { randomUUID } from 'node:crypto';
import type { PipelineEvent } from '../../lib/core/events/generated.js';
import type { Db } from '../../lib/platform/db/client.js';
import { isSafeText } from '../../lib/platform/schemas/safety.js';
import { ingestJobAttempts, ingestPipelines } from '../../lib/platform/db/schema.js';
import { Lru } from '../../lib/platform/lru.js';

export interface OwnerRow {
  pipelineId: string;
  projectId: string;
  jobNames: string[];
  /** The report that created it (PipelineCreated.causation_id, or the create ingest accepted). */
  reportId: string;
}
export interface AttemptRow {
  jobId: string;
  pipelineId: string;
}
export interface DirectoryRows {
  owners: OwnerRow[];
  attempts: AttemptRow[];
}

export interface DirectoryEntry {
  projectId: string;
  reportId: string;
  jobNames: ReadonlySet<string>;
}

export type ClaimResult =
  /** This request now owns the id. */
  | 'claimed'
  /** The same create (same project, same report id) claimed it before: a retry of that request. */
  | 'retry'
  /** Some pipeline has this id already, whoever owns it. */
  | 'exists';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const BATCH = 1000;

/**
 * Pure: the directory rows canonical events imply. PipelineCreated → its owner and job names; every
 * job event's job_id (JobCreated is where an attempt first appears) and JobRetried's new_job_id →
 * attempt rows. Each row once, in event order.
 */
export function directoryRows(events: readonly PipelineEvent[]): DirectoryRows {
  const owners = new Map<string, OwnerRow>();
  const attempts = new Map<string, AttemptRow>();
  const attempt = (jobId: string, pipelineId: string) => {
    if (!attempts.has(jobId)) attempts.set(jobId, { jobId: jobId.toLowerCase(), pipelineId: pipelineId.toLowerCase() });
  };
  for (const e of events) {
    // A project id or job name Postgres cannot hold (U+0000, from before ingest refused it) could never
    // be written to through ingest anyway: such an owner or name is left out rather than failing the batch.
    if (e.type === 'PipelineCreated' && !owners.has(e.pipeline_id) && isSafeText(e.project_id)) {
      const jobNames = [...new Set(e.definition.jobs.map((j) => j.name).filter(isSafeText))];
      owners.set(e.pipeline_id, {
        pipelineId: e.pipeline_id.toLowerCase(),
        projectId: e.project_id,
        jobNames,
        reportId: e.causation_id.toLowerCase(),
      });
    }
    if ('job_id' in e && typeof e.job_id === 'string') attempt(e.job_id, e.pipeline_id);
    if (e.type === 'JobRetried') attempt(e.new_job_id, e.pipeline_id);
  }
  return { owners: [...owners.values()], attempts: [...attempts.values()] };
}

export interface DirectoryOptions {
  /** Most pipelines whose owner is cached. */
  maxCached?: number;
  /** How long "no such pipeline" is remembered. */
  negativeTtlMs?: number;
}

export class PipelineDirectory {
  private readonly pipelines: Lru<string, DirectoryEntry | null>;
  private readonly attempts: Lru<string, string>;
  private readonly negativeTtlMs: number;

  constructor(
    private readonly db: Db,
    opts: DirectoryOptions = {},
  ) {
    this.pipelines = new Lru(opts.maxCached ?? 100_000);
    this.attempts = new Lru(opts.maxCached ?? 100_000);
    this.negativeTtlMs = opts.negativeTtlMs ?? 1000;
  }

  /** The pipeline's owner, report id and job names, or null when no pipeline has this id. */
  async entry(pipelineId: string): Promise<DirectoryEntry | null> {
    const id = pipelineId.toLowerCase();
    const cached = this.pipelines.get(id);
    if (cached !== undefined) return cached;
    const [row] = await this.db
      .select({
        projectId: ingestPipelines.projectId,
        reportId: ingestPipelines.reportId,
        jobNames: ingestPipelines.jobNames,
      })
      .from(ingestPipelines)
      .where(eq(ingestPipelines.pipelineId, id));
    const entry = row ? { projectId: row.projectId, reportId: row.reportId, jobNames: new Set(row.jobNames) } : null;
    this.pipelines.set(id, entry, entry ? Infinity : this.negativeTtlMs);
    return entry;
  }

  /**
   * The entries of many pipelines at once (one query for those not cached), by lower-cased id; a bulk
   * request's lookups of known pipelines are then cache hits.
   */
  async preload(pipelineIds: readonly string[]): Promise<Map<string, DirectoryEntry | null>> {
    const out = new Map<string, DirectoryEntry | null>();
    const missing: string[] = [];
    for (const id of new Set(pipelineIds.map((x) => x.toLowerCase()))) {
      const cached = this.pipelines.get(id);
      if (cached === undefined) missing.push(id);
      else out.set(id, cached);
    }
    for (let i = 0; i < missing.length; i += BATCH) {
      const chunk = missing.slice(i, i + BATCH);
      // One array parameter: drizzle's builder spends more time on thousands of placeholders than Postgres does.
      const { rows } = await this.db.execute<{
        pipelineId: string;
        projectId: string;
        reportId: string;
        jobNames: string[];
      }>(
        sql`SELECT pipeline_id AS "pipelineId", project_id AS "projectId", report_id AS "reportId", job_names AS "jobNames" FROM ingest_pipelines WHERE pipeline_id = ANY(${sql.param(chunk)}::uuid[])`,
      );
      const found = new Map(rows.map((r) => [r.pipelineId, r]));
      for (const id of chunk) {
        const r = found.get(id);
        const entry = r ? { projectId: r.projectId, reportId: r.reportId, jobNames: new Set(r.jobNames) } : null;
        this.pipelines.set(id, entry, entry ? Infinity : this.negativeTtlMs);
        out.set(id, entry);
      }
    }
    return out;
  }

  /** The project that owns the pipeline, or null. */
  async owner(pipelineId: string): Promise<string | null> {
    return (await this.entry(pipelineId))?.projectId ?? null;
  }

  /** Whether `job` is a job name of the pipeline's definition or a known attempt id of it. */
  async hasJob(pipelineId: string, job: string): Promise<boolean> {
    const id = pipelineId.toLowerCase();
    const entry = await this.entry(id);
    if (!entry) return false;
    if (entry.jobNames.has(job)) return true;
    if (!UUID.test(job)) return false;
    const jobId = job.toLowerCase();
    if (this.attempts.get(jobId) === id) return true;
    const [row] = await this.db
      .select({ pipelineId: ingestJobAttempts.pipelineId })
      .from(ingestJobAttempts)
      .where(and(eq(ingestJobAttempts.jobId, jobId), eq(ingestJobAttempts.pipelineId, id)));
    if (row) this.attempts.set(jobId, id);
    return row !== undefined;
  }

  /**
   * Claims `pipelineId` for a create ingest accepts (before its Kafka write). The first writer wins;
   * a second claim by the same report (a retried request with the same Idempotency-Key) is 'retry'.
   */
  async claim(
    pipelineId: string,
    projectId: string,
    jobNames: string[],
    reportId: string = randomUUID(),
  ): Promise<ClaimResult> {
    const row = {
      pipelineId: pipelineId.toLowerCase(),
      projectId,
      jobNames: [...new Set(jobNames)],
      reportId: reportId.toLowerCase(),
    };
    const inserted = await this.db
      .insert(ingestPipelines)
      .values(row)
      .onConflictDoNothing()
      .returning({ id: ingestPipelines.pipelineId });
    if (inserted.length > 0) {
      this.pipelines.set(row.pipelineId, { projectId, reportId: row.reportId, jobNames: new Set(row.jobNames) });
      return 'claimed';
    }
    this.pipelines.delete(row.pipelineId);
    const existing = await this.entry(row.pipelineId);
    return existing && existing.projectId === projectId && existing.reportId === row.reportId ? 'retry' : 'exists';
  }

  /**
   * Claims many pipeline ids at once (a bulk request's creates; each id once): returns those this call
   * claimed. An id someone else holds is not claimed; claim() then tells 'retry' from 'exists'.
   */
  async claimMany(rows: readonly OwnerRow[]): Promise<Set<string>> {
    const claimed = new Set<string>();
    const first = new Map<string, OwnerRow>();
    for (const r of rows) {
      const id = r.pipelineId.toLowerCase();
      if (!first.has(id))
        first.set(id, { ...r, pipelineId: id, reportId: r.reportId.toLowerCase(), jobNames: [...new Set(r.jobNames)] });
    }
    const unique = [...first.values()];
    for (let i = 0; i < unique.length; i += BATCH) {
      const chunk = unique.slice(i, i + BATCH);
      const ids = await this.insertOwners(chunk);
      for (const r of chunk) {
        if (ids.has(r.pipelineId)) {
          claimed.add(r.pipelineId);
          this.pipelines.set(r.pipelineId, {
            projectId: r.projectId,
            reportId: r.reportId,
            jobNames: new Set(r.jobNames),
          });
        } else this.pipelines.delete(r.pipelineId);
      }
    }
    return claimed;
  }

  /** Undoes this request's claim when its record certainly was not written (so the id is free again). */
  async release(pipelineId: string, reportId: string): Promise<void> {
    const id = pipelineId.toLowerCase();
    await this.db
      .delete(ingestPipelines)
      .where(and(eq(ingestPipelines.pipelineId, id), eq(ingestPipelines.reportId, reportId.toLowerCase())));
    this.pipelines.delete(id);
  }

  /** Records owners and attempt ids (idempotent; an existing owner is never replaced). */
  async apply(rows: DirectoryRows): Promise<void> {
    for (let i = 0; i < rows.owners.length; i += BATCH) {
      const chunk = rows.owners.slice(i, i + BATCH);
      await this.insertOwners(chunk);
      for (const o of chunk) if (this.pipelines.get(o.pipelineId) === null) this.pipelines.delete(o.pipelineId);
    }
    for (let i = 0; i < rows.attempts.length; i += BATCH) {
      const chunk = rows.attempts.slice(i, i + BATCH);
      await this.db.execute(sql`
        INSERT INTO ingest_job_attempts (job_id, pipeline_id)
        SELECT * FROM unnest(${sql.param(chunk.map((a) => a.jobId))}::uuid[], ${sql.param(chunk.map((a) => a.pipelineId))}::uuid[])
        ON CONFLICT DO NOTHING`);
    }
  }

  /** INSERT … ON CONFLICT DO NOTHING of owner rows in one statement (one JSON parameter); the ids inserted. */
  private async insertOwners(rows: readonly OwnerRow[]): Promise<Set<string>> {
    const { rows: inserted } = await this.db.execute<{ id: string }>(sql`
      INSERT INTO ingest_pipelines (pipeline_id, project_id, job_names, report_id)
      SELECT x."pipelineId", x."projectId", ARRAY(SELECT jsonb_array_elements_text(x."jobNames")), x."reportId"
        FROM jsonb_to_recordset(${JSON.stringify(rows)}::jsonb) AS x("pipelineId" uuid, "projectId" text, "jobNames" jsonb, "reportId" uuid)
      ON CONFLICT DO NOTHING
      RETURNING pipeline_id AS id`);
    return new Set(inserted.map((r) => r.id));
  }
}
