// The AttachJobLog intake record Verity writes itself for an observed failed job (the fetcher, the import),
// in the envelope of records Verity writes itself (core/events/internal-envelope.ts). Its report id is derived
// from the job attempt alone — UUIDv5 of Verity's job id — so every fetch of one job's log, by the fetcher
// again after a restart or by an import that also fetched it, names the same report, and the decider keeps one.
import { v5 as uuidv5 } from 'uuid';
import type { AttachJobLog } from '../../core/events/generated.js';
import { internalEnvelope } from '../../core/events/internal-envelope.js';
import type { JobLogResult } from './job-log.js';

/** Namespace of the report ids of fetched logs (a fixed random UUID; changing it renames every such report). */
export const ATTACH_NAMESPACE = 'b4e0f7a2-93c1-4d5e-a6b8-2f1c0d9e8a7b';

export function attachReportId(job: string): string {
  return uuidv5(`${job}\nlog`, ATTACH_NAMESPACE);
}

export function attachJobLogRecord(o: {
  pipelineId: string;
  projectId: string;
  job: string;
  /** When the log was fetched (or given up on). */
  at: string;
  producer: string;
  /** The correlation of what the job's failure came from (the JobFailed's), else the report's own id. */
  correlationId?: string;
  result: JobLogResult;
}): AttachJobLog {
  const reportId = attachReportId(o.job);
  return {
    type: 'AttachJobLog',
    ...internalEnvelope({
      reportId,
      pipelineId: o.pipelineId,
      projectId: o.projectId,
      occurredAt: o.at,
      producer: o.producer,
      correlationId: o.correlationId ?? reportId,
    }),
    job: o.job,
    log: o.result.log,
    log_excerpt: o.result.log_excerpt,
    fetch_error: o.result.fetch_error,
  };
}
