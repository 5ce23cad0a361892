// One failure → one remediation event, with every safeguard applied in a fixed order: kill switch,
// per-project budget, circuit breaker (these two for model providers, not the local heuristic), then the provider. The
// answer is validated
// against the proposal schema by the provider (invalid output never becomes a proposal); any failure
// becomes a RemediationNotProposed with its reason. Ids are deterministic (UUIDv5 of the failure
// event, provider and prompt version), so a re-delivered failure yields the same event and the
// projection keeps one.
import { v5 as uuidv5 } from 'uuid';
import type { JobFailed, RemediationNotProposed, RemediationProposed } from '../../lib/core/events/generated.js';
import type { RemediationContext, RemediationProvider } from '../../lib/core/remediation/proposal.js';
import type { CircuitBreaker } from './guard/circuit-breaker.js';
import type { ProjectBudget } from './guard/budget.js';
import { ProviderError } from './providers/index.js';

/** Namespace of Verity's remediation ids (UUIDv5). */
const NAMESPACE = '6f1c1c8e-4c55-4b8e-9a4e-2f5d0b7a9e31';
const DETAIL_MAX = 1000;

export interface Guards {
  killSwitch: boolean;
  shadow: boolean;
  budget: ProjectBudget;
  circuit: CircuitBreaker;
}

export const proposalIdOf = (failureEventId: string, provider: string, promptVersion: string): string =>
  uuidv5(`${failureEventId}/${provider}/${promptVersion}`, NAMESPACE);

export async function remediate(
  failure: JobFailed,
  ctx: RemediationContext,
  provider: RemediationProvider,
  guards: Guards,
  opts: { signal?: AbortSignal; now?: () => number } = {},
): Promise<RemediationProposed | RemediationNotProposed> {
  const now = opts.now ?? Date.now;
  const id = proposalIdOf(failure.event_id, provider.name, provider.promptVersion);
  const common = {
    pipeline_id: failure.pipeline_id,
    project_id: failure.project_id,
    correlation_id: failure.correlation_id,
    occurred_at: failure.occurred_at,
    causation_id: failure.event_id,
    job_id: failure.job_id,
    provider: provider.name,
    prompt_version: provider.promptVersion,
  };
  const notProposed = (reason: RemediationNotProposed['reason'], detail: string): RemediationNotProposed => ({
    ...common,
    type: 'RemediationNotProposed',
    event_id: id,
    recorded_at: new Date(now()).toISOString(),
    reason,
    detail: detail.slice(0, DETAIL_MAX),
  });

  if (guards.killSwitch) return notProposed('kill_switch', 'REMEDIATOR_KILL_SWITCH is on');
  // Budgets and the circuit bound model calls; a local provider (the heuristic) costs nothing and calls nothing.
  const guarded = !provider.local;
  if (guarded) {
    const budget = guards.budget.tryAcquire(failure.project_id);
    if (!budget.ok)
      return notProposed('budget_exhausted', `the project's ${budget.exhausted} budget for this hour is spent`);
    if (!guards.circuit.tryAcquire())
      return notProposed('circuit_open', `the ${provider.name} provider failed repeatedly; calls are paused`);
  }

  const started = now();
  try {
    const answer = await provider.propose(ctx, opts.signal);
    if (guarded) {
      guards.circuit.onSuccess();
      guards.budget.recordTokens(failure.project_id, answer.tokens.prompt + answer.tokens.completion);
    }
    return {
      ...common,
      type: 'RemediationProposed',
      event_id: id,
      recorded_at: new Date(now()).toISOString(),
      proposal_id: id,
      job_name: failure.name,
      attempt: failure.attempt,
      ref: ctx.ref,
      sha: ctx.sha,
      failure_reason: failure.failure_reason,
      signature: ctx.signature,
      model: answer.model,
      ...answer.body,
      shadow: guards.shadow,
      tokens: answer.tokens,
      latency_ms: Math.max(0, Math.round(now() - started)),
      cost_usd: answer.cost_usd,
    };
  } catch (err) {
    if (opts.signal?.aborted) throw err; // shutting down: the failure is handled again after a restart
    if (guarded) guards.circuit.onFailure();
    if (err instanceof ProviderError) {
      if (guarded) guards.budget.recordTokens(failure.project_id, err.tokens.prompt + err.tokens.completion);
      return notProposed(err.reason, err.message);
    }
    return notProposed('provider_error', (err as Error).message ?? String(err));
  }
}
