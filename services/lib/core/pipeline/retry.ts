// Automatic retry (GitLab's `retry: {max, when, exit_codes}`, Gitlab::Ci::Build::AutoRetry): a failed job gets
// a new attempt when the policy names its failure reason (or `always`) or its exit code, and fewer than `max`
// retries happened so far.

export interface RetryPolicy {
  /** Retries allowed after the first attempt, 0..2. */
  max: number;
  /** Failure reasons that are retried; `always` retries every failure; empty: only the exit codes. */
  when: readonly string[];
  /** Exit codes that are retried, whatever the failure reason. */
  exit_codes?: readonly number[];
}

/**
 * `attemptsSoFar` counts the attempts of the job's name that exist, the failed one included: attempt 1
 * failing with max 2 is retried (1 ≤ 2), attempt 3 failing is not (3 > 2), so at most `max` retries.
 */
export function shouldAutoRetry(
  policy: RetryPolicy,
  failureReason: string,
  exitCode: number | null,
  attemptsSoFar: number,
): boolean {
  if (!Number.isInteger(attemptsSoFar) || attemptsSoFar < 1) return false;
  const byReason = policy.when.includes('always') || policy.when.includes(failureReason);
  const byExitCode = exitCode !== null && (policy.exit_codes ?? []).includes(exitCode);
  return (byReason || byExitCode) && attemptsSoFar <= policy.max;
}
