// A GitLab pipeline and its jobs as the REST API lists them → the observation a webhook would have made of it
// (the same ids: UUIDv5 of instance and GitLab id; the same statuses: status-mapping.ts). The REST objects are
// not hook payloads: jobs come with every retried build (include_retried), so a job's attempt is its place
// among the builds of its name by id; the pipeline's observed_at is its updated_at. Builds whose status
// Verity does not know are left out (as the hook mapping does).
import { clip, iso, latest, link, MAX, msOf, sha } from '../../lib/core/observed/fields.js';
import { observedId, type Observation, type ObservedJob } from '../../lib/core/observed/ids.js';
import { gitlabJobStatus } from '../../lib/core/observed/status-mapping.js';
import type { Connection } from '../../lib/platform/connections/connection.js';
import type { GitlabJob, GitlabPipeline } from '../../lib/platform/producer-api/gitlab-api.js';

/** 1-based attempt of each build among the builds of its name (ids grow with every retry). */
function attempts(jobs: readonly GitlabJob[]): Map<number, number> {
  const byName = new Map<string, number[]>();
  for (const j of jobs) byName.set(j.name, [...(byName.get(j.name) ?? []), j.id]);
  const out = new Map<number, number>();
  for (const ids of byName.values()) ids.sort((a, b) => a - b).forEach((id, i) => out.set(id, i + 1));
  return out;
}

function toJob(c: Connection, j: GitlabJob, attempt: number, fallbackAt: string): ObservedJob | null {
  const observed = gitlabJobStatus(j.status, j.failure_reason ?? null);
  if (observed === null) return null;
  const [created, started, finished] = [iso(j.created_at), iso(j.started_at), iso(j.finished_at)];
  return {
    job_id: observedId(c.instance, 'job', j.id),
    external_id: String(j.id),
    url: link(j.web_url),
    name: clip(j.name, MAX.job) ?? String(j.id),
    stage: clip(j.stage, MAX.stage),
    status: observed.status,
    failure_reason: observed.failure ? (clip(j.failure_reason, MAX.reason) ?? observed.failure.failure_reason) : null,
    allow_failure: j.allow_failure ?? false,
    attempt,
    runner: clip(j.runner?.description, MAX.runner) ?? (j.runner?.id == null ? null : String(j.runner.id)),
    user: clip(j.user?.username, MAX.user),
    queued_at: null,
    started_at: started,
    finished_at: finished,
    duration_ms: msOf(j.duration),
    queued_duration_ms: msOf(j.queued_duration),
    exit_code: null,
    steps: null,
    needs: null,
    observed_at: latest(created, started, finished) ?? fallbackAt,
  };
}

export function gitlabObservation(c: Connection, p: GitlabPipeline, jobs: readonly GitlabJob[]): Observation {
  const updated = iso(p.updated_at) ?? new Date().toISOString();
  const attemptOf = attempts(jobs);
  const mapped = jobs.flatMap((j) => toJob(c, j, attemptOf.get(j.id) ?? 1, updated) ?? []);
  return {
    pipeline_id: observedId(c.instance, 'pipeline', p.id),
    system: 'gitlab',
    external: { system: 'gitlab', instance: c.instance, id: String(p.id), url: link(p.web_url) },
    pipeline: {
      ref: clip(p.ref, MAX.ref),
      sha: sha(p.sha),
      source: clip(p.source, MAX.source),
      status: gitlabJobStatus(p.status)?.status ?? null,
      stages: null,
      name: clip(p.name, MAX.name),
      user: null,
      created_at: iso(p.created_at),
      finished_at: null,
      attempt: null,
      observed_at: latest(updated, ...mapped.map((j) => j.observed_at)) ?? updated,
    },
    jobs: mapped,
  };
}
