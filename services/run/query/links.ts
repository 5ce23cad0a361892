// Trigger links of a pipeline's detail, both ways: its parent (the pipeline and trigger job that created it,
// PipelineCreated.parent) and its downstream pipelines (each latest trigger job's downstream_pipeline_id).
// What a link shows of the other pipeline — project, status, the trigger job's name — is shown only when that
// pipeline is in the read model and the token may read its project: otherwise null, the same answer for
// "not projected yet" and "another project's", so a link tells nothing the pipeline's own events do not.
import { and, eq, inArray } from 'drizzle-orm';
import type { Db } from '../../lib/platform/db/client.js';
import type { ReadModel } from '../../lib/readmodel/rows.js';
import type { JobFields, PipelineFields } from './present.js';

export interface PipelineLink {
  pipeline_id: string;
  /** The linked pipeline's project and status; null when not known (not projected, or not readable). */
  project_id: string | null;
  status: string | null;
  /** The trigger job: in the parent for `parent`, in this pipeline for `downstream`. */
  job_id: string;
  job_name: string | null;
}

export interface PipelineLinks {
  parent: PipelineLink | null;
  downstream: PipelineLink[];
  /** The last seq of each linked pipeline shown (0: not known), for the detail's ETag. */
  seqs: number[];
}

/** The linked pipelines (id, project, status, last seq). */
export function linkedPipelinesQuery(db: Db, t: ReadModel, ids: string[]) {
  const p = t.pipelines;
  return db
    .select({ pipelineId: p.pipelineId, projectId: p.projectId, status: p.status, lastSeq: p.lastSeq })
    .from(p)
    .where(inArray(p.pipelineId, ids));
}

/** The parent's trigger job (its name), in the parent pipeline. */
export function triggerJobQuery(db: Db, t: ReadModel, pipelineId: string, jobId: string) {
  const j = t.jobs;
  return db
    .select({ name: j.name, projectId: j.projectId })
    .from(j)
    .where(and(eq(j.jobId, jobId), eq(j.pipelineId, pipelineId)))
    .limit(1);
}

/**
 * The links of `pipeline` whose latest jobs are `latest`; `mayRead` says whether the token reads a project.
 * One indexed read of the linked pipelines (by primary key), one of the parent's trigger job.
 */
export async function pipelineLinks(
  db: Db,
  t: ReadModel,
  pipeline: Pick<PipelineFields, 'parentPipelineId' | 'parentJobId'>,
  latest: readonly Pick<JobFields, 'jobId' | 'name' | 'downstreamPipelineId'>[],
  mayRead: (projectId: string) => boolean,
): Promise<PipelineLinks> {
  const triggers = latest.filter((j): j is typeof j & { downstreamPipelineId: string } => !!j.downstreamPipelineId);
  const { parentPipelineId: parentId, parentJobId } = pipeline;
  const ids = [...new Set([...(parentId ? [parentId] : []), ...triggers.map((j) => j.downstreamPipelineId)])];
  const rows = ids.length === 0 ? [] : await linkedPipelinesQuery(db, t, ids);
  const known = new Map(rows.filter((r) => mayRead(r.projectId)).map((r) => [r.pipelineId, r]));
  const seqs: number[] = [];
  const link = (pipelineId: string, jobId: string, jobName: string | null): PipelineLink => {
    const row = known.get(pipelineId);
    seqs.push(row?.lastSeq ?? 0);
    return {
      pipeline_id: pipelineId,
      project_id: row?.projectId ?? null,
      status: row?.status ?? null,
      job_id: jobId,
      job_name: jobName,
    };
  };
  let parent: PipelineLink | null = null;
  if (parentId && parentJobId) {
    const job = known.has(parentId) ? (await triggerJobQuery(db, t, parentId, parentJobId))[0] : undefined;
    parent = link(parentId, parentJobId, job && mayRead(job.projectId) ? job.name : null);
  }
  const downstream = triggers.map((j) => link(j.downstreamPipelineId, j.jobId, j.name));
  return { parent, downstream, seqs };
}
