// What a remediation provider must answer, and the context it is given. The answer's JSON schema is
// cut from the RemediationProposed event schema (schemas/ci.remediation.events.v1), so a provider can
// never produce a field, category or action the event does not allow: one contract, no drift.
import type { RemediationProposed } from '../events/generated.js';
import proposed from '../../../../schemas/ci.remediation.events.v1/RemediationProposed.v1.json' with { type: 'json' };

export type Category = RemediationProposed['category'];
export type ActionKind = RemediationProposed['suggested_action']['kind'];
export type EvidenceRange = RemediationProposed['evidence'][number];

/** The part of a proposal a provider decides. */
export interface ProposalBody {
  category: Category;
  root_cause: string;
  evidence: EvidenceRange[];
  suggested_action: { kind: ActionKind; summary: string };
  confidence: number;
}

const ANSWER_FIELDS = ['category', 'root_cause', 'evidence', 'suggested_action', 'confidence'] as const;
const props = proposed.properties as Record<string, unknown>;

/** JSON schema of a provider's answer (strict: no other field). */
export const PROPOSAL_BODY_SCHEMA = {
  type: 'object',
  additionalProperties: false,
  required: [...ANSWER_FIELDS],
  properties: Object.fromEntries(ANSWER_FIELDS.map((f) => [f, props[f]])),
} as const;

export const CATEGORIES: readonly Category[] = (props.category as { enum: Category[] }).enum;
export const ACTION_KINDS: readonly ActionKind[] = (
  props.suggested_action as { properties: { kind: { enum: ActionKind[] } } }
).properties.kind.enum;

/** One earlier attempt of the same job name on the same project and ref (newest first). */
export interface HistoryEntry {
  job_id: string;
  pipeline_id: string;
  sha: string;
  attempt: number;
  status: string;
  failure_reason: string | null;
  finished_at: string | null;
}

/** An earlier failure with the same signature, and what its proposal was and how it scored. */
export interface SimilarFailure {
  job_id: string;
  job_name: string;
  category: Category | null;
  label: 'correct' | 'incorrect' | 'expired' | null;
  failed_at: string;
}

/** Everything a provider sees about one failure. The log is untrusted data, redacted and sanitised. */
export interface RemediationContext {
  project_id: string;
  pipeline_id: string;
  job_id: string;
  job_name: string;
  stage: string | null;
  attempt: number;
  ref: string | null;
  sha: string | null;
  failure_reason: string;
  exit_code: number | null;
  allow_failure: boolean;
  /** The job's definition as created (when, needs, allow_failure, retry), if known. */
  definition: Record<string, unknown> | null;
  /** The whole log, sanitised and redacted, split in lines (line i is log_lines[i - 1]). */
  log_lines: readonly string[];
  signature: string;
  history: HistoryEntry[];
  similar: SimilarFailure[];
}

export interface ProviderAnswer {
  body: ProposalBody;
  model: string | null;
  tokens: { prompt: number; completion: number };
  cost_usd: number;
}

/** A remediation provider: heuristic (offline baseline) or an LLM behind an OpenAI-compatible API. */
export interface RemediationProvider {
  readonly name: string;
  readonly promptVersion: string;
  /**
   * Runs in-process, offline, at no cost (the heuristic): budgets and the circuit breaker, which bound model calls, do
   * not apply.
   */
  readonly local?: boolean;
  propose(ctx: RemediationContext, signal?: AbortSignal): Promise<ProviderAnswer>;
}
