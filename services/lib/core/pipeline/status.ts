// Job statuses, the transitions between them (GitLab's CommitStatus state machine, restricted to the
// statuses Verity models) and the mapping of reported failure reasons onto GitLab's enum.
import type { JobFailed } from '../events/generated.js';

export const JOB_STATUSES = [
  'created',
  'pending',
  'running',
  'success',
  'failed',
  'canceled',
  'skipped',
  'manual',
] as const;
export type JobStatus = (typeof JOB_STATUSES)[number];

/** GitLab's COMPLETED_STATUSES: a job in one of these will not change again unless retried or reopened. */
const COMPLETED_STATUSES: readonly JobStatus[] = ['success', 'failed', 'canceled', 'skipped'];
/** Statuses that keep a pipeline from finishing. */
const ACTIVE_STATUSES: readonly JobStatus[] = ['created', 'pending', 'running'];

export function isCompleted(status: JobStatus): boolean {
  return COMPLETED_STATUSES.includes(status);
}

export function isActive(status: JobStatus): boolean {
  return ACTIVE_STATUSES.includes(status);
}

/** Events of the job state machine. */
export type JobTransition = 'enqueue' | 'run' | 'succeed' | 'drop' | 'cancel' | 'skip' | 'reopen' | 'actionize';

/**
 * from-statuses → to-status of each transition. `cancel` also accepts `manual`, as GitLab's cancel event
 * does (CANCELABLE_STATUSES + manual), so that canceling a pipeline never leaves a blocking manual job.
 */
const TRANSITIONS: Readonly<Record<JobTransition, { from: readonly JobStatus[]; to: JobStatus }>> = {
  enqueue: { from: ['created', 'skipped', 'manual'], to: 'pending' },
  run: { from: ['pending'], to: 'running' },
  // From created too: a runner or the API may finish a job that never ran (GitLab's success and drop events
  // accept created, e.g. a missing_dependency_failure).
  succeed: { from: ['created', 'pending', 'running'], to: 'success' },
  drop: { from: ['created', 'pending', 'running'], to: 'failed' },
  cancel: { from: ['created', 'pending', 'running', 'manual'], to: 'canceled' },
  skip: { from: ['created', 'pending'], to: 'skipped' },
  reopen: { from: ['skipped'], to: 'created' },
  actionize: { from: ['created'], to: 'manual' },
};

/** The status after `event`, or null when the transition is illegal from `from`. */
export function transition(from: JobStatus, event: JobTransition): JobStatus | null {
  const t = TRANSITIONS[event];
  return t.from.includes(from) ? t.to : null;
}

/** What a producer's ReportJob.status asks for. */
export const REPORTED_TRANSITION: Readonly<Record<'running' | 'success' | 'failed' | 'canceled', JobTransition>> = {
  running: 'run',
  success: 'succeed',
  failed: 'drop',
  canceled: 'cancel',
};

export type FailureReason = JobFailed['failure_reason'];

/** GitLab's Ci::Build failure_reason enum, as the JobFailed schema lists it. */
export const FAILURE_REASONS = [
  'unknown_failure',
  'script_failure',
  'api_failure',
  'stuck_or_timeout_failure',
  'runner_system_failure',
  'missing_dependency_failure',
  'runner_unsupported',
  'stale_schedule',
  'job_execution_timeout',
  'archived_failure',
  'unmet_prerequisites',
  'scheduler_failure',
  'data_integrity_failure',
  'forward_deployment_failure',
  'user_blocked',
  'project_deleted',
  'ci_quota_exceeded',
  'pipeline_loop_detected',
  'no_matching_runner',
  'trace_size_exceeded',
  'builds_disabled',
  'environment_creation_failure',
  'deployment_rejected',
  'failed_outdated_deployment_job',
  'protected_environment_failure',
  'insufficient_bridge_permissions',
  'downstream_bridge_project_not_found',
  'invalid_bridge_trigger',
  'upstream_bridge_project_not_found',
  'bridge_pipeline_is_child_pipeline',
  'downstream_pipeline_creation_failed',
  'secrets_provider_not_found',
  'reached_max_descendant_pipelines_depth',
  'ip_restriction_failure',
  'reached_max_pipeline_hierarchy_size',
  'reached_downstream_pipeline_trigger_rate_limit',
] as const satisfies readonly FailureReason[];

// Compile-time check that the list is complete: fails to type-check when the schema gains a reason.
type MissingReason = Exclude<FailureReason, (typeof FAILURE_REASONS)[number]>;
const _complete: [MissingReason] extends [never] ? true : MissingReason = true;
void _complete;

const KNOWN_REASONS: ReadonlySet<string> = new Set(FAILURE_REASONS);

function isFailureReason(value: string): value is FailureReason {
  return KNOWN_REASONS.has(value);
}

/**
 * A reported failure reason as GitLab's enum: a known value is kept (raw null); an unknown value
 * becomes unknown_failure with the value kept in failure_reason_raw; an absent one is unknown_failure.
 */
export function mapFailureReason(raw: string | null): {
  failure_reason: FailureReason;
  failure_reason_raw: string | null;
} {
  if (raw === null) return { failure_reason: 'unknown_failure', failure_reason_raw: null };
  if (isFailureReason(raw)) return { failure_reason: raw, failure_reason_raw: null };
  return { failure_reason: 'unknown_failure', failure_reason_raw: raw.slice(0, MAX_RAW_REASON) };
}

/** failure_reason_raw is bounded by the JobFailed schema. */
const MAX_RAW_REASON = 255;
