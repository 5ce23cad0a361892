// Scoring rules: a proposal × what happened next → a label, the rule that decided it and the outcome,
// or null while nothing decisive has happened. One short ordered rule list (first match wins):
//  1. explicit feedback (a person said so);
//  2. the retry of the same job on the same sha finished: passed → the failure was transient, so
//     "retry"-kind proposals (and transient categories) are right and code/test/config fixes are wrong;
//     failed again → the failure is deterministic, so a fix is right and "retry" is wrong;
//  3. the next pipeline on the same ref finished green on a new commit → fixed by a code change, so a
//     fix is right and "retry" is wrong;
//  4. nothing decisive within the expiry window → expired.
// Pure: the caller loads the facts (services/run/scorer) and passes the clock.
import type { RemediationScored } from '../events/generated.js';
import type { ActionKind, Category } from './proposal.js';

export interface ProposalFacts {
  proposal_id: string;
  category: Category;
  action_kind: ActionKind;
  sha: string | null;
  failed_at: string;
  proposed_at: string;
  feedback: { verdict: 'accepted' | 'rejected'; at: string } | null;
}

export interface Outcomes {
  /** The next attempt of the same job in the same pipeline (same sha), once finished. */
  retry: { status: string; finished_at: string } | null;
  /** The first pipeline on the same ref created after the failure, once finished. */
  nextPipeline: { sha: string; status: string; finished_at: string } | null;
}

export type Score = Pick<
  RemediationScored,
  'label' | 'rule' | 'outcome' | 'outcome_at' | 'latency_ms' | 'time_to_green_ms'
>;

/** Categories whose natural remedy is running the job again. */
const TRANSIENT: ReadonlySet<Category> = new Set(['flaky', 'infrastructure', 'network', 'timeout']);

const saysRetry = (p: ProposalFacts) =>
  p.action_kind === 'retry' || (TRANSIENT.has(p.category) && p.action_kind === 'investigate');
const ms = (iso: string) => Date.parse(iso);

export function scoreProposal(p: ProposalFacts, o: Outcomes, nowMs: number, expireAfterMs: number): Score | null {
  const greenAt =
    o.retry?.status === 'success'
      ? o.retry.finished_at
      : o.nextPipeline?.status === 'success'
        ? o.nextPipeline.finished_at
        : null;
  const ttg = greenAt === null ? null : Math.max(0, ms(greenAt) - ms(p.failed_at));
  const decided = (label: Score['label'], rule: string, outcome: Score['outcome'], at: string): Score => ({
    label,
    rule,
    outcome,
    outcome_at: at,
    latency_ms: Math.max(0, ms(at) - ms(p.proposed_at)),
    time_to_green_ms: ttg,
  });

  if (p.feedback?.verdict === 'accepted')
    return decided('correct', 'feedback_accepted', 'feedback_accepted', p.feedback.at);
  if (p.feedback?.verdict === 'rejected')
    return decided('incorrect', 'feedback_rejected', 'feedback_rejected', p.feedback.at);
  if (o.retry?.status === 'success') {
    return saysRetry(p)
      ? decided('correct', 'retry_passed_retry_right', 'retry_passed', o.retry.finished_at)
      : decided('incorrect', 'retry_passed_fix_wrong', 'retry_passed', o.retry.finished_at);
  }
  if (o.retry?.status === 'failed') {
    return saysRetry(p)
      ? decided('incorrect', 'retry_failed_retry_wrong', 'retry_failed', o.retry.finished_at)
      : decided('correct', 'retry_failed_fix_right', 'retry_failed', o.retry.finished_at);
  }
  if (o.nextPipeline && o.nextPipeline.status === 'success' && o.nextPipeline.sha !== p.sha) {
    return saysRetry(p)
      ? decided('incorrect', 'new_commit_fixed_retry_wrong', 'next_pipeline_passed', o.nextPipeline.finished_at)
      : decided('correct', 'new_commit_fixed_fix_right', 'next_pipeline_passed', o.nextPipeline.finished_at);
  }
  if (nowMs - ms(p.proposed_at) >= expireAfterMs) {
    return {
      label: 'expired',
      rule: 'expired_no_outcome',
      outcome: o.nextPipeline ? 'next_pipeline_failed' : 'none',
      outcome_at: null,
      latency_ms: Math.max(0, nowMs - ms(p.proposed_at)),
      time_to_green_ms: ttg,
    };
  }
  return null;
}
