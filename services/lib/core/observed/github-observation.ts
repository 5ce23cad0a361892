// A GitHub workflow run and its jobs as observations, for the webhook adapter (ingest's hooks) and the history
// import alike: a webhook's `workflow_run` is a REST workflow run (GET /repos/{o}/{r}/actions/runs) and its
// `workflow_job` a REST job (GET …/actions/runs/{id}/jobs), the same objects. One Verity pipeline is one run
// (its id); a re-run keeps the run id and gives its jobs new ids with run_attempt + 1, the job's attempt; a
// job's stage is its workflow's name. The adapter checks a webhook's objects (Ajv) before; the caller says
// what the object does not: who a job ran for (the webhook's sender; REST: nobody) and the observed_at of
// what carries no time.
import { clip, iso, latest, link, MAX, MAX_ITEMS, sha, span, type Opt } from './fields.js';
import { observedId, type Observation, type ObservedJob } from './ids.js';
import { githubJobStarted, githubJobStatus, githubRunStatus } from './status-mapping.js';

/** The fields read that a run and its jobs both have. */
interface GithubRunOrJob {
  id: number;
  status: string;
  conclusion?: Opt<string>;
  head_branch?: Opt<string>;
  head_sha?: Opt<string>;
  run_attempt?: Opt<number>;
  created_at?: Opt<string>;
  html_url?: Opt<string>;
}

/** The fields read of a run. */
export interface GithubRunFields extends GithubRunOrJob {
  name?: Opt<string>;
  event?: Opt<string>;
  run_started_at?: Opt<string>;
  updated_at?: Opt<string>;
  actor?: Opt<{ login?: Opt<string> }>;
  triggering_actor?: Opt<{ login?: Opt<string> }>;
}

/** The fields read of a job. */
export interface GithubJobFields extends GithubRunOrJob {
  run_id: number;
  name: string;
  workflow_name?: Opt<string>;
  started_at?: Opt<string>;
  completed_at?: Opt<string>;
  runner_name?: Opt<string>;
  steps?: Opt<GithubStepFields[]>;
}

export interface GithubStepFields {
  number: number;
  name: string;
  status: string;
  conclusion?: Opt<string>;
  started_at?: Opt<string>;
  completed_at?: Opt<string>;
}

/** The stage of a job that does not name its workflow. */
const DEFAULT_STAGE = 'jobs';

/** The run as ObservePipeline's `external`: its id, and its page when there is one. */
export const githubExternal = (instance: string, runId: number, page: Opt<string>): Observation['external'] => ({
  system: 'github',
  instance,
  id: String(runId),
  url: link(page),
});

/** A run as the observation of its pipeline, with `jobs` (mapped by githubJob) and its `observedAt`. */
export function githubRunObservation(
  instance: string,
  run: GithubRunFields,
  observedAt: string,
  jobs: ObservedJob[],
): Observation {
  return {
    pipeline_id: observedId(instance, 'pipeline', run.id),
    system: 'github',
    external: githubExternal(instance, run.id, run.html_url),
    pipeline: {
      ref: clip(run.head_branch, MAX.ref),
      sha: sha(run.head_sha),
      source: clip(run.event, MAX.source),
      status: githubRunStatus(run.status, run.conclusion ?? null),
      stages: null,
      name: clip(run.name, MAX.name),
      user: clip(run.actor?.login ?? run.triggering_actor?.login, MAX.user),
      created_at: iso(run.run_started_at ?? run.created_at),
      finished_at: run.status === 'completed' ? iso(run.updated_at) : null,
      attempt: run.run_attempt ?? null,
      observed_at: observedAt,
    },
    jobs,
  };
}

/**
 * A job as an observed job; null when status-mapping.ts does not know its status. `user`: who the job ran
 * for (the REST job does not say); `fallbackAt`: its observed_at when the job carries no time.
 */
export function githubJob(
  instance: string,
  job: GithubJobFields,
  { user, fallbackAt }: { user: Opt<string>; fallbackAt: string },
): ObservedJob | null {
  const mapped = githubJobStatus(job.status, job.conclusion ?? null);
  if (mapped === null) return null;
  const queuedAt = iso(job.created_at);
  const startedAt = githubJobStarted(job.status) ? iso(job.started_at) : null;
  const finishedAt = iso(job.completed_at);
  return {
    job_id: observedId(instance, 'job', job.id),
    external_id: String(job.id),
    url: link(job.html_url),
    name: clip(job.name, MAX.job) ?? String(job.id),
    stage: clip(job.workflow_name, MAX.stage) ?? DEFAULT_STAGE,
    status: mapped.status,
    failure_reason: mapped.failure ? (mapped.failure.failure_reason_raw ?? mapped.failure.failure_reason) : null,
    allow_failure: false,
    attempt: job.run_attempt ?? 1,
    runner: clip(job.runner_name, MAX.runner),
    user: clip(user, MAX.user),
    queued_at: queuedAt,
    started_at: startedAt,
    finished_at: finishedAt,
    duration_ms: span(startedAt, finishedAt),
    queued_duration_ms: span(queuedAt, startedAt),
    exit_code: null,
    steps: (job.steps ?? []).slice(0, MAX_ITEMS.steps).map(githubStep),
    observed_at: latest(job.created_at, job.started_at, job.completed_at) ?? fallbackAt,
  };
}

const githubStep = (s: GithubStepFields) => ({
  number: s.number,
  name: clip(s.name, MAX.step) ?? String(s.number),
  status: clip(s.status, MAX.word) ?? 'unknown',
  conclusion: clip(s.conclusion, MAX.word),
  started_at: iso(s.started_at),
  completed_at: iso(s.completed_at),
});
