// A GitHub workflow run and its jobs (of every attempt) as the REST API lists them → the observation the
// workflow_run and workflow_job webhooks would have made of it: one Verity pipeline per run (its id), a job's
// attempt its run_attempt, its stage the workflow's name, statuses by status-mapping.ts. The run's
// observed_at is its updated_at. A job whose status Verity does not know is left out.
import { observedId, type Observation, type ObservedJob } from '../../lib/core/observed/ids.js';
import { githubJobStatus } from '../../lib/core/observed/status-mapping.js';
import type { JobStatus } from '../../lib/core/pipeline/status.js';
import type { Connection } from '../../lib/platform/connections/connection.js';
import type { GithubJob, GithubRun, GithubStep } from '../../lib/platform/producer-api/github-api.js';
import { clip, iso, latest, link, MAX, span } from './fields.js';

/** A run's status before it completes (a completed run reads by its conclusion, as a job's does). */
const RUN_STATUS: Readonly<Record<string, JobStatus>> = {
  requested: 'pending',
  queued: 'pending',
  waiting: 'pending',
  pending: 'pending',
  in_progress: 'running',
};
/** Job statuses before a runner took the job: GitHub's started_at is then a placeholder. */
const NOT_STARTED: ReadonlySet<string> = new Set(['requested', 'queued', 'waiting', 'pending']);
const MAX_STEPS = 500;
const DEFAULT_STAGE = 'jobs';

function runStatus(run: GithubRun): JobStatus | null {
  if (run.status === 'completed') return githubJobStatus('completed', run.conclusion ?? null)?.status ?? null;
  return Object.hasOwn(RUN_STATUS, run.status) ? RUN_STATUS[run.status]! : null;
}

const step = (s: GithubStep) => ({
  number: s.number,
  name: clip(s.name, 1024) ?? String(s.number),
  status: clip(s.status, MAX.word) ?? 'unknown',
  conclusion: clip(s.conclusion, MAX.word),
  started_at: iso(s.started_at),
  completed_at: iso(s.completed_at),
});

function toJob(c: Connection, j: GithubJob, fallbackAt: string): ObservedJob | null {
  const mapped = githubJobStatus(j.status, j.conclusion ?? null);
  if (mapped === null) return null;
  const startedAt = NOT_STARTED.has(j.status) ? null : iso(j.started_at);
  const finishedAt = iso(j.completed_at);
  return {
    job_id: observedId(c.instance, 'job', j.id),
    external_id: String(j.id),
    url: link(j.html_url),
    name: clip(j.name, MAX.job) ?? String(j.id),
    stage: clip(j.workflow_name, MAX.stage) ?? DEFAULT_STAGE,
    status: mapped.status,
    failure_reason: mapped.failure ? (mapped.failure.failure_reason_raw ?? mapped.failure.failure_reason) : null,
    allow_failure: false,
    attempt: j.run_attempt ?? 1,
    runner: clip(j.runner_name, MAX.runner),
    user: null,
    queued_at: iso(j.created_at),
    started_at: startedAt,
    finished_at: finishedAt,
    duration_ms: span(startedAt, finishedAt),
    queued_duration_ms: span(iso(j.created_at), startedAt),
    exit_code: null,
    steps: (j.steps ?? []).slice(0, MAX_STEPS).map(step),
    observed_at: latest(j.created_at, j.started_at, j.completed_at) ?? fallbackAt,
  };
}

export function githubObservation(c: Connection, run: GithubRun, jobs: readonly GithubJob[]): Observation {
  const updated = iso(run.updated_at) ?? new Date().toISOString();
  const mapped = jobs.flatMap((j) => toJob(c, j, updated) ?? []);
  return {
    pipeline_id: observedId(c.instance, 'pipeline', run.id),
    system: 'github',
    external: { system: 'github', instance: c.instance, id: String(run.id), url: link(run.html_url) },
    pipeline: {
      ref: clip(run.head_branch, MAX.ref),
      sha: run.head_sha && /^[0-9a-f]{7,64}$/.test(run.head_sha) ? run.head_sha : null,
      source: clip(run.event, MAX.source),
      status: runStatus(run),
      stages: null,
      name: clip(run.name, MAX.name),
      user: clip(run.actor?.login ?? run.triggering_actor?.login, MAX.user),
      created_at: iso(run.run_started_at ?? run.created_at),
      finished_at: run.status === 'completed' ? iso(run.updated_at) : null,
      attempt: run.run_attempt ?? null,
      observed_at: latest(updated, ...mapped.map((j) => j.observed_at)) ?? updated,
    },
    jobs: mapped,
  };
}
