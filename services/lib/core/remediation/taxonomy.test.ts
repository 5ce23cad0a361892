import { expect } from 'chai';
import { FAILURE_REASONS } from '../pipeline/status.js';
import { CATEGORIES, type HistoryEntry } from './proposal.js';
import {
  FLAKY,
  flakyCommit,
  LOG_RULES,
  logRuleOf,
  UNKNOWN,
  verdictOfExitCode,
  verdictOfFailureReason,
} from './taxonomy.js';

const attempt = (sha: string, n: number, status: string): HistoryEntry => ({
  job_id: `j${sha}${n}`,
  pipeline_id: 'p',
  sha,
  attempt: n,
  status,
  failure_reason: status === 'failed' ? 'script_failure' : null,
  finished_at: null,
});

describe('taxonomy', () => {
  it('decides every GitLab failure_reason but those that need the log', () => {
    for (const reason of FAILURE_REASONS) {
      const verdict = verdictOfFailureReason(reason);
      if (reason === 'script_failure' || reason === 'unknown_failure') expect(verdict, reason).to.equal(undefined);
      else expect(verdict?.category, reason).to.be.oneOf([...CATEGORIES]);
    }
    expect(verdictOfFailureReason('runner_system_failure')?.category).to.equal('infrastructure');
    expect(verdictOfFailureReason('stuck_or_timeout_failure')?.category).to.equal('timeout');
    expect(verdictOfFailureReason('job_execution_timeout')?.category).to.equal('timeout');
    expect(verdictOfFailureReason('insufficient_bridge_permissions')?.category).to.equal('permissions');
    expect(verdictOfFailureReason('protected_environment_failure')?.category).to.equal('permissions');
    expect(verdictOfFailureReason('toString')).to.equal(undefined);
  });

  it('reads exit codes 137 and 124', () => {
    expect(verdictOfExitCode(137)?.category).to.equal('out_of_resources');
    expect(verdictOfExitCode(124)?.category).to.equal('timeout');
    for (const code of [0, 1, 2, null, undefined]) expect(verdictOfExitCode(code)).to.equal(undefined);
  });

  const histories: [string, HistoryEntry[], string | null, string | undefined][] = [
    ['failed then passed on a retry of one commit', [attempt('b', 2, 'success'), attempt('b', 1, 'failed')], 'c', 'b'],
    ['passed before on the current commit', [attempt('c', 1, 'success')], 'c', 'c'],
    [
      'failed on one commit and passed on another',
      [attempt('a', 1, 'failed'), attempt('b', 2, 'success'), attempt('b', 1, 'success')],
      'c',
      undefined,
    ],
    ['failed every time', [attempt('b', 2, 'failed'), attempt('b', 1, 'failed')], 'c', undefined],
    ['no history', [], 'c', undefined],
  ];
  for (const [what, history, sha, flaky] of histories) {
    it(`when the job ${what}: ${flaky === undefined ? 'not flaky' : `flaky on commit ${flaky}`}`, () =>
      expect(flakyCommit(history, sha)).to.equal(flaky));
  }

  const lines: [string, string | undefined][] = [
    ['FATAL ERROR: Reached heap limit Allocation failed - JavaScript heap out of memory', 'out_of_resources'],
    ['write /data/x: No space left on device', 'out_of_resources'],
    ['No output has been received in the last 10m0s, this potentially indicates a stalled build', 'timeout'],
    ["fatal: unable to access 'https://github.com/a/b/': Could not resolve host: github.com", 'network'],
    ['Error: connect ECONNREFUSED 127.0.0.1:5432', 'network'],
    ['docker: Error response from daemon: pull access denied for app', 'infrastructure'],
    ['ERROR: Job failed (system failure): runner lost connection: unexpected EOF', 'infrastructure'],
    ["Error: Cannot find module 'left-pad'", 'dependency'],
    ['ERROR: Could not find a version that satisfies the requirement torch==9.9', 'dependency'],
    ['src/a.c:3:1: error: unknown type name ‘foo’', 'compilation'],
    ["Program.cs(20,40): error CS0103: The name 'key' does not exist in the current context", 'compilation'],
    ['✖ 3 problems (3 errors, 0 warnings)', 'lint'],
    ['src/a.js:3 Insert `;` (prettier/prettier)', 'lint'],
    ['--- FAIL: TestParse (0.00s)', 'test_failure'],
    ['FAILED tests/test_app.py::test_home - assert 200 == 500', 'test_failure'],
    ['Tests run: 12, Failures: 1, Errors: 0, Skipped: 0', 'test_failure'],
    ['bash: yarn: command not found', 'configuration'],
    ['compiling module 12 of 40', undefined],
    ['    at Object.<anonymous> (a.js:1:1)', undefined],
  ];
  for (const [line, category] of lines) {
    it(`${JSON.stringify(line)} → ${category}`, () => expect(logRuleOf(line)?.category).to.equal(category));
  }

  it('gives every rule its own (category, confidence) in [0, 1], so the rule can be told from a proposal', () => {
    const reasonVerdicts = FAILURE_REASONS.map(verdictOfFailureReason).filter((v) => v !== undefined);
    const verdicts = [
      ...reasonVerdicts,
      verdictOfExitCode(137)!,
      verdictOfExitCode(124)!,
      FLAKY,
      UNKNOWN,
      ...LOG_RULES,
    ];
    const byKey = new Map<string, Set<string>>();
    for (const v of verdicts) {
      expect(v.confidence).to.be.within(0, 1);
      const key = `${v.category}@${v.confidence}`;
      const group = v.rule.startsWith('failure-reason:') ? 'failure-reason' : v.rule;
      byKey.set(key, (byKey.get(key) ?? new Set()).add(group));
    }
    for (const [key, rules] of byKey) expect([...rules], key).to.have.length(1);
  });
});
