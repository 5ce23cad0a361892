// The composite status of a set of jobs: GitLab's Gitlab::Ci::Status::Composite
// (lib/gitlab/ci/status/composite.rb), as one ordered rule list over GitLab's job statuses.
// Used for a pipeline (all latest jobs), for a stage job's predecessors (all jobs of earlier stages) and,
// with `dag`, for a DAG job's needs.
import type { JobStatus } from './status.js';

export interface CompositeInput {
  status: JobStatus;
  allow_failure: boolean;
}

export interface CompositeResult {
  status: JobStatus;
  /** Some job failed or was canceled but was allowed to fail. */
  warnings: boolean;
}

/** A job status, or one of the two statuses the composite derives from allow_failure. */
type Effective = JobStatus | 'success_with_warnings' | 'ignored';

/**
 * GitLab's Composite#consume_job_status: an allowed-to-fail job in PASSED_WITH_WARNINGS_STATUSES (failed,
 * canceled) counts as success_with_warnings, one in IGNORED_STATUSES (manual only: an optional manual job)
 * as ignored (Ci::HasStatus). allow_failure changes nothing for any other status.
 */
function effective(job: CompositeInput): Effective {
  if (job.allow_failure && (job.status === 'failed' || job.status === 'canceled')) return 'success_with_warnings';
  if (job.allow_failure && job.status === 'manual') return 'ignored';
  return job.status;
}

type Rule = readonly [matches: (set: ReadonlySet<Effective>) => boolean, status: JobStatus];

/** GitLab's only_of? (on a non-empty set). */
const only =
  (...names: Effective[]) =>
  (set: ReadonlySet<Effective>) =>
    [...set].every((s) => names.includes(s));
/** GitLab's any_of?. */
const any =
  (...names: Effective[]) =>
  (set: ReadonlySet<Effective>) =>
    names.some((s) => set.has(s));

/** GitLab's order (Composite#status); the first matching rule decides. The set is never empty here. */
const RULES: readonly Rule[] = [
  [only('skipped', 'ignored'), 'skipped'],
  [only('success', 'skipped', 'success_with_warnings', 'ignored'), 'success'],
  [only('created', 'success_with_warnings', 'ignored'), 'created'],
  [only('preparing', 'success_with_warnings', 'ignored'), 'preparing'],
  [only('canceled', 'success', 'skipped', 'success_with_warnings', 'ignored'), 'canceled'],
  [only('pending', 'created', 'skipped', 'success_with_warnings', 'ignored'), 'pending'],
  [any('running', 'pending'), 'running'],
  [any('waiting_for_resource'), 'waiting_for_resource'],
  // GitLab checks any_of?(:waiting_for_callback) → waiting_for_callback here; Verity does not model that status.
  [any('manual'), 'manual'],
  [any('scheduled'), 'scheduled'],
  [any('preparing'), 'preparing'],
  // Created jobs next to finished ones: the pipeline is under way.
  [any('created'), 'running'],
  // Only finished jobs besides: the pipeline is not finished while a job is still being canceled.
  [any('canceling'), 'canceling'],
  [() => true, 'failed'],
];

/** With `dag` (a job's needs), two rules of their own come first. */
const DAG_RULES: readonly Rule[] = [
  // GitLab: a need that did not run at all (skipped, or an optional manual job not played) skips the job.
  [any('skipped', 'ignored'), 'skipped'],
  // Otherwise the job waits until every need is complete. This is GitLab's second DAG rule as the
  // 'DAG is blocked from executing if a dependent is not "complete"' branch had it; GitLab's current
  // Composite no longer has it and leaves the waiting to AtomicProcessingService#update_job!, which goes
  // on only when the composite is in COMPLETED_STATUSES. Either way an incomplete need gives an incomplete
  // composite and processing.ts waits (it checks isCompleted); the rule only names that status `pending`.
  [(set) => !only('success', 'failed', 'canceled', 'skipped', 'success_with_warnings')(set), 'pending'],
];

/**
 * The composite of `jobs`. An empty list is `success` (GitLab's processing treats "no previous jobs" as
 * success: Composite returns nil and StatusCollection falls back to 'success').
 */
export function compositeStatus(jobs: readonly CompositeInput[], options: { dag?: boolean } = {}): CompositeResult {
  const set = new Set(jobs.map(effective));
  const warnings = set.has('success_with_warnings');
  if (set.size === 0) return { status: 'success', warnings };
  const rules = options.dag ? [...DAG_RULES, ...RULES] : RULES;
  const rule = rules.find(([matches]) => matches(set))!;
  return { status: rule[1], warnings };
}
