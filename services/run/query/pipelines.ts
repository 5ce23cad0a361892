// Pipeline queries: the filtered, keyset-paginated list and the detail (stages, latest jobs, DAG).
// Every builder takes the table objects, so the index test can explain it against a scratch schema.
import { and, asc, eq, gt, inArray, lt, sql, type SQL } from 'drizzle-orm';
import { compositeStatus, type JobStatus } from '../../lib/core/pipeline/index.js';
import type { Db } from '../../lib/platform/db/client.js';
import type { PipelineCursor } from './cursor.js';
import { columns, JOB_FIELDS, PIPELINE_FIELDS, type JobFields, type PipelineFields } from './present.js';
import type { ReadModel } from '../../lib/readmodel/rows.js';

export interface PipelineFilter {
  /** Only these projects; undefined = every project. */
  projects?: string[];
  ref?: string;
  status?: string;
  source?: string;
  system?: string;
  createdAfter?: string;
  createdBefore?: string;
  /** The last item of the previous page. */
  after?: PipelineCursor;
  limit: number;
}

/**
 * created_at DESC, pipeline_id DESC, spelled NULLS LAST as the indexes are (drizzle's `.desc()` in an index
 * means DESC NULLS LAST; plain DESC means NULLS FIRST, which no index matches: Postgres would sort). The
 * columns are NOT NULL, so the order is the same; only the plan changes.
 */
const newestFirst = (p: ReadModel['pipelines']) => [
  sql`${p.createdAt} desc nulls last`,
  sql`${p.pipelineId} desc nulls last`,
];

/** One page plus one row (to know whether another page follows), newest first, ties broken by id. */
export function listPipelinesQuery(db: Db, t: ReadModel, f: PipelineFilter) {
  const p = t.pipelines;
  const where: SQL[] = [];
  if (f.projects)
    where.push(f.projects.length === 1 ? eq(p.projectId, f.projects[0]!) : inArray(p.projectId, f.projects));
  if (f.ref !== undefined) where.push(eq(p.ref, f.ref));
  if (f.status !== undefined) where.push(eq(p.status, f.status));
  if (f.source !== undefined) where.push(eq(p.source, f.source));
  if (f.system !== undefined) where.push(eq(p.system, f.system));
  if (f.createdAfter !== undefined) where.push(gt(p.createdAt, f.createdAfter));
  if (f.createdBefore !== undefined) where.push(lt(p.createdAt, f.createdBefore));
  // Keyset: a row comparison the (…, created_at DESC, pipeline_id DESC) indexes answer directly. Never OFFSET.
  if (f.after)
    where.push(
      sql`(${p.createdAt}, ${p.pipelineId}) < (${f.after.createdAt}::timestamptz, ${f.after.pipelineId}::uuid)`,
    );
  return db
    .select(columns(p, PIPELINE_FIELDS))
    .from(p)
    .where(and(...where))
    .orderBy(...newestFirst(p))
    .limit(f.limit + 1);
}

export async function listPipelines(
  db: Db,
  t: ReadModel,
  f: PipelineFilter,
): Promise<{ rows: PipelineFields[]; more: boolean }> {
  const rows = await listPipelinesQuery(db, t, f);
  return { rows: rows.slice(0, f.limit), more: rows.length > f.limit };
}

export function pipelineByIdQuery(db: Db, t: ReadModel, pipelineId: string) {
  return db
    .select(columns(t.pipelines, PIPELINE_FIELDS))
    .from(t.pipelines)
    .where(eq(t.pipelines.pipelineId, pipelineId))
    .limit(1);
}

export async function pipelineById(db: Db, t: ReadModel, pipelineId: string): Promise<PipelineFields | undefined> {
  return (await pipelineByIdQuery(db, t, pipelineId))[0];
}

/** The latest attempt of every job of the pipeline (retried attempts excluded). */
export function latestJobsQuery(db: Db, t: ReadModel, pipelineId: string) {
  const j = t.jobs;
  return db
    .select(columns(j, JOB_FIELDS))
    .from(j)
    .where(and(eq(j.pipelineId, pipelineId), eq(j.retried, false)))
    .orderBy(asc(j.stage), asc(j.name), asc(j.attempt));
}

export interface StageSummary {
  name: string;
  status: JobStatus;
  warnings: boolean;
}

export interface DagEdge {
  from: string;
  to: string;
}

/**
 * Stages in definition order (those with jobs; a stage the definition does not list, after them), each
 * with the composite status of its latest jobs; jobs ordered the same way; one edge per `needs` entry
 * (jobs with needs null follow stage order and have no edges).
 */
export function assembleDetail(
  stageOrder: readonly string[],
  latest: readonly JobFields[],
): { stages: StageSummary[]; jobs: JobFields[]; dag: DagEdge[] } {
  const byStage = new Map<string, JobFields[]>();
  for (const s of stageOrder) byStage.set(s, []);
  for (const j of latest) {
    const list = byStage.get(j.stage) ?? [];
    list.push(j);
    byStage.set(j.stage, list);
  }
  const stages: StageSummary[] = [];
  const jobs: JobFields[] = [];
  for (const [name, list] of byStage) {
    if (list.length === 0) continue;
    list.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : a.attempt - b.attempt));
    const c = compositeStatus(list.map((j) => ({ status: j.status as JobStatus, allow_failure: j.allowFailure })));
    stages.push({ name, status: c.status, warnings: c.warnings });
    jobs.push(...list);
  }
  const dag = jobs.flatMap((j) => (j.needs ?? []).map((need) => ({ from: need, to: j.name })));
  return { stages, jobs, dag };
}
