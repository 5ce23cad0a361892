// The composite status of a set of jobs: GitLab's Gitlab::Ci::Status::Composite, as one ordered rule list.
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

function effective(job: CompositeInput): Effective {
  if (job.allow_failure && (job.status === 'failed' || job.status === 'canceled')) return 'success_with_warnings';
  if (job.allow_failure && job.status === 'manual') return 'ignored';
  return job.status;
}

type Rule = readonly [matches: (set: ReadonlySet<Effective>) => boolean, status: JobStatus];

const only =
  (...names: Effective[]) =>
  (set: ReadonlySet<Effective>) =>
    [...set].every((s) => names.includes(s));
const any =
  (...names: Effective[]) =>
  (set: ReadonlySet<Effective>) =>
    names.some((s) => set.has(s));

/** GitLab's order; the first matching rule decides. The set is never empty here. */
const RULES: readonly Rule[] = [
  [only('skipped', 'ignored'), 'skipped'],
  [only('success', 'skipped', 'success_with_warnings', 'ignored'), 'success'],
  [only('created', 'success_with_warnings', 'ignored'), 'created'],
  [only('canceled', 'success', 'skipped', 'success_with_warnings', 'ignored'), 'canceled'],
  [only('pending', 'created', 'skipped', 'success_with_warnings', 'ignored'), 'pending'],
  [any('running', 'pending'), 'running'],
  [any('manual'), 'manual'],
  [any('created'), 'running'],
  [() => true, 'failed'],
];

/** With `dag` (a job's needs), GitLab first applies two rules of its own. */
const DAG_RULES: readonly Rule[] = [
  // A need that did not run at all (skipped, or an optional manual job not played) skips the job.
  [any('skipped', 'ignored'), 'skipped'],
  // Otherwise the job waits until every need is complete.
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
