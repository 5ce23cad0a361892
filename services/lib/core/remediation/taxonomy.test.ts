import { expect } from 'chai';
import { FAILURE_REASONS } from '../pipeline/status.js';
import { CATEGORIES, type HistoryEntry } from './proposal.js';
import {
  CLASSIFIER_CONFIDENCE,
  FLAKY,
  flakyCommit,
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
      // The rule names the reason, so a proposal's rule tells which failure_reason decided it.
      else expect(verdict?.rule, reason).to.equal(`failure-reason:${reason}`);
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

  it('names the exit-code rules after their code', () => {
    expect(verdictOfExitCode(137)).to.deep.equal({ category: 'out_of_resources', rule: 'exit-137', confidence: 0.7 });
    expect(verdictOfExitCode(124)).to.deep.equal({ category: 'timeout', rule: 'exit-124', confidence: 0.7 });
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
    ['failed before on the current commit', [attempt('c', 1, 'failed')], 'c', undefined],
    [
      'passed, then failed on a retry of one commit',
      [attempt('b', 2, 'failed'), attempt('b', 1, 'success')],
      'c',
      undefined,
    ],
    [
      'failed and passed at the same attempt of one commit (two pipelines, no retry)',
      [attempt('b', 1, 'success'), attempt('b', 1, 'failed')],
      'c',
      undefined,
    ],
    [
      'passed on a retry, but failed before the last 10 attempts',
      [
        ...Array.from({ length: 9 }, (_, i) => attempt(`a${i}`, 1, 'failed')),
        attempt('b', 2, 'success'),
        attempt('b', 1, 'failed'),
      ],
      'c',
      undefined,
    ],
    [
      'passed on the current commit, but more than 10 attempts ago',
      [...Array.from({ length: 10 }, (_, i) => attempt(`a${i}`, 1, 'failed')), attempt('c', 1, 'success')],
      'c',
      undefined,
    ],
    [
      'failed then passed on a retry within the last 10 attempts',
      [
        ...Array.from({ length: 8 }, (_, i) => attempt(`a${i}`, 1, 'failed')),
        attempt('b', 2, 'success'),
        attempt('b', 1, 'failed'),
      ],
      'c',
      'b',
    ],
    ['no history', [], 'c', undefined],
  ];
  for (const [what, history, sha, flaky] of histories) {
    it(`when the job ${what}: ${flaky === undefined ? 'not flaky' : `flaky on commit ${flaky}`}`, () =>
      expect(flakyCommit(history, sha)).to.equal(flaky));
  }

  it('gives every rule its own (category, confidence) in [0, 1], so the rule can be told from a proposal', () => {
    const reasonVerdicts = FAILURE_REASONS.map(verdictOfFailureReason).filter((v) => v !== undefined);
    const verdicts = [
      ...reasonVerdicts,
      verdictOfExitCode(137)!,
      verdictOfExitCode(124)!,
      FLAKY,
      UNKNOWN,
      ...CATEGORIES.filter((c) => c !== 'unknown').flatMap((category) => [
        { category, rule: 'classifier:any', confidence: CLASSIFIER_CONFIDENCE.rule },
        { category, rule: 'classifier', confidence: CLASSIFIER_CONFIDENCE.model },
      ]),
    ];
    const byKey = new Map<string, Set<string>>();
    for (const v of verdicts) {
      expect(v.confidence).to.be.within(0, 1);
      const key = `${v.category}@${v.confidence}`;
      const group = v.rule.startsWith('failure-reason:') ? 'failure-reason' : v.rule.split(':')[0]!;
      byKey.set(key, (byKey.get(key) ?? new Set()).add(group));
    }
    for (const [key, rules] of byKey) expect([...rules], key).to.have.length(1);
  });
});
