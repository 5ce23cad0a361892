// The pipeline page's reads: GET /v1/pipelines/{id} (the pipeline, its stages, latest jobs, DAG edges and
// trigger links) and GET /v1/jobs/{id} (every attempt of a retried job, for its stack). docs/API.md.
import { getJson, HttpError, type Pipeline } from '../api.js';

/** A job as the pipeline detail lists it (its latest attempt): the fields the page shows. */
export interface Job {
  job_id: string;
  name: string;
  stage: string;
  attempt: number;
  status: string;
  retried: boolean;
  allow_failure: boolean;
  when: string;
  needs: string[] | null;
  queued_at: string | null;
  started_at: string | null;
  finished_at: string | null;
  queued_ms: number | null;
  duration_ms: number | null;
  failure_reason: string | null;
  exit_code: number | null;
  downstream_pipeline_id: string | null;
}

export interface PipelineLink {
  pipeline_id: string;
  project_id: string | null;
  status: string | null;
  job_id: string;
  job_name: string | null;
}

export interface Stage {
  name: string;
  status: string;
  warnings: boolean;
}

export interface PipelineDetail extends Omit<Pipeline, 'stages'> {
  warnings: boolean;
  parent_pipeline_id: string | null;
  stages: Stage[];
  jobs: Job[];
  dag: { from: string; to: string }[];
  parent: PipelineLink | null;
  downstream: PipelineLink[];
}

export interface Attempt {
  job_id: string;
  attempt: number;
  status: string;
  retried: boolean;
  queued_at: string | null;
  started_at: string | null;
  finished_at: string | null;
  duration_ms: number | null;
  failure_reason: string | null;
}

const path = (id: string) => encodeURIComponent(id);

/** The pipeline, or 'not-found' (unknown, or another project's: the API answers both alike). */
export async function getPipelineDetail(id: string): Promise<PipelineDetail | 'not-found'> {
  try {
    return await getJson<PipelineDetail>(`/v1/pipelines/${path(id)}`);
  } catch (err) {
    // getJson's message names the status; a malformed id is a 400, which means the same to the reader.
    if (err instanceof HttpError && (err.status === 400 || err.status === 404)) return 'not-found';
    throw err;
  }
}

/** Every attempt of the job whose (latest) attempt this is, oldest first. */
export async function getAttempts(jobId: string): Promise<Attempt[]> {
  return (await getJson<{ attempts: Attempt[] }>(`/v1/jobs/${path(jobId)}`)).attempts;
}
