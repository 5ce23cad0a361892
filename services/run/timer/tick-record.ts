// Pure: the Tick intake record the timer sends for a due pipeline — the envelope of every intake record, with the
// timer's clock as both occurred_at and received_at (decide acts on every due time up to occurred_at). A fresh
// UUIDv7 per Tick is its report id and, as ingest does for a request that names none, its correlation id.
import type { Tick } from '../../lib/core/events/generated.js';
import { internalEnvelope } from '../../lib/core/events/internal-envelope.js';
import type { Due } from './due-book.js';

/** The producer name of the timer's records (record field and `producer` header). */
export const TIMER_PRODUCER = 'timer';

export function tickRecord(due: Pick<Due, 'pipelineId' | 'projectId'>, now: string, reportId: string): Tick {
  return {
    type: 'Tick',
    ...internalEnvelope({
      reportId,
      pipelineId: due.pipelineId,
      projectId: due.projectId,
      occurredAt: now,
      producer: TIMER_PRODUCER,
      correlationId: reportId,
    }),
  };
}
