// ReportJob: a producer says a job started, succeeded, failed, is being canceled or was canceled.
import type { ReportJob } from '../events/generated.js';
import { newAttempt } from './commands.js';
import { reject, type Decision, type DecideContext } from './decision.js';
import { draftFrom, elapsedMs, emit, jobRef, type Draft } from './draft.js';
import { accept } from './processing.js';
import { shouldAutoRetry } from './retry.js';
import { findJob, jobDefinition, latestJobs, type JobState, type PipelineState } from './state.js';
import { isCancelableByPipeline, mapFailureReason, REPORTED_TRANSITION, transition } from './status.js';

export function reportJob(state: PipelineState, report: ReportJob, ctx: DecideContext): Decision {
  if (state.finished) {
    return reject(
      'pipeline_finished',
      `pipeline ${state.pipeline_id} finished (${state.status}); retry a job to re-open it`,
      {
        job: report.job,
        status: state.status,
      },
    );
  }
  const job = findJob(state, report.job);
  if (!job)
    return reject('unknown_job', `pipeline ${state.pipeline_id} has no job "${report.job}"`, { job: report.job });
  const details = { job: job.job_id, name: job.name, attempt: job.attempt, from: job.status, to: report.status };
  if (job.retried) {
    return reject(
      'illegal_transition',
      `attempt ${job.attempt} of job "${job.name}" was retried; report on its latest attempt`,
      { ...details, retried: true },
    );
  }
  const to = transition(job.status, REPORTED_TRANSITION[report.status]);
  if (to === null) {
    return reject('illegal_transition', `job "${job.name}" cannot go from ${job.status} to ${report.status}`, details);
  }
  const draft = draftFrom(state, report, ctx);
  const ref = jobRef(job);
  // A job being canceled ends canceled whatever its runner reports last (GitLab: canceling → canceled).
  switch (to === 'canceled' ? 'canceled' : report.status) {
    case 'running':
      if (report.runner_id === null || report.runner_id === '') {
        return reject('illegal_transition', `job "${job.name}" cannot start without a runner_id`, {
          ...details,
          missing: 'runner_id',
        });
      }
      emit(draft, {
        type: 'JobStarted',
        ...ref,
        runner_id: report.runner_id,
        queued_ms: elapsedMs(job.enqueued_at, report.occurred_at),
      });
      break;
    case 'success':
      emit(draft, { type: 'JobSucceeded', ...ref, duration_ms: elapsedMs(job.started_at, report.occurred_at) });
      break;
    case 'failed':
      failJob(draft, job, report);
      break;
    case 'canceling':
      emit(draft, { type: 'JobCanceling', ...ref });
      break;
    case 'canceled':
      emit(draft, {
        type: 'JobCanceled',
        ...ref,
        duration_ms: job.started_at === null ? null : elapsedMs(job.started_at, report.occurred_at),
      });
      break;
  }
  return accept(draft);
}

/**
 * JobFailed, then an automatic retry when the job's retry policy covers the failure. A job with
 * `allow_failure: exit_codes` may fail only with one of those exit codes (GitLab's allow_failure:exit_codes).
 */
export function failJob(
  draft: Draft,
  job: JobState,
  failure: Pick<ReportJob, 'failure_reason' | 'exit_code'> & Partial<Pick<ReportJob, 'log' | 'log_excerpt'>>,
): void {
  const reason = mapFailureReason(failure.failure_reason);
  const def = jobDefinition(draft.state, job.name);
  const allowedCodes = def?.allow_failure_exit_codes;
  const allowFailure =
    allowedCodes === undefined
      ? job.allow_failure
      : failure.exit_code !== null && allowedCodes.includes(failure.exit_code);
  emit(draft, {
    type: 'JobFailed',
    ...jobRef(job),
    ...reason,
    exit_code: failure.exit_code,
    allow_failure: allowFailure,
    duration_ms: elapsedMs(job.started_at, draft.report.occurred_at),
    log: failure.log ?? null,
    log_excerpt: failure.log_excerpt ?? '',
  });
  const policy = def?.retry;
  const attempts = Object.values(draft.state.jobs).filter((j) => j.name === job.name).length;
  if (policy && shouldAutoRetry(policy, reason.failure_reason, failure.exit_code, attempts))
    newAttempt(draft, job, true);
  else if (!allowFailure && draft.state.definition.workflow?.auto_cancel?.on_job_failure === 'all')
    cancelTheRest(draft, job);
}

/** workflow:auto_cancel:on_job_failure: all — a job failed: cancel the pipeline's other cancelable jobs (GitLab). */
function cancelTheRest(draft: Draft, failed: JobState): void {
  for (const job of latestJobs(draft.state)) {
    if (job.job_id === failed.job_id || !isCancelableByPipeline(job.status)) continue;
    emit(draft, {
      type: 'JobCanceled',
      ...jobRef(job),
      duration_ms: job.started_at === null ? null : elapsedMs(job.started_at, draft.report.occurred_at),
      auto_canceled_by: draft.state.pipeline_id,
    });
  }
}
