// Observed pipelines (issue 14): what an external CI says of a job, in Verity's terms. Pure tables, one per
// producer; the adapters (webhook routes) map a payload's fields through them. An unknown value is never
// guessed: it maps to null and the adapter answers 202 `ignored` with the value as the reason.
import { JOB_STATUSES, mapFailureReason, type FailureReason, type JobStatus } from '../pipeline/status.js';

export interface ObservedStatus {
  status: JobStatus;
  /** For a failed job: GitLab's failure reason (unknown_failure with the raw value kept when unmapped). */
  failure?: { failure_reason: FailureReason; failure_reason_raw: string | null };
}

const KNOWN_STATUS: ReadonlySet<string> = new Set(JOB_STATUSES);

/**
 * GitLab's Job Hook (`build_status`, `build_failure_reason`) and Pipeline Hook builds (`status`,
 * `failure_reason`): GitLab's own statuses, the same twelve as Verity's; `waiting_for_callback`, which Verity
 * does not model, is a job waiting like a pending one. A failed job's reason is GitLab's enum, kept as it is.
 */
export function gitlabJobStatus(status: string, failureReason: string | null = null): ObservedStatus | null {
  const s = status === 'waiting_for_callback' ? 'pending' : status;
  if (!KNOWN_STATUS.has(s)) return null;
  const out: ObservedStatus = { status: s as JobStatus };
  if (s === 'failed') out.failure = mapFailureReason(failureReason ?? 'unknown_failure');
  return out;
}

/**
 * GitHub's `workflow_job.conclusion` of a completed job (webhook `workflow_job`, REST "jobs"), as GitLab's
 * model says it: `neutral` passes as GitHub counts it; `action_required` waits for a person like a manual
 * job; `stale` (GitHub gave up on it) is canceled; `timed_out` and `startup_failure` are failures with the
 * closest GitLab reason (the GitHub word kept as the raw reason where GitLab has none).
 */
const GITHUB_CONCLUSION: Readonly<Record<string, ObservedStatus>> = {
  success: { status: 'success' },
  neutral: { status: 'success' },
  skipped: { status: 'skipped' },
  cancelled: { status: 'canceled' },
  stale: { status: 'canceled' },
  action_required: { status: 'manual' },
  failure: { status: 'failed', failure: { failure_reason: 'script_failure', failure_reason_raw: null } },
  timed_out: { status: 'failed', failure: { failure_reason: 'job_execution_timeout', failure_reason_raw: null } },
  startup_failure: {
    status: 'failed',
    failure: { failure_reason: 'unknown_failure', failure_reason_raw: 'startup_failure' },
  },
};

/**
 * GitHub's `workflow_job.status` (queued, waiting, requested, pending, in_progress, completed) and, when
 * completed, its conclusion. `waiting` is a job held by a deployment protection rule until someone approves
 * it: GitLab's manual.
 */
export function githubJobStatus(status: string, conclusion: string | null = null): ObservedStatus | null {
  switch (status) {
    case 'queued':
    case 'requested':
    case 'pending':
      return { status: 'pending' };
    case 'waiting':
      return { status: 'manual' };
    case 'in_progress':
      return { status: 'running' };
    case 'completed':
      return conclusion !== null && Object.hasOwn(GITHUB_CONCLUSION, conclusion)
        ? GITHUB_CONCLUSION[conclusion]!
        : null;
    default:
      return null;
  }
}

/** A workflow run's status before it completes (webhook `workflow_run`, REST "workflow runs"). */
const GITHUB_RUN_STATUS: Readonly<Record<string, JobStatus>> = {
  requested: 'pending',
  queued: 'pending',
  waiting: 'pending',
  pending: 'pending',
  in_progress: 'running',
};

/**
 * A GitHub workflow run's status: pending (also `waiting`, which is manual for a job), running, and once
 * completed its conclusion read as a job's is. null: a status or conclusion Verity does not know.
 */
export function githubRunStatus(status: string, conclusion: string | null = null): JobStatus | null {
  if (status === 'completed') return githubJobStatus(status, conclusion)?.status ?? null;
  return Object.hasOwn(GITHUB_RUN_STATUS, status) ? GITHUB_RUN_STATUS[status]! : null;
}

/** Job statuses before a runner took the job. */
const GITHUB_NOT_STARTED: ReadonlySet<string> = new Set(['requested', 'queued', 'waiting', 'pending']);

/** Whether a runner took the GitHub job: before that, its started_at is a placeholder (= created_at). */
export const githubJobStarted = (status: string): boolean => !GITHUB_NOT_STARTED.has(status);
