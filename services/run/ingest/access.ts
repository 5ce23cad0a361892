// Who may write to a pipeline: the project that owns it (the directory), never another. Another
// project's pipeline is answered exactly as one that does not exist — the same status, the same body
// and the same work (one directory lookup, cached alike) — so a token learns nothing about pipelines
// outside its projects. A create with an id that exists is the same 409 whoever owns it.
import { HttpProblem } from '../../lib/platform/http/problem.js';
import type { PipelineDirectory } from './directory.js';

const pipelineNotFound = (pipelineId: string) =>
  new HttpProblem({ title: 'Not Found', status: 404, detail: `pipeline ${pipelineId} not found` });

const jobNotFound = (pipelineId: string, job: string) =>
  new HttpProblem({
    title: 'Not Found',
    status: 404,
    detail: `pipeline ${pipelineId} has no job ${JSON.stringify(job)}`,
  });

export const pipelineExists = (pipelineId: string) =>
  new HttpProblem({
    title: 'Conflict',
    status: 409,
    detail: `pipeline ${pipelineId} already exists; choose another pipeline_id`,
    code: 'pipeline_exists',
  });

/** 404 unless `projectId` owns the pipeline. */
export async function requireOwner(directory: PipelineDirectory, pipelineId: string, projectId: string): Promise<void> {
  if ((await directory.owner(pipelineId)) !== projectId) throw pipelineNotFound(pipelineId);
}

/** 404 unless the pipeline (owned by the caller's project, checked before) has this job name or attempt id. */
export async function requireJob(directory: PipelineDirectory, pipelineId: string, job: string): Promise<void> {
  if (!(await directory.hasJob(pipelineId, job))) throw jobNotFound(pipelineId, job);
}

/**
 * Before anything is written for a create with a producer-chosen id: 409 when the id is taken, unless
 * by this very create (same project, same report id: a retry with the same Idempotency-Key).
 */
export async function refuseTaken(
  directory: PipelineDirectory,
  pipelineId: string,
  projectId: string,
  reportId: string,
): Promise<void> {
  const entry = await directory.entry(pipelineId);
  if (entry && !(entry.projectId === projectId && entry.reportId === reportId)) throw pipelineExists(pipelineId);
}
