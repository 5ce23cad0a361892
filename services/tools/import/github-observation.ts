// A GitHub workflow run and its jobs (of every attempt) as the REST API lists them → the observation the
// workflow_run and workflow_job webhooks would have made of it, by the same mapping
// (lib/core/observed/github-observation.ts). The run's observed_at is the latest of its updated_at and its
// jobs'. A job whose status Verity does not know is left out; the REST job does not say who it ran for.
import { iso, latest } from '../../lib/core/observed/fields.js';
import { githubJob, githubRunObservation } from '../../lib/core/observed/github-observation.js';
import type { Observation } from '../../lib/core/observed/ids.js';
import type { Connection } from '../../lib/platform/connections/connection.js';
import type { GithubJob, GithubRun } from '../../lib/platform/producer-api/github-api.js';

export function githubObservation(c: Connection, run: GithubRun, jobs: readonly GithubJob[]): Observation {
  const updated = iso(run.updated_at) ?? new Date().toISOString();
  const mapped = jobs.flatMap((j) => githubJob(c.instance, j, { user: null, fallbackAt: updated }) ?? []);
  const observedAt = latest(updated, ...mapped.map((j) => j.observed_at)) ?? updated;
  return githubRunObservation(c.instance, run, observedAt, mapped);
}
