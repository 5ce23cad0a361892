// A coordinator's report → the intake record the pipeline's decider reads from ci.intake.v1, with the
// envelope ingest would give it: producer 'coordinator', no idempotency key, the correlation id of the
// coordination record that caused it, and that record's recorded_at as occurred_at and received_at (time is
// data: the same input gives the same records but for their report ids).
import type { AssignResource, AutoCancel, CoordinationEvent } from '../events/generated.js';
import type { CoordinationReport } from './state.js';

export const COORDINATOR_PRODUCER = 'coordinator';

export function intakeRecord(
  report: CoordinationReport,
  cause: CoordinationEvent,
  reportId: string,
): AssignResource | AutoCancel {
  const envelope = {
    report_id: reportId,
    pipeline_id: report.pipeline_id,
    project_id: report.project_id,
    occurred_at: cause.recorded_at,
    received_at: cause.recorded_at,
    idempotency_key: null,
    producer: COORDINATOR_PRODUCER,
    correlation_id: cause.correlation_id,
  };
  if (report.type === 'AssignResource')
    return { type: 'AssignResource', ...envelope, job: report.job, resource_group: report.resource_group };
  return { type: 'AutoCancel', ...envelope, by_pipeline_id: report.by_pipeline_id };
}
