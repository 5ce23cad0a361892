// Job statuses, the transitions between them and the mapping of reported failure reasons onto GitLab's
// enum. The statuses and transitions are GitLab's (Ci::HasStatus, CommitStatus, Ci::Processable and
// Ci::Build state machines), less waiting_for_callback, which Verity does not model.
import type { JobFailed } from '../events/generated.js';

export const JOB_STATUSES = [
  'created',
  'waiting_for_resource',
  'preparing',
  'pending',
  'running',
  'canceling',
  'success',
  'failed',
  'canceled',
  'skipped',
  'manual',
  'scheduled',
] as const;
export type JobStatus = (typeof JOB_STATUSES)[number];

/** GitLab's COMPLETED_STATUSES: a job in one of these will not change again unless retried or reopened. */
const COMPLETED_STATUSES: readonly JobStatus[] = ['success', 'failed', 'canceled', 'skipped'];
/** GitLab's ALIVE_STATUSES: statuses that keep a pipeline from finishing. */
const ALIVE_STATUSES: readonly JobStatus[] = [
  'created',
  'waiting_for_resource',
  'preparing',
  'pending',
  'running',
  'canceling',
];
/** GitLab's CANCELABLE_STATUSES: what canceling a pipeline cancels (a manual job stays manual: gitlab#19273). */
const CANCELABLE_STATUSES: readonly JobStatus[] = [
  'created',
  'waiting_for_resource',
  'preparing',
  'pending',
  'running',
  'scheduled',
];

export function isCompleted(status: JobStatus): boolean {
  return COMPLETED_STATUSES.includes(status);
}

export function isActive(status: JobStatus): boolean {
  return ALIVE_STATUSES.includes(status);
}

export function isCancelableByPipeline(status: JobStatus): boolean {
  return CANCELABLE_STATUSES.includes(status);
}

/** Events of the job state machine (GitLab's event names where it has one). */
export type JobTransition =
  | 'enqueue'
  | 'request_resource'
  | 'prepare'
  | 'run'
  | 'succeed'
  | 'drop'
  | 'start_cancel'
  | 'cancel'
  | 'skip'
  | 'reopen'
  | 'actionize'
  | 'schedule'
  | 'unschedule';

type Rule = { from: readonly JobStatus[]; to: JobStatus };

/**
 * Each event's rules, first match wins. `succeed` and `drop` of a canceling job end it canceled (the runner
 * finished the job it was asked to cancel). `cancel` takes every cancelable status and manual, as GitLab's
 * job cancel does; canceling a pipeline only takes CANCELABLE_STATUSES (isCancelableByPipeline).
 */
const TRANSITIONS: Readonly<Record<JobTransition, readonly Rule[]>> = {
  enqueue: [
    { from: ['created', 'skipped', 'manual', 'scheduled', 'waiting_for_resource', 'preparing'], to: 'pending' },
  ],
  request_resource: [{ from: ['created', 'skipped', 'manual', 'scheduled'], to: 'waiting_for_resource' }],
  prepare: [{ from: ['created', 'skipped', 'manual', 'scheduled', 'waiting_for_resource'], to: 'preparing' }],
  run: [{ from: ['pending'], to: 'running' }],
  // From created too: a runner or the API may finish a job that never ran (GitLab's success and drop events
  // accept created, e.g. a missing_dependency_failure).
  succeed: [
    { from: ['canceling'], to: 'canceled' },
    { from: ['created', 'waiting_for_resource', 'preparing', 'pending', 'running'], to: 'success' },
  ],
  drop: [
    { from: ['canceling'], to: 'canceled' },
    {
      from: ['created', 'waiting_for_resource', 'preparing', 'pending', 'running', 'manual', 'scheduled'],
      to: 'failed',
    },
  ],
  start_cancel: [{ from: ['running'], to: 'canceling' }],
  cancel: [{ from: [...CANCELABLE_STATUSES, 'manual', 'canceling'], to: 'canceled' }],
  skip: [{ from: ['created', 'waiting_for_resource', 'preparing', 'pending'], to: 'skipped' }],
  reopen: [{ from: ['skipped', 'manual'], to: 'created' }],
  actionize: [{ from: ['created'], to: 'manual' }],
  schedule: [{ from: ['created'], to: 'scheduled' }],
  unschedule: [{ from: ['scheduled'], to: 'manual' }],
};

/** The status after `event`, or null when the transition is illegal from `from`. */
export function transition(from: JobStatus, event: JobTransition): JobStatus | null {
  return TRANSITIONS[event].find((r) => r.from.includes(from))?.to ?? null;
}

/** What a producer's ReportJob.status asks for. */
export const REPORTED_TRANSITION: Readonly<
  Record<'running' | 'success' | 'failed' | 'canceled' | 'canceling', JobTransition>
> = {
  running: 'run',
  success: 'succeed',
  failed: 'drop',
  canceled: 'cancel',
  canceling: 'start_cancel',
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

/** Every status reachable from `from` in one or more transitions (GitLab's job state machine as a graph). */
function reachableFrom(from: JobStatus): ReadonlySet<JobStatus> {
  const seen = new Set<JobStatus>();
  const queue: JobStatus[] = [from];
  for (let s = queue.pop(); s !== undefined; s = queue.pop()) {
    for (const rules of Object.values(TRANSITIONS)) {
      const to = rules.find((r) => r.from.includes(s!))?.to;
      if (to !== undefined && !seen.has(to)) {
        seen.add(to);
        queue.push(to);
      }
    }
  }
  return seen;
}

const REACHABLE = new Map(JOB_STATUSES.map((s) => [s, reachableFrom(s)] as const));

/**
 * GitLab's model allows a job to get from `from` to `to` through some sequence of transitions: an observed
 * job whose intermediate hooks were lost or never sent (created → success) is no divergence; success →
 * failed of one job, which GitLab never does, is.
 */
export function canReach(from: JobStatus, to: JobStatus): boolean {
  return REACHABLE.get(from)!.has(to);
}
