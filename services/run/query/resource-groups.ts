// A resource group of a project as the read model shows it: the job holding its resource and the jobs waiting
// for it. The rule is the coordinator's (services/lib/core/coordination/resource-group.ts): a job holds the
// resource from its AssignResource (JobEnqueued after waiting) until it finishes, so the holder is a job of the
// group that is pending, preparing, running or canceling; the others wait in waiting_for_resource. The read
// model folds each pipeline's partition on its own, so for a moment it can show the previous holder still
// running next to the next one already enqueued: the holder shown is the one enqueued last (the coordinator
// grants the resource only once the previous holder has finished). Waiting jobs are listed in the order they
// began waiting (the coordinator's arrival order, which it follows with process_mode unordered), keyset-
// paginated; both reads use the index jobs_by_resource_group.
import { and, eq, inArray, sql, type SQL } from 'drizzle-orm';
import type { Db } from '../../lib/platform/db/client.js';
import type { JobRow, ReadModel } from '../../lib/readmodel/rows.js';
import type { PipelineCursor } from './cursor.js';
import { columns, iso } from './present.js';

/** The statuses of a job that holds its group's resource (AssignResource → finished). */
export const HOLDING_STATUSES = ['pending', 'preparing', 'running', 'canceling'] as const;

export interface GroupQuery {
  projectId: string;
  group: string;
  /** The last waiting job of the previous page (its waiting_for_resource_at, job_id). */
  after?: PipelineCursor;
  limit: number;
}

const FIELDS = [
  'jobId',
  'name',
  'pipelineId',
  'status',
  'queuedAt',
  'waitingForResourceAt',
] as const satisfies readonly (keyof JobRow)[];
type Fields = Pick<JobRow, (typeof FIELDS)[number]>;

/** The job holding the group's resource: the one enqueued last among those in a holding status. */
export function holderQuery(db: Db, t: ReadModel, q: Pick<GroupQuery, 'projectId' | 'group'>) {
  const j = t.jobs;
  return db
    .select(columns(j, FIELDS))
    .from(j)
    .where(and(eq(j.projectId, q.projectId), eq(j.resourceGroup, q.group), inArray(j.status, [...HOLDING_STATUSES])))
    .orderBy(sql`${j.queuedAt} desc nulls last`, sql`${j.jobId} desc`)
    .limit(1);
}

/** One page plus one row of the waiting jobs, longest waiting first, ties by job id. */
export function waitingQuery(db: Db, t: ReadModel, q: GroupQuery) {
  const j = t.jobs;
  const where: SQL[] = [
    eq(j.projectId, q.projectId),
    eq(j.resourceGroup, q.group),
    eq(j.status, 'waiting_for_resource'),
    // Always set with the status (JobWaitingForResource); the cursor needs it.
    sql`${j.waitingForResourceAt} IS NOT NULL`,
  ];
  if (q.after)
    where.push(
      sql`(${j.waitingForResourceAt}, ${j.jobId}) > (${q.after.createdAt}::timestamptz, ${q.after.pipelineId}::uuid)`,
    );
  return db
    .select(columns(j, FIELDS))
    .from(j)
    .where(and(...where))
    .orderBy(sql`${j.waitingForResourceAt} asc`, sql`${j.jobId} asc`)
    .limit(q.limit + 1);
}

export interface GroupQueue {
  holder: Fields | undefined;
  waiting: Fields[];
  /** The last waiting job shown when another page follows. */
  next: PipelineCursor | undefined;
}

export async function resourceGroupQueue(db: Db, t: ReadModel, q: GroupQuery): Promise<GroupQueue> {
  const [holder, rows] = await Promise.all([holderQuery(db, t, q), waitingQuery(db, t, q)]);
  const waiting = rows.slice(0, q.limit);
  const last = waiting.at(-1);
  return {
    holder: holder[0],
    waiting,
    next:
      rows.length > q.limit && last?.waitingForResourceAt
        ? { createdAt: last.waitingForResourceAt, pipelineId: last.jobId }
        : undefined,
  };
}

export function holderJson(h: Fields) {
  return {
    job_id: h.jobId,
    name: h.name,
    pipeline_id: h.pipelineId,
    status: h.status,
    since: iso(h.queuedAt),
  };
}

export function waitingJson(w: Fields) {
  return {
    job_id: w.jobId,
    name: w.name,
    pipeline_id: w.pipelineId,
    // Never null: waitingQuery takes only jobs that have it.
    since: iso(w.waitingForResourceAt),
  };
}

/** The answer of GET /v1/projects/{project}/resource-groups/{group}; `nextCursor` encodes `queue.next`. */
export function resourceGroupJson(
  q: Pick<GroupQuery, 'projectId' | 'group'>,
  queue: GroupQueue,
  nextCursor: string | null,
) {
  return {
    project_id: q.projectId,
    resource_group: q.group,
    holder: queue.holder ? holderJson(queue.holder) : null,
    waiting: queue.waiting.map(waitingJson),
    next_cursor: nextCursor,
  };
}
