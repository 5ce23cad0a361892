// How a job whose turn came starts (GitLab's enqueue event): a trigger job creates its downstream pipeline
// (Ci::Bridge), a job of a resource group waits for its resource (Ci::Processable: enqueue →
// waiting_for_resource with_resource_group), any other job waits for a runner.
import { emit, jobRef, type Draft } from './draft.js';
import { jobDefinition, type JobState } from './state.js';

/** `variableKeys`: the keys of the variables a manual job is played with (the values never reach the decider). */
export function enqueueJob(draft: Draft, job: JobState, variableKeys: readonly string[] = []): void {
  const def = jobDefinition(draft.state, job.name);
  if (def?.trigger) {
    const strategy = def.trigger.strategy === 'depend' ? 'depend' : 'none';
    emit(draft, {
      type: 'DownstreamPipelineTriggered',
      ...jobRef(job),
      downstream_pipeline_id: draft.ctx.newJobId(),
      downstream_project_id: def.trigger.project ?? draft.state.project_id,
      strategy,
    });
    // Without strategy: depend the trigger job succeeds as soon as the downstream pipeline is created.
    if (strategy === 'none') emit(draft, { type: 'JobSucceeded', ...jobRef(job), duration_ms: 0 });
    return;
  }
  const group = def?.resource_group;
  if (group !== undefined) {
    emit(draft, {
      type: 'JobWaitingForResource',
      ...jobRef(job),
      resource_group: group,
      process_mode: draft.state.definition.resource_groups?.[group]?.process_mode ?? 'unordered',
    });
    return;
  }
  emit(draft, {
    type: 'JobEnqueued',
    ...jobRef(job),
    ...(variableKeys.length > 0 ? { variable_keys: [...variableKeys] } : {}),
  });
}
