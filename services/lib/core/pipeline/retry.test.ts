import { expect } from 'chai';
import { shouldAutoRetry, type RetryPolicy } from './retry.js';

describe('shouldAutoRetry', () => {
  const rsf: RetryPolicy = { max: 2, when: ['runner_system_failure'] };
  const always: RetryPolicy = { max: 1, when: ['always'] };
  const never: RetryPolicy = { max: 0, when: ['always'] };
  const two: RetryPolicy = { max: 2, when: ['script_failure', 'stuck_or_timeout_failure'] };

  const codes: RetryPolicy = { max: 2, when: [], exit_codes: [137, 255] };
  const both: RetryPolicy = { max: 1, when: ['runner_system_failure'], exit_codes: [1] };

  const cases: [
    policy: RetryPolicy,
    label: string,
    reason: string,
    attempts: number,
    expected: boolean,
    exitCode?: number | null,
  ][] = [
    [rsf, 'rsf max 2', 'runner_system_failure', 1, true],
    [rsf, 'rsf max 2', 'runner_system_failure', 2, true],
    [rsf, 'rsf max 2', 'runner_system_failure', 3, false],
    [rsf, 'rsf max 2', 'script_failure', 1, false],
    [rsf, 'rsf max 2', 'unknown_failure', 1, false],
    [always, 'always max 1', 'script_failure', 1, true],
    [always, 'always max 1', 'unknown_failure', 1, true],
    [always, 'always max 1', 'script_failure', 2, false],
    [never, 'always max 0', 'script_failure', 1, false],
    [two, 'two reasons max 2', 'stuck_or_timeout_failure', 2, true],
    [two, 'two reasons max 2', 'script_failure', 3, false],
    [two, 'two reasons max 2', 'api_failure', 1, false],
    [rsf, 'rsf max 2', 'runner_system_failure', 0, false],
    // GitLab's AutoRetry: the reason or the exit code matches; with exit_codes and no `when`, only the codes.
    [codes, 'exit codes 137,255 max 2', 'script_failure', 1, true, 137],
    [codes, 'exit codes 137,255 max 2', 'script_failure', 2, true, 255],
    [codes, 'exit codes 137,255 max 2', 'script_failure', 3, false, 137],
    [codes, 'exit codes 137,255 max 2', 'script_failure', 1, false, 1],
    [codes, 'exit codes 137,255 max 2', 'runner_system_failure', 1, false, null],
    [both, 'rsf or exit code 1, max 1', 'runner_system_failure', 1, true, 2],
    [both, 'rsf or exit code 1, max 1', 'script_failure', 1, true, 1],
    [both, 'rsf or exit code 1, max 1', 'script_failure', 1, false, 2],
    [always, 'always max 1', 'script_failure', 1, true, null],
  ];

  for (const [policy, label, reason, attempts, expected, exitCode = null] of cases) {
    it(`${label}: ${reason}${exitCode === null ? '' : ` exit ${exitCode}`} after ${attempts} attempt(s) → ${expected ? 'retry' : 'no retry'}`, () => {
      expect(shouldAutoRetry(policy, reason, exitCode, attempts)).to.equal(expected);
    });
  }

  it('allows at most max retries: attempts 1..max retried, max+1 not', () => {
    for (const max of [0, 1, 2]) {
      const retried = [1, 2, 3, 4].filter((n) => shouldAutoRetry({ max, when: ['always'] }, 'script_failure', null, n));
      expect(retried).to.have.length(max);
    }
  });
});
