// The order of an observed job's statuses (issue 14): webhooks arrive late, twice and out of order, so an
// observation applies only when it is ahead of what the job already shows, by (progress of the status,
// the payload's latest timestamp, the attempt number, the status name). That is a total order, so the observation a job ends
// with is the greatest one whatever order they arrived in: applying them is order-insensitive.
import type { JobStatus } from './status.js';

/** How far along a job is; a job never moves to a lower rank (running after success is stale). */
const PROGRESS: Readonly<Record<JobStatus, number>> = {
  created: 0,
  manual: 1,
  scheduled: 1,
  waiting_for_resource: 2,
  preparing: 3,
  pending: 4,
  running: 5,
  canceling: 6,
  success: 7,
  failed: 7,
  canceled: 7,
  skipped: 7,
};

export function progress(status: JobStatus): number {
  return PROGRESS[status];
}

export interface ObservationKey {
  status: JobStatus;
  /** ISO 8601; compared as instants. */
  observedAt: string | null;
  /** A later attempt number for the same job (a Job Hook's retries_count after a Pipeline Hook's guess). */
  attempt?: number;
}

const instant = (t: string | null): number => {
  const ms = t === null ? NaN : Date.parse(t);
  return Number.isFinite(ms) ? ms : -Infinity;
};

/** < 0, 0 or > 0 as observation `a` is behind, the same as, or ahead of `b`. */
export function compareObservations(a: ObservationKey, b: ObservationKey): number {
  return (
    PROGRESS[a.status] - PROGRESS[b.status] ||
    Math.sign(instant(a.observedAt) - instant(b.observedAt)) ||
    (a.attempt ?? 0) - (b.attempt ?? 0) ||
    (a.status < b.status ? -1 : a.status > b.status ? 1 : 0)
  );
}
