// Canonical events of small, valid pipelines for tests that write the pipeline events topic directly.
import { randomUUID } from 'node:crypto';
import { exampleEvents } from '../../services/lib/core/events/examples.js';
import type { PipelineEvent } from '../../services/lib/core/events/generated.js';

export const SHA = 'e1b2c3d4e5f60718293a4b5c6d7e8f9012345678';

/** A pipeline of 7 events (one job, success); `common` goes into every event (e.g. its project). */
export function pipelineEvents(pipelineId: string, common: Record<string, unknown> = {}): PipelineEvent[] {
  const jobId = randomUUID();
  const of = (type: PipelineEvent['type'], seq: number, patch: Record<string, unknown> = {}): PipelineEvent => {
    const example = exampleEvents.find((e) => e.type === type)!;
    const job = 'job_id' in example ? { job_id: jobId } : {};
    return {
      ...example,
      pipeline_id: pipelineId,
      event_id: randomUUID(),
      seq,
      ...job,
      ...common,
      ...patch,
    } as PipelineEvent;
  };
  return [
    of('PipelineCreated', 1, { sha: SHA }),
    of('JobCreated', 2),
    of('JobEnqueued', 3),
    of('JobStarted', 4),
    of('PipelineStatusChanged', 5, { from: 'pending', to: 'running' }),
    of('JobSucceeded', 6),
    of('PipelineFinished', 7, { status: 'success' }),
  ];
}
