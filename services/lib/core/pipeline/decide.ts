// decide(state, report, ctx) → Decision: checks one intake report against the pipeline's state and
// GitLab's state machine and answers with the canonical events it leads to, or a rejection. Pure.
import type { CreatePipeline, IntakeEvent } from '../events/generated.js';
import { cancelJob, cancelPipeline, playJob, retryJob, retryPipeline, unscheduleJob } from './commands.js';
import { reject, type Decision, type DecideContext } from './decision.js';
import { validatePipeline } from './validate-pipeline.js';
import { draftCreating, emit } from './draft.js';
import { reportJob } from './job-report.js';
import { accept } from './processing.js';
import { attachJobLog, observePipeline } from './observe.js';
import { isObserved, type PipelineState } from './state.js';
import { tick } from './tick.js';
import { assignResource, autoCancel, downstreamStatus } from './cross-pipeline.js';

export function decide(state: PipelineState | null, report: IntakeEvent, ctx: DecideContext): Decision {
  if (state === null) {
    if (report.type === 'CreatePipeline') return createPipeline(report, ctx);
    if (report.type === 'ObservePipeline') return observePipeline(null, report, ctx);
    return reject('unknown_pipeline', `pipeline ${report.pipeline_id} does not exist`, {
      pipeline_id: report.pipeline_id,
    });
  }
  if (state.recent_reports.includes(report.report_id)) {
    return reject('duplicate_report', `report ${report.report_id} was already decided`, {
      report_id: report.report_id,
    });
  }
  if (report.pipeline_id !== state.pipeline_id) {
    // The caller looked up the wrong state: nothing is known about the pipeline the report names.
    return reject('unknown_pipeline', `pipeline ${report.pipeline_id} does not exist`, {
      pipeline_id: report.pipeline_id,
      state_pipeline_id: state.pipeline_id,
    });
  }
  if (report.project_id !== state.project_id) {
    return reject(
      'project_mismatch',
      `pipeline ${state.pipeline_id} belongs to project ${state.project_id}, not ${report.project_id}`,
      {
        expected: state.project_id,
        actual: report.project_id,
      },
    );
  }
  if (isObserved(state) && report.type !== 'ObservePipeline' && report.type !== 'AttachJobLog') {
    return reject(
      'observed_pipeline',
      `pipeline ${state.pipeline_id} is owned by ${state.external?.system ?? 'its CI'}; Verity only records it`,
      {
        type: report.type,
      },
    );
  }
  switch (report.type) {
    case 'ObservePipeline':
      return observePipeline(state, report, ctx);
    case 'AttachJobLog':
      return attachJobLog(state, report, ctx);
    case 'CreatePipeline':
      return reject('pipeline_exists', `pipeline ${state.pipeline_id} already exists`, {
        pipeline_id: state.pipeline_id,
      });
    case 'ReportJob':
      return reportJob(state, report, ctx);
    case 'CancelPipeline':
      return cancelPipeline(state, report, ctx);
    case 'RetryJob':
      return retryJob(state, report, ctx);
    case 'PlayJob':
      return playJob(state, report, ctx);
    case 'CancelJob':
      return cancelJob(state, report, ctx);
    case 'RetryPipeline':
      return retryPipeline(state, report, ctx);
    case 'UnscheduleJob':
      return unscheduleJob(state, report, ctx);
    case 'Tick':
      return tick(state, report, ctx);
    case 'AssignResource':
      return assignResource(state, report, ctx);
    case 'AutoCancel':
      return autoCancel(state, report, ctx);
    case 'DownstreamStatus':
      return downstreamStatus(state, report, ctx);
  }
}

function createPipeline(report: CreatePipeline, ctx: DecideContext): Decision {
  const errors = validatePipeline(report.definition, report.project_id);
  if (errors.length > 0) {
    return reject(
      'invalid_definition',
      `the pipeline definition has ${errors.length} error(s): ${errors.map((e) => `${e.pointer}: ${e.message}`).join('; ')}`,
      { errors },
    );
  }
  const draft = draftCreating(report, ctx, {
    type: 'PipelineCreated',
    ref: report.ref,
    sha: report.sha,
    source: report.source,
    definition: report.definition,
    ...(report.parent ? { parent: report.parent } : {}),
  });
  for (const job of report.definition.jobs) {
    emit(draft, {
      type: 'JobCreated',
      job_id: ctx.newJobId(),
      name: job.name,
      attempt: 1,
      stage: job.stage,
      when: job.when,
      allow_failure: job.allow_failure,
    });
  }
  return accept(draft);
}
