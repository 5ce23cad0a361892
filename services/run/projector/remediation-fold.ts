// Functional core of the remediation projection: a batch of ci.remediation.events.v1 → rows to insert
// and updates to apply. Proposals and skips are inserted once (their ids are deterministic or unique);
// the latest feedback of a proposal wins; the first score of a proposal wins (the scorer emits one,
// a re-delivery carries the same outcome).
import type { RemediationEvent, RemediationFeedbackGiven, RemediationScored } from '../../lib/core/events/generated.js';
import type { NewProposalRow as ProposalRow, NewSkipRow as SkipRow } from '../../lib/readmodel/rows.js';

export interface RemediationChanges {
  proposals: ProposalRow[];
  skips: SkipRow[];
  feedback: RemediationFeedbackGiven[];
  scores: RemediationScored[];
}

export function foldRemediations(events: readonly RemediationEvent[]): RemediationChanges {
  const proposals = new Map<string, ProposalRow>();
  const skips: SkipRow[] = [];
  const feedback = new Map<string, RemediationFeedbackGiven>();
  const scores = new Map<string, RemediationScored>();
  for (const e of events) {
    switch (e.type) {
      case 'RemediationProposed':
        if (!proposals.has(e.proposal_id)) {
          proposals.set(e.proposal_id, {
            proposalId: e.proposal_id,
            pipelineId: e.pipeline_id,
            projectId: e.project_id,
            jobId: e.job_id,
            jobName: e.job_name,
            attempt: e.attempt,
            ref: e.ref,
            sha: e.sha,
            failureReason: e.failure_reason,
            signature: e.signature,
            provider: e.provider,
            model: e.model,
            promptVersion: e.prompt_version,
            category: e.category,
            rootCause: e.root_cause,
            evidence: e.evidence,
            suggestedAction: e.suggested_action,
            actionKind: e.suggested_action.kind,
            confidence: e.confidence,
            shadow: e.shadow,
            tokensPrompt: e.tokens.prompt,
            tokensCompletion: e.tokens.completion,
            latencyMs: e.latency_ms,
            costUsd: e.cost_usd,
            failedAt: e.occurred_at,
            proposedAt: e.recorded_at,
          });
        }
        break;
      case 'RemediationNotProposed':
        skips.push({
          eventId: e.event_id,
          projectId: e.project_id,
          pipelineId: e.pipeline_id,
          jobId: e.job_id,
          provider: e.provider,
          promptVersion: e.prompt_version,
          reason: e.reason,
          detail: e.detail,
          occurredAt: e.occurred_at,
        });
        break;
      case 'RemediationFeedbackGiven':
        feedback.set(e.proposal_id, e);
        break;
      case 'RemediationScored':
        if (!scores.has(e.proposal_id)) scores.set(e.proposal_id, e);
        break;
    }
  }
  return { proposals: [...proposals.values()], skips, feedback: [...feedback.values()], scores: [...scores.values()] };
}
