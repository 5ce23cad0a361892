// A remediation proposal for the failed job: root cause, suggested fix, category, confidence, who proposed it
// (provider, model, prompt version), its score once scored, the feedback recorded, links to its evidence in
// the log, and the feedback buttons (POST /v1/remediations/{id}/feedback; the read model shows it shortly after).
import { useState } from 'preact/hooks';
import { SessionEnded } from '../api.js';
import { sendFeedback, type Proposal, type Verdict } from './api.js';
import { percent, verdictText, when, words } from './format.js';
import { anchorOf, rangeText, type Evidence } from './rows.js';

/** Follows an in-page #L link even when the URL already has it (the browser sends no hashchange then). */
export function followAnchor(e: MouseEvent) {
  const href = (e.currentTarget as HTMLAnchorElement).getAttribute('href');
  if (href && window.location.hash === href) window.dispatchEvent(new HashChangeEvent('hashchange'));
}

export interface Sent {
  proposalId: string;
  verdict: Verdict;
  /** The feedback's time before this one was sent: the recorded one is the one with another time. */
  before: string | null;
}

interface Props {
  p: Proposal;
  /** The evidence as placed on the log shown (ranges past its end left out); null when no log is shown. */
  evidence: Evidence | null;
  highlighted: boolean;
  /** Feedback sent from this page, not yet seen recorded. */
  awaiting: Sent | null;
  onSent: (sent: Sent) => void;
}

export function ProposalPanel({ p, evidence, highlighted, awaiting, onSent }: Props) {
  const [reason, setReason] = useState('');
  const [sending, setSending] = useState(false);
  const [answer, setAnswer] = useState<{ status: number; detail: string } | null>(null);
  const headingId = `proposal-${p.proposal_id}`;

  const give = async (verdict: Verdict) => {
    setSending(true);
    try {
      const r = await sendFeedback(p.proposal_id, verdict, reason);
      setAnswer(r);
      if (r.status === 202) onSent({ proposalId: p.proposal_id, verdict, before: p.feedback?.at ?? null });
    } catch (err) {
      if (!(err instanceof SessionEnded)) setAnswer({ status: 0, detail: (err as Error).message });
    } finally {
      setSending(false);
    }
  };
  const outside = p.evidence.length - (evidence?.ranges.length ?? 0);

  return (
    <section class="proposal" aria-labelledby={headingId} data-proposal-id={p.proposal_id}>
      <h2 id={headingId}>Remediation proposal</h2>
      <dl class="proposal-facts">
        <dt>Root cause</dt>
        <dd class="proposal-cause">{p.root_cause}</dd>
        <dt>Suggested fix</dt>
        <dd class="proposal-fix">
          <span class="badge">{words(p.suggested_action.kind)}</span> {p.suggested_action.summary}
        </dd>
        <dt>Category</dt>
        <dd>{words(p.category)}</dd>
        <dt>Confidence</dt>
        <dd>
          <meter min={0} max={1} value={p.confidence} aria-hidden="true" /> {percent(p.confidence)}
        </dd>
        <dt>Proposed by</dt>
        <dd class="proposal-provider">
          <span data-field="provider">{p.provider}</span>
          {p.model ? (
            <>
              {' '}
              · model <span data-field="model">{p.model}</span>
            </>
          ) : null}{' '}
          · prompt <span data-field="prompt-version">{p.prompt_version}</span> · {when(p.proposed_at)}
        </dd>
        <dt>Score</dt>
        <dd>
          {p.score
            ? `${p.score.label}${p.score.outcome ? ` (${words(p.score.outcome)})` : ''}`
            : 'not scored yet (scored when the job is retried or the pipeline moves on)'}
        </dd>
      </dl>

      <h3>Evidence</h3>
      {p.evidence.length === 0 ? (
        <p class="muted">The proposal cites no log lines.</p>
      ) : (
        <ol class="evidence-list">
          {(evidence?.ranges ?? []).map((r) => (
            <li key={`${r.n}`}>
              <a href={anchorOf(r)} onClick={followAnchor} class="evidence-link">
                {rangeText(r)}
              </a>{' '}
              — {r.reason}
              {highlighted ? '' : ' (not marked in the log: another proposal’s evidence is)'}
            </li>
          ))}
          {outside > 0 && (
            <li class="muted">
              {outside} {outside === 1 ? 'range is' : 'ranges are'} outside the log shown (
              {p.evidence.map((e) => `${e.start_line}–${e.end_line}`).join(', ')})
            </li>
          )}
        </ol>
      )}

      <h3>Was this helpful?</h3>
      <p class="feedback-recorded" role="status">
        {p.feedback
          ? `Feedback recorded: ${verdictText(p.feedback.verdict)}${p.feedback.reason ? ` — “${p.feedback.reason}”` : ''}` +
            `${p.feedback.actor ? ` by ${p.feedback.actor}` : ''}, ${when(p.feedback.at)}`
          : 'No feedback yet.'}
      </p>
      <div class="feedback">
        <label>
          Reason (optional)
          <input
            type="text"
            maxLength={1000}
            value={reason}
            onInput={(e) => setReason((e.currentTarget as HTMLInputElement).value)}
          />
        </label>
        <button type="button" disabled={sending} onClick={() => void give('accepted')}>
          <span aria-hidden="true">✓ </span>Helpful
        </button>
        <button type="button" class="secondary" disabled={sending} onClick={() => void give('rejected')}>
          <span aria-hidden="true">✗ </span>Not helpful
        </button>
      </div>
      {answer && (
        <p class={answer.status === 202 ? 'feedback-answer' : 'feedback-answer error'} role="status">
          {answer.status === 202
            ? awaiting
              ? `Sent: ${verdictText(awaiting.verdict)} (202 Accepted). Waiting for it to be recorded…`
              : 'Sent (202 Accepted) and recorded.'
            : `Not sent: ${answer.detail}${answer.status ? ` (${answer.status})` : ''}`}
        </p>
      )}
    </section>
  );
}
