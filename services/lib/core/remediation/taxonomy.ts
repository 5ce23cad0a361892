// The failure taxonomy of the heuristic provider: which category a failure belongs to from what is known
// beyond its log (GitLab's failure_reason, the exit code, the job's history), and what to do about each
// category; the log itself is the category classifier's (category/). Rules are short and ordered; the
// first that matches wins. Pure.
//
// Confidence is a per-rule constant: a prior for "the category is right", set by hand, and no two rules
// share a (category, confidence) pair, so a proposal's rule can be told from its event. Recalibrate from
// the scorer's labels (RemediationScored, FeedbackGiven) per prompt version and rule over a recent
// window: confidence := (correct + 1) / (labelled + 2), the rule's Laplace-smoothed precision, so that of
// the proposals made with confidence c about a share c turn out right; with a few hundred labels per
// rule, fit an isotonic regression of correctness on the constant instead. A new rule set is a new
// prompt version (HEURISTIC_PROMPT_VERSION), so scores of different rule sets are never mixed.

import type { ActionKind, Category, HistoryEntry } from './proposal.js';

export interface Verdict {
  category: Category;
  /** Id of the rule that decided. */
  rule: string;
  confidence: number;
}

/** Rule id prefix of the verdicts of failure_reason. */
export const FAILURE_REASON_RULE = 'failure-reason:';

/** What GitLab's failure_reason alone says; script_failure, unknown_failure and the rest need the log. */
const BY_FAILURE_REASON: ReadonlyMap<string, Verdict> = new Map(
  (
    [
      [
        [
          'runner_system_failure',
          'runner_unsupported',
          'scheduler_failure',
          'data_integrity_failure',
          'api_failure',
          'no_matching_runner',
          'archived_failure',
        ],
        'infrastructure',
        0.9,
      ],
      [['stuck_or_timeout_failure', 'job_execution_timeout'], 'timeout', 0.9],
      [['ci_quota_exceeded', 'trace_size_exceeded'], 'out_of_resources', 0.85],
      [['missing_dependency_failure'], 'dependency', 0.7],
      [
        [
          'unmet_prerequisites',
          'stale_schedule',
          'forward_deployment_failure',
          'environment_creation_failure',
          'deployment_rejected',
          'failed_outdated_deployment_job',
          'downstream_bridge_project_not_found',
          'invalid_bridge_trigger',
          'upstream_bridge_project_not_found',
          'bridge_pipeline_is_child_pipeline',
          'downstream_pipeline_creation_failed',
          'secrets_provider_not_found',
          'reached_max_descendant_pipelines_depth',
          'reached_max_pipeline_hierarchy_size',
          'pipeline_loop_detected',
          'builds_disabled',
          'project_deleted',
          'reached_downstream_pipeline_trigger_rate_limit',
        ],
        'configuration',
        0.8,
      ],
      [
        ['protected_environment_failure', 'insufficient_bridge_permissions', 'user_blocked', 'ip_restriction_failure'],
        'permissions',
        0.8,
      ],
    ] as const
  ).flatMap(([reasons, category, confidence]) =>
    reasons.map((r): [string, Verdict] => [r, { category, rule: `${FAILURE_REASON_RULE}${r}`, confidence }]),
  ),
);

export function verdictOfFailureReason(reason: string): Verdict | undefined {
  return BY_FAILURE_REASON.get(reason);
}

/** Exit codes that say what happened whatever the log shows. */
export function verdictOfExitCode(code: number | null | undefined): Verdict | undefined {
  if (code === 137) return { category: 'out_of_resources', rule: 'exit-137', confidence: 0.7 };
  if (code === 124) return { category: 'timeout', rule: 'exit-124', confidence: 0.7 };
  return undefined;
}

/** Earlier attempts that count as recent. */
const RECENT_ATTEMPTS = 10;

/**
 * The commit on which the same job failed and then passed on a retry, among the recent attempts
 * (newest first); the current commit's earlier success counts too. Undefined when there is none.
 */
export function flakyCommit(history: readonly HistoryEntry[], sha: string | null): string | undefined {
  const recent = history.slice(0, RECENT_ATTEMPTS);
  if (sha !== null && recent.some((h) => h.sha === sha && h.status === 'success')) return sha;
  for (const pass of recent) {
    if (pass.status !== 'success') continue;
    if (recent.some((h) => h.sha === pass.sha && h.status === 'failed' && h.attempt < pass.attempt)) return pass.sha;
  }
  return undefined;
}

export const FLAKY: Verdict = { category: 'flaky', rule: 'history-retry-passed', confidence: 0.75 };

/** The category classifier's confidence (heuristic.ts): a rule of its category matched the evidence, or not. */
export const CLASSIFIER_CONFIDENCE = { rule: 0.65, model: 0.45 } as const;

export const UNKNOWN: Verdict = { category: 'unknown', rule: 'no-rule', confidence: 0.2 };

/** What to do about each category. */
export const ACTIONS: Readonly<Record<Category, ActionKind>> = {
  test_failure: 'fix_test',
  compilation: 'fix_code',
  lint: 'fix_code',
  dependency: 'update_dependency',
  configuration: 'fix_config',
  permissions: 'fix_config',
  out_of_resources: 'fix_config',
  infrastructure: 'retry',
  network: 'retry',
  timeout: 'retry',
  flaky: 'retry',
  unknown: 'investigate',
};
