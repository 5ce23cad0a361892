// ReportJob: a producer says a job started, succeeded, failed or was canceled.
import type { ReportJob } from '../events/generated.js';
import { newAttempt } from './commands.js';
import { reject, type Decision, type DecideContext } from './decision.js';
import { draftFrom, elapsedMs, emit, jobRef, type Draft } from './draft.js';
import { accept } from './processing.js';
import { shouldAutoRetry } from './retry.js';
import { findJob, jobDefinition, type JobState, type PipelineState } from './state.js';
import { mapFailureReason, REPORTED_TRANSITION, transition } from './status.js';

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
  if (transition(job.status, REPORTED_TRANSITION[report.status]) === null) {
    return reject('illegal_transition', `job "${job.name}" cannot go from ${job.status} to ${report.status}`, details);
  }
  const draft = draftFrom(state, report, ctx);
  const ref = jobRef(job);
  switch (report.status) {
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

/** JobFailed, then an automatic retry when the job's retry policy covers the failure. */
function failJob(draft: Draft, job: JobState, report: ReportJob): void {
  const reason = mapFailureReason(report.failure_reason);
  emit(draft, {
    type: 'JobFailed',
    ...jobRef(job),
    ...reason,
    exit_code: report.exit_code,
    allow_failure: job.allow_failure,
    duration_ms: elapsedMs(job.started_at, report.occurred_at),
    log: report.log,
    log_excerpt: report.log_excerpt ?? '',
  });
  const policy = jobDefinition(draft.state, job.name)?.retry;
  const attempts = Object.values(draft.state.jobs).filter((j) => j.name === job.name).length;
  if (policy && shouldAutoRetry(policy, reason.failure_reason, attempts)) newAttempt(draft, job, true);
}
