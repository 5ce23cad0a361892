// A coordinator's report → the intake record the pipeline's decider reads from ci.intake.v1, with the
// envelope ingest would give it: producer 'coordinator', no idempotency key, the correlation id of the
// coordination record that caused it, and that record's recorded_at as occurred_at and received_at (time is
// data: the same input gives the same records but for their report ids).
import type { AssignResource, AutoCancel, CoordinationEvent } from '../events/generated.js';
import { internalEnvelope } from '../events/internal-envelope.js';
import type { CoordinationReport } from './state.js';

export const COORDINATOR_PRODUCER = 'coordinator';

export function intakeRecord(
  report: CoordinationReport,
  cause: CoordinationEvent,
  reportId: string,
): AssignResource | AutoCancel {
  const envelope = internalEnvelope({
    reportId,
    pipelineId: report.pipeline_id,
    projectId: report.project_id,
    occurredAt: cause.recorded_at,
    producer: COORDINATOR_PRODUCER,
    correlationId: cause.correlation_id,
  });
  if (report.type === 'AssignResource')
    return { type: 'AssignResource', ...envelope, job: report.job, resource_group: report.resource_group };
  return { type: 'AutoCancel', ...envelope, by_pipeline_id: report.by_pipeline_id };
}
