// The user's commands: cancel a pipeline or a job, retry a job or a whole pipeline, play a manual (or
// delayed) job, unschedule a delayed one.
import type {
  CancelJob,
  CancelPipeline,
  PlayJob,
  RetryJob,
  RetryPipeline,
  UnscheduleJob,
} from '../events/generated.js';
import { reject, type Decision, type DecideContext } from './decision.js';
import { draftFrom, elapsedMs, emit, jobRef, type Draft } from './draft.js';
import { enqueueJob } from './enqueue.js';
import { accept, reopenDependents } from './processing.js';
import { findJob, jobDefinition, latestJobs, type JobState, type PipelineState } from './state.js';
import { isCancelableByPipeline, transition, type JobStatus } from './status.js';

const RETRYABLE: readonly JobStatus[] = ['success', 'failed', 'canceled'];

/**
 * Cancels every cancelable latest job (GitLab's Ci::CancelPipelineService takes CANCELABLE_STATUSES): created,
 * waiting_for_resource, preparing, pending, running and scheduled. A manual job stays manual, so a pipeline
 * blocked on one stays blocked (gitlab#19273); it can still be played, or canceled on its own (CancelJob).
 */
export function cancelPipeline(state: PipelineState, report: CancelPipeline, ctx: DecideContext): Decision {
  const cancelable = latestJobs(state).filter((j) => isCancelableByPipeline(j.status));
  if (cancelable.length === 0) {
    return reject(
      'pipeline_finished',
      `pipeline ${state.pipeline_id} has no cancelable job (${state.status}); nothing to cancel`,
      { status: state.status },
    );
  }
  const draft = draftFrom(state, report, ctx);
  for (const job of cancelable) emitCanceled(draft, job);
  return accept(draft);
}

/** Cancels one job: any cancelable status, a manual job and a canceling one (GitLab's cancel event). */
export function cancelJob(state: PipelineState, report: CancelJob, ctx: DecideContext): Decision {
  const job = findJob(state, report.job);
  if (!job)
    return reject('unknown_job', `pipeline ${state.pipeline_id} has no job "${report.job}"`, { job: report.job });
  if (job.retried || transition(job.status, 'cancel') === null) {
    return reject(
      'not_cancelable',
      `job "${job.name}" (attempt ${job.attempt}) is ${job.retried ? 'retried' : job.status}; it cannot be canceled`,
      { job: job.job_id, name: job.name, attempt: job.attempt, status: job.status, retried: job.retried },
    );
  }
  const draft = draftFrom(state, report, ctx);
  emitCanceled(draft, job);
  return accept(draft);
}

function emitCanceled(draft: Draft, job: JobState): void {
  emit(draft, {
    type: 'JobCanceled',
    ...jobRef(job),
    duration_ms: job.started_at === null ? null : elapsedMs(job.started_at, draft.report.occurred_at),
  });
}

/**
 * Retries a pipeline (GitLab's RetryPipelineService): every failed or canceled latest job gets a new attempt,
 * and the skipped jobs depending on them are re-opened. Re-opens a finished pipeline.
 */
export function retryPipeline(state: PipelineState, report: RetryPipeline, ctx: DecideContext): Decision {
  const retryable = latestJobs(state).filter((j) => j.status === 'failed' || j.status === 'canceled');
  if (retryable.length === 0) {
    return reject('not_retryable', `pipeline ${state.pipeline_id} has no failed or canceled job to retry`, {
      status: state.status,
    });
  }
  const draft = draftFrom(state, report, ctx);
  for (const job of retryable) newAttempt(draft, job, false);
  for (const job of retryable) reopenDependents(draft, job.name);
  return accept(draft);
}

/** scheduled → manual: the delayed job waits to be played (GitLab's unschedule). */
export function unscheduleJob(state: PipelineState, report: UnscheduleJob, ctx: DecideContext): Decision {
  const job = findJob(state, report.job);
  if (!job)
    return reject('unknown_job', `pipeline ${state.pipeline_id} has no job "${report.job}"`, { job: report.job });
  if (job.retried || transition(job.status, 'unschedule') === null) {
    return reject(
      'not_scheduled',
      `job "${job.name}" (attempt ${job.attempt}) is ${job.retried ? 'retried' : job.status}, not scheduled`,
      { job: job.job_id, name: job.name, attempt: job.attempt, status: job.status, retried: job.retried },
    );
  }
  const draft = draftFrom(state, report, ctx);
  emit(draft, { type: 'JobUnscheduled', ...jobRef(job) });
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

/**
 * Starts a manual job, or a delayed one before it is due (GitLab's play of a scheduled job), with the
 * variables given for this run; skipped jobs depending on it are re-opened. Works on a finished pipeline too.
 */
export function playJob(state: PipelineState, report: PlayJob, ctx: DecideContext): Decision {
  const job = findJob(state, report.job);
  if (!job)
    return reject('unknown_job', `pipeline ${state.pipeline_id} has no job "${report.job}"`, { job: report.job });
  if (job.retried || (job.status !== 'manual' && job.status !== 'scheduled')) {
    return reject(
      'not_playable',
      `job "${job.name}" (attempt ${job.attempt}) is ${job.retried ? 'retried' : job.status}, not manual or scheduled`,
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
  // Keys only: a record written before variable_keys existed may still carry the values; they go no further.
  enqueueJob(draft, job, report.variable_keys ?? report.variables?.map((v) => v.key) ?? []);
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
  if (when === 'manual') enqueueJob(draft, draft.state.jobs[next.job_id]!);
}
