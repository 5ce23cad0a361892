// The envelope of an intake record Verity writes itself, not through ingest (the timer's Ticks, the
// coordinator's reports, a decider's records for other pipelines): no idempotency key — it is written once,
// in the transaction or send that decides it — and received_at the same instant as occurred_at unless given.
import type { IntakeEvent } from './generated.js';

/** The fields every intake record carries besides its type and body. */
export type IntakeEnvelope = Pick<
  IntakeEvent,
  | 'report_id'
  | 'pipeline_id'
  | 'project_id'
  | 'occurred_at'
  | 'received_at'
  | 'idempotency_key'
  | 'producer'
  | 'correlation_id'
>;

export function internalEnvelope(o: {
  reportId: string;
  pipelineId: string;
  projectId: string;
  occurredAt: string;
  /** Default: occurredAt. */
  receivedAt?: string;
  producer: string;
  correlationId: string;
}): IntakeEnvelope {
  return {
    report_id: o.reportId,
    pipeline_id: o.pipelineId,
    project_id: o.projectId,
    occurred_at: o.occurredAt,
    received_at: o.receivedAt ?? o.occurredAt,
    idempotency_key: null,
    producer: o.producer,
    correlation_id: o.correlationId,
  };
}
