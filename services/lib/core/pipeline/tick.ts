// Tick: the clock as a report. decide() never reads a clock; the timer (services/run/timer) sends a Tick with
// occurred_at = its now when one of the pipeline's due times has passed, and decide acts on every due time
// up to that instant — the same Tick decides the same events, in a replay too. Due times are on the decider's
// clock (the recorded_at of the events that started them, as GitLab's server times jobs), never the
// producer's: a runner whose clock is behind, or a backfill of old reports, does not time jobs out at once.
// From GitLab:
// - a scheduled (delayed) job is enqueued at its scheduled_at (Ci::Build enqueue_scheduled);
// - a running job fails with job_execution_timeout once its timeout has passed since it started (the job
//   timeout: the job's `timeout`, else the project default of one hour);
// - a job pending for a day fails with stuck_or_timeout_failure (Ci::StuckBuilds, BUILD_PENDING_OUTDATED_TIMEOUT).
import type { Tick } from '../events/generated.js';
import { reject, type Decision, type DecideContext } from './decision.js';
import { draftFrom, type Draft } from './draft.js';
import { enqueueJob } from './enqueue.js';
import { failJob } from './job-report.js';
import { accept } from './processing.js';
import { isObserved, jobDefinition, latestJobs, type JobState, type PipelineState } from './state.js';

/** GitLab's default job timeout (the project's, 60 minutes) when the job sets none. */
export const DEFAULT_TIMEOUT_S = 3600;
/** GitLab's BUILD_PENDING_OUTDATED_TIMEOUT: a job pending this long is dropped as stuck. */
export const STUCK_PENDING_S = 24 * 3600;

type Due = { job: JobState; at: number; action: 'enqueue' | 'timeout' | 'stuck' };

/** The due time of a latest job, if it has one (ms since the epoch). */
export function dueTime(state: PipelineState, job: JobState): Due | null {
  const at = (iso: string | null | undefined, plusS: number) => {
    const t = iso ? Date.parse(iso) : NaN;
    return Number.isFinite(t) ? t + plusS * 1000 : null;
  };
  let due: number | null = null;
  let action: Due['action'] = 'enqueue';
  if (job.status === 'scheduled') due = at(job.scheduled_at, 0);
  else if (job.status === 'running') {
    due = at(job.running_since ?? job.started_at, jobDefinition(state, job.name)?.timeout_s ?? DEFAULT_TIMEOUT_S);
    action = 'timeout';
  } else if (job.status === 'pending') {
    due = at(job.pending_since ?? job.enqueued_at, STUCK_PENDING_S);
    action = 'stuck';
  }
  return due === null ? null : { job, at: due, action };
}

/** The earliest due time of the pipeline (what the timer waits for), or null. */
export function nextDue(state: PipelineState): string | null {
  if (isObserved(state)) return null; // its CI times its jobs out, not Verity
  let min: number | null = null;
  for (const job of latestJobs(state)) {
    const due = dueTime(state, job);
    if (due && (min === null || due.at < min)) min = due.at;
  }
  return min === null ? null : new Date(min).toISOString();
}

export function tick(state: PipelineState, report: Tick, ctx: DecideContext): Decision {
  const now = Date.parse(report.occurred_at);
  const due = (isObserved(state) ? [] : latestJobs(state))
    .map((job) => dueTime(state, job))
    .filter((d): d is Due => d !== null && d.at <= now);
  if (due.length === 0) {
    return reject('nothing_due', `nothing of pipeline ${state.pipeline_id} is due at ${report.occurred_at}`, {
      next_due: nextDue(state),
    });
  }
  const draft = draftFrom(state, report, ctx);
  for (const d of due) act(draft, d);
  return accept(draft);
}

function act(draft: Draft, due: Due): void {
  switch (due.action) {
    case 'enqueue':
      return enqueueJob(draft, due.job);
    case 'timeout':
      return failJob(draft, due.job, { failure_reason: 'job_execution_timeout', exit_code: null });
    case 'stuck':
      return failJob(draft, due.job, { failure_reason: 'stuck_or_timeout_failure', exit_code: null });
  }
}
