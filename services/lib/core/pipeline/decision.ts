// What decide returns, and what it needs from the outside world (clock and ids) to stay pure.
import type { PipelineEvent } from '../events/generated.js';

export interface DecideContext {
  /** Decider clock, ISO 8601: the recorded_at of every event of the decision. */
  now: string;
  /** A fresh UUID (v7 in production) for each event. */
  newEventId(): string;
  /** A fresh UUID for each new job attempt. */
  newJobId(): string;
}

export const REJECTION_CODES = [
  'invalid_definition',
  'pipeline_exists',
  'unknown_pipeline',
  'unknown_job',
  'illegal_transition',
  'pipeline_finished',
  'not_retryable',
  'not_playable',
  'not_cancelable',
  'not_scheduled',
  'nothing_due',
  'duplicate_report',
  'project_mismatch',
  // Observed pipelines (observe.ts): its CI decides, so Verity's commands do not apply; a webhook for a
  // pipeline Verity decides is refused; an observation behind what the pipeline shows is dropped.
  'observed_pipeline',
  'not_observed',
  'stale_observation',
] as const;
export type RejectionCode = (typeof REJECTION_CODES)[number];

export interface Accepted {
  kind: 'accepted';
  events: PipelineEvent[];
}

export interface Rejected {
  kind: 'rejected';
  code: RejectionCode;
  message: string;
  details: Record<string, unknown>;
}

export type Decision = Accepted | Rejected;

export function reject(code: RejectionCode, message: string, details: Record<string, unknown> = {}): Rejected {
  return { kind: 'rejected', code, message, details };
}
