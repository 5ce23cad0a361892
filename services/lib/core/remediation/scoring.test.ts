import { expect } from 'chai';
import { CATEGORIES } from './proposal.js';
import { scoreProposal, type Outcomes, type ProposalFacts } from './scoring.js';

const T0 = Date.parse('2026-11-28T10:00:00.000Z');
const at = (s: number) => new Date(T0 + s * 1000).toISOString();
const HOUR = 3_600_000;

const proposal = (over: Partial<ProposalFacts> = {}): ProposalFacts => ({
  proposal_id: '00000000-0000-4000-8000-000000000001',
  category: 'test_failure',
  action_kind: 'fix_test',
  sha: 'aaa',
  failed_at: at(0),
  proposed_at: at(2),
  feedback: null,
  ...over,
});
const none: Outcomes = { retry: null, nextPipeline: null };
const retryPassed: Outcomes = { retry: { status: 'success', finished_at: at(60) }, nextPipeline: null };
const retryFailed: Outcomes = { retry: { status: 'failed', finished_at: at(60) }, nextPipeline: null };
const newCommitGreen: Outcomes = { retry: null, nextPipeline: { sha: 'bbb', status: 'success', finished_at: at(600) } };
const sameShaGreen: Outcomes = { retry: null, nextPipeline: { sha: 'aaa', status: 'success', finished_at: at(600) } };
const nextFailed: Outcomes = { retry: null, nextPipeline: { sha: 'bbb', status: 'failed', finished_at: at(600) } };

const retryKind = { action_kind: 'retry', category: 'flaky' } as const;
const infraInvestigate = { action_kind: 'investigate', category: 'infrastructure' } as const;

describe('scoring rules (proposal × outcome → label, rule)', () => {
  const table: [string, Partial<ProposalFacts>, Outcomes, number, string | null, string | null][] = [
    [
      'feedback accepted wins over a retry outcome',
      { feedback: { verdict: 'accepted', at: at(30) } },
      retryPassed,
      T0 + 100_000,
      'correct',
      'feedback_accepted',
    ],
    [
      'feedback rejected',
      { feedback: { verdict: 'rejected', at: at(30) } },
      none,
      T0 + 100_000,
      'incorrect',
      'feedback_rejected',
    ],
    ['retry passed, proposal said retry', retryKind, retryPassed, T0 + 100_000, 'correct', 'retry_passed_retry_right'],
    [
      'retry passed, transient category with investigate',
      infraInvestigate,
      retryPassed,
      T0 + 100_000,
      'correct',
      'retry_passed_retry_right',
    ],
    ['retry passed, proposal said fix the test', {}, retryPassed, T0 + 100_000, 'incorrect', 'retry_passed_fix_wrong'],
    [
      'retry failed, proposal said retry',
      retryKind,
      retryFailed,
      T0 + 100_000,
      'incorrect',
      'retry_failed_retry_wrong',
    ],
    ['retry failed, proposal said fix', {}, retryFailed, T0 + 100_000, 'correct', 'retry_failed_fix_right'],
    ['new commit green, proposal said fix', {}, newCommitGreen, T0 + 700_000, 'correct', 'new_commit_fixed_fix_right'],
    [
      'new commit green, proposal said retry',
      retryKind,
      newCommitGreen,
      T0 + 700_000,
      'incorrect',
      'new_commit_fixed_retry_wrong',
    ],
    ['same sha green is not a fix by a commit: pending', {}, sameShaGreen, T0 + 700_000, null, null],
    ['next pipeline failed: pending before expiry', {}, nextFailed, T0 + 700_000, null, null],
    ['nothing yet: pending', {}, none, T0 + HOUR, null, null],
    ['nothing within the window: expired', {}, none, T0 + 2000 + 24 * HOUR, 'expired', 'expired_no_outcome'],
  ];
  for (const [name, over, outcomes, now, label, rule] of table) {
    it(name, () => {
      const s = scoreProposal(proposal(over), outcomes, now, 24 * HOUR);
      expect(s?.label ?? null).to.equal(label);
      expect(s?.rule ?? null).to.equal(rule);
    });
  }

  // Transient categories: running the job again is their remedy, so an "investigate" proposal of one of them
  // counts as saying retry; any other category's "investigate" counts as saying fix.
  const TRANSIENT = ['flaky', 'infrastructure', 'network', 'timeout'] as const;
  const NOT_TRANSIENT = CATEGORIES.filter((c) => !(TRANSIENT as readonly string[]).includes(c));
  for (const category of CATEGORIES) {
    const transient = (TRANSIENT as readonly string[]).includes(category);
    it(`${category} is ${transient ? '' : 'not '}transient: an investigate proposal is ${transient ? 'right' : 'wrong'} when the retry passes`, () => {
      const p = proposal({ category, action_kind: 'investigate' });
      expect(scoreProposal(p, retryPassed, T0 + 100_000, 24 * HOUR)?.rule).to.equal(
        transient ? 'retry_passed_retry_right' : 'retry_passed_fix_wrong',
      );
      expect(scoreProposal(p, retryFailed, T0 + 100_000, 24 * HOUR)?.rule).to.equal(
        transient ? 'retry_failed_retry_wrong' : 'retry_failed_fix_right',
      );
    });
  }
  it('knows every category as transient or not', () =>
    expect([...TRANSIENT, ...NOT_TRANSIENT]).to.have.members([...CATEGORIES]));

  it('measures latency from the proposal and time to green from the failure', () => {
    const s = scoreProposal(proposal(retryKind), retryPassed, T0 + 100_000, 24 * HOUR)!;
    expect(s).to.deep.equal({
      label: 'correct',
      rule: 'retry_passed_retry_right',
      outcome: 'retry_passed',
      outcome_at: at(60),
      latency_ms: 58_000,
      time_to_green_ms: 60_000,
    });
    const e = scoreProposal(proposal(), nextFailed, T0 + 2000 + 24 * HOUR, 24 * HOUR)!;
    expect(e).to.include({
      outcome: 'next_pipeline_failed',
      outcome_at: null,
      time_to_green_ms: null,
      latency_ms: 24 * HOUR,
    });
  });
});
