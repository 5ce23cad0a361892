// The user's commands: cancel a pipeline, retry a job, play a manual job.
import type { CancelPipeline, PlayJob, RetryJob } from '../events/generated.js';
import { reject, type Decision, type DecideContext } from './decision.js';
import { draftFrom, elapsedMs, emit, jobRef, type Draft } from './draft.js';
import { accept, reopenDependents } from './processing.js';
import { findJob, jobDefinition, latestJobs, type JobState, type PipelineState } from './state.js';
import { transition, type JobStatus } from './status.js';

const RETRYABLE: readonly JobStatus[] = ['success', 'failed', 'canceled'];

/** Cancels every cancelable latest job: created, pending, running, and manual (GitLab's cancel event). */
export function cancelPipeline(state: PipelineState, report: CancelPipeline, ctx: DecideContext): Decision {
  const cancelable = latestJobs(state).filter((j) => transition(j.status, 'cancel') !== null);
  if (state.finished || cancelable.length === 0) {
    return reject('pipeline_finished', `pipeline ${state.pipeline_id} finished (${state.status}); nothing to cancel`, {
      status: state.status,
    });
  }
  const draft = draftFrom(state, report, ctx);
  for (const job of cancelable) {
    emit(draft, {
      type: 'JobCanceled',
      ...jobRef(job),
      duration_ms: job.started_at === null ? null : elapsedMs(job.started_at, report.occurred_at),
    });
  }
  return accept(draft);
}

/** A new attempt of a finished latest job; skipped jobs depending on it are re-opened. Re-opens a finished pipeline. */
export function retryJob(state: PipelineState, report: RetryJob, ctx: DecideContext): Decision {
  const job = findJob(state, report.job);
  if (!job)
    return reject('unknown_job', `pipeline ${state.pipeline_id} has no job "${report.job}"`, { job: report.job });
  const details = { job: job.job_id, name: job.name, attempt: job.attempt, status: job.status };
  if (job.retried) {
    return reject('not_retryable', `attempt ${job.attempt} of job "${job.name}" was already retried`, {
      ...details,
      retried: true,
    });
  }
  if (!RETRYABLE.includes(job.status)) {
    return reject(
      'not_retryable',
      `job "${job.name}" is ${job.status}; only ${RETRYABLE.join(', ')} jobs can be retried`,
      details,
    );
  }
  const draft = draftFrom(state, report, ctx);
  newAttempt(draft, job, false);
  reopenDependents(draft, job.name);
  return accept(draft);
}

/** Starts a manual job; skipped jobs depending on it are re-opened. Works on a finished pipeline too. */
export function playJob(state: PipelineState, report: PlayJob, ctx: DecideContext): Decision {
  const job = findJob(state, report.job);
  if (!job)
    return reject('unknown_job', `pipeline ${state.pipeline_id} has no job "${report.job}"`, { job: report.job });
  if (job.retried || job.status !== 'manual') {
    return reject(
      'not_playable',
      `job "${job.name}" (attempt ${job.attempt}) is ${job.retried ? 'retried' : job.status}, not manual`,
      {
        job: job.job_id,
        name: job.name,
        attempt: job.attempt,
        status: job.status,
        retried: job.retried,
      },
    );
  }
  const draft = draftFrom(state, report, ctx);
  emit(draft, { type: 'JobEnqueued', ...jobRef(job) });
  reopenDependents(draft, job.name);
  return accept(draft);
}

/**
 * JobRetried + JobCreated for attempt n+1 of the same name. A manual job's new attempt is enqueued at once:
 * retrying it is the user's action (GitLab's RetryJobService enqueues actionable jobs it retries).
 */
export function newAttempt(draft: Draft, job: JobState, automatic: boolean): void {
  const def = jobDefinition(draft.state, job.name);
  const next = { job_id: draft.ctx.newJobId(), name: job.name, attempt: job.attempt + 1 };
  emit(draft, { type: 'JobRetried', ...jobRef(job), new_job_id: next.job_id, new_attempt: next.attempt, automatic });
  const when = def?.when ?? job.when;
  emit(draft, {
    type: 'JobCreated',
    ...next,
    stage: def?.stage ?? job.stage,
    when,
    allow_failure: def?.allow_failure ?? job.allow_failure,
  });
  if (when === 'manual') emit(draft, { type: 'JobEnqueued', ...next });
}
