// Reports from outside the pipeline, decided like any other: the coordinator granting a resource group's
// resource (AssignResource) or declaring the pipeline redundant (AutoCancel), and a downstream pipeline's
// decider announcing how it finished (DownstreamStatus). The decisions that span pipelines are the
// coordinator's; what each means for this pipeline is decided here.
import type { AssignResource, AutoCancel, DownstreamStatus } from '../events/generated.js';
import { reject, type Decision, type DecideContext } from './decision.js';
import { draftFrom, elapsedMs, emit, jobRef } from './draft.js';
import { failJob } from './job-report.js';
import { accept } from './processing.js';
import { findJob, jobDefinition, latestJobs, type JobState, type PipelineState } from './state.js';
import { isCancelableByPipeline } from './status.js';

const details = (job: JobState) => ({
  job: job.job_id,
  name: job.name,
  attempt: job.attempt,
  status: job.status,
  retried: job.retried,
});

/** waiting_for_resource → pending: the job holds its group's resource now (Ci::Processable enqueue_waiting_for_resource). */
export function assignResource(state: PipelineState, report: AssignResource, ctx: DecideContext): Decision {
  const job = findJob(state, report.job);
  if (!job)
    return reject('unknown_job', `pipeline ${state.pipeline_id} has no job "${report.job}"`, { job: report.job });
  if (job.retried || job.status !== 'waiting_for_resource') {
    return reject('illegal_transition', `job "${job.name}" is ${job.status}, not waiting for resource`, {
      ...details(job),
      from: job.status,
      to: 'pending',
    });
  }
  const draft = draftFrom(state, report, ctx);
  emit(draft, { type: 'JobEnqueued', ...jobRef(job) });
  return accept(draft);
}

const interruptible = (state: PipelineState, job: JobState) => jobDefinition(state, job.name)?.interruptible === true;

/**
 * A newer pipeline on the same ref made this one redundant. What is canceled follows this pipeline's own
 * workflow:auto_cancel:on_new_commit (GitLab's CancelRedundantPipelinesService): conservative (the default)
 * cancels every cancelable job unless a job that is not interruptible has started; interruptible cancels only
 * the interruptible jobs; none cancels nothing.
 */
export function autoCancel(state: PipelineState, report: AutoCancel, ctx: DecideContext): Decision {
  const policy = state.definition.workflow?.auto_cancel?.on_new_commit ?? 'conservative';
  if (state.finished)
    return reject('pipeline_finished', `pipeline ${state.pipeline_id} finished (${state.status})`, { policy });
  const cancelable = latestJobs(state).filter((j) => isCancelableByPipeline(j.status));
  let targets: JobState[];
  if (policy === 'none') targets = [];
  else if (policy === 'interruptible') targets = cancelable.filter((j) => interruptible(state, j));
  else {
    const started = Object.values(state.jobs).find((j) => j.started_at !== null && !interruptible(state, j));
    if (started) {
      return reject('not_cancelable', `job "${started.name}" is not interruptible and has started`, {
        policy,
        started: started.name,
      });
    }
    targets = cancelable;
  }
  if (targets.length === 0)
    return reject('not_cancelable', `workflow:auto_cancel:on_new_commit is ${policy}: nothing to cancel`, { policy });
  const draft = draftFrom(state, report, ctx);
  for (const job of targets) {
    emit(draft, {
      type: 'JobCanceled',
      ...jobRef(job),
      duration_ms: job.started_at === null ? null : elapsedMs(job.started_at, report.occurred_at),
      auto_canceled_by: report.by_pipeline_id,
    });
  }
  return accept(draft);
}

/**
 * The downstream pipeline of a trigger job with strategy: depend finished: the trigger job inherits its status
 * (GitLab's Ci::Bridge#inherit_status_from_downstream!: success → success, canceled → canceled, failed or
 * skipped → failed). Statuses before the end change nothing; only a finished pipeline is announced.
 */
export function downstreamStatus(state: PipelineState, report: DownstreamStatus, ctx: DecideContext): Decision {
  const job = findJob(state, report.job);
  if (!job)
    return reject('unknown_job', `pipeline ${state.pipeline_id} has no job "${report.job}"`, { job: report.job });
  const mirrors =
    !job.retried &&
    job.status === 'running' &&
    job.downstream_pipeline_id === report.downstream_pipeline_id &&
    jobDefinition(state, job.name)?.trigger?.strategy === 'depend';
  const final = ['success', 'canceled', 'failed', 'skipped'].includes(report.status);
  if (!mirrors || !report.finished || !final) {
    return reject(
      'illegal_transition',
      `job "${job.name}" does not mirror pipeline ${report.downstream_pipeline_id} finishing ${report.status}`,
      { ...details(job), from: job.status, to: report.status, downstream_pipeline_id: report.downstream_pipeline_id },
    );
  }
  const draft = draftFrom(state, report, ctx);
  const ref = jobRef(job);
  if (report.status === 'success')
    emit(draft, { type: 'JobSucceeded', ...ref, duration_ms: elapsedMs(job.started_at, report.occurred_at) });
  else if (report.status === 'canceled')
    emit(draft, { type: 'JobCanceled', ...ref, duration_ms: elapsedMs(job.started_at, report.occurred_at) });
  else failJob(draft, job, { failure_reason: `downstream_pipeline_${report.status}`, exit_code: null });
  return accept(draft);
}
