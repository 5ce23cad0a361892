// An imported observation as ObservePipeline intake records, in the envelope the webhook routes give theirs
// (producer `<system>:<connection>`, occurred_at = the latest time the observation gives), at most 500 jobs a
// record. The report ids are deterministic — UUIDv5 of the connection, the pipeline's id there, its updated_at
// and the part — so importing the same pipeline twice names the same reports (the decider keeps one), and a
// pipeline that changed since gets new ones (which it then takes, or drops as stale observations).
import { v5 as uuidv5 } from 'uuid';
import type { ObservePipeline } from '../../lib/core/events/generated.js';
import type { Observation } from '../../lib/core/observed/ids.js';
import type { Connection } from '../../lib/platform/connections/connection.js';

/** Namespace of imported observations' report ids (a fixed random UUID). */
export const IMPORT_NAMESPACE = '3c9a5e71-0d24-4b8f-9e16-7a2b5c4d8f03';
/** ObservePipeline's jobs maxItems. */
const MAX_JOBS = 500;

export function importReportId(connection: string, externalId: string, updatedAt: string, part: number): string {
  return uuidv5(`${connection}\n${externalId}\n${updatedAt}\n${part}`, IMPORT_NAMESPACE);
}

export const importProducer = (c: Connection) => `${c.system}:${c.name}`.slice(0, 255);

export function observeRecords(
  c: Connection,
  o: Observation,
  updatedAt: string,
  receivedAt = new Date().toISOString(),
): ObservePipeline[] {
  const parts: Observation['jobs'][] = [];
  for (let i = 0; i < o.jobs.length; i += MAX_JOBS) parts.push(o.jobs.slice(i, i + MAX_JOBS));
  if (parts.length === 0) parts.push([]);
  return parts.map((jobs, part) => {
    const reportId = importReportId(c.name, o.external.id, updatedAt, part);
    return {
      type: 'ObservePipeline',
      report_id: reportId,
      project_id: c.project,
      occurred_at: o.pipeline?.observed_at ?? updatedAt,
      received_at: receivedAt,
      idempotency_key: null,
      producer: importProducer(c),
      correlation_id: reportId,
      ...o,
      jobs,
    };
  });
}
