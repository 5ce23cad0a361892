// Trigger jobs at the decider's edge: the intake records a decision sends to OTHER pipelines, written in the
// same Kafka transaction as its events (so exactly once with them). Pure apart from the ids it is given.
// - DownstreamPipelineTriggered → the CreatePipeline of the downstream pipeline, from the trigger job's
//   definition: a child pipeline of the same project (source parent_pipeline) on the same ref and sha, or a
//   pipeline of trigger.project (source pipeline) on trigger.branch (else the same ref) — Verity reads no
//   repository, so the downstream definition is the one the trigger job carries, and the sha is the
//   upstream one. The downstream pipeline remembers its parent.
// - PipelineFinished of a downstream pipeline → DownstreamStatus to its parent's trigger job, which mirrors
//   it with strategy: depend (services/lib/core/pipeline/cross-pipeline.ts).
// - A trigger job canceled cancels its child pipeline (GitLab's CancelPipelineService cascades to children,
//   not to multi-project downstream pipelines). A trigger job without strategy: depend succeeded when its
//   child was created, so canceling the parent does not reach that child (GitLab's would). A child already
//   finished refuses the cancel (pipeline_finished).
import type {
  CancelPipeline,
  CreatePipeline,
  DownstreamStatus,
  PipelineEvent,
} from '../../lib/core/events/generated.js';
import { internalEnvelope } from '../../lib/core/events/internal-envelope.js';
import { jobDefinition, type PipelineState } from '../../lib/core/pipeline/index.js';

export type DownstreamRecord = CreatePipeline | DownstreamStatus | CancelPipeline;

/** The child pipeline (same project: no trigger.project) a trigger job created, if it is one. */
function childOf(state: PipelineState, jobId: string): string | undefined {
  const job = Object.hasOwn(state.jobs, jobId) ? state.jobs[jobId] : undefined;
  if (!job?.downstream_pipeline_id) return undefined;
  return jobDefinition(state, job.name)?.trigger?.project === undefined ? job.downstream_pipeline_id : undefined;
}

export function downstreamRecords(
  events: readonly PipelineEvent[],
  stateAfter: (pipelineId: string) => PipelineState | undefined,
  newId: () => string,
): DownstreamRecord[] {
  const out: DownstreamRecord[] = [];
  for (const e of events) {
    const state = stateAfter(e.pipeline_id);
    if (!state) continue;
    /** The envelope of a record for pipeline `pipelineId` of `projectId`, caused by `e`. */
    const envelope = (pipelineId: string, projectId: string) =>
      internalEnvelope({
        reportId: newId(),
        pipelineId,
        projectId,
        occurredAt: e.occurred_at,
        receivedAt: e.recorded_at,
        producer: 'decider',
        correlationId: e.correlation_id,
      });
    if (e.type === 'DownstreamPipelineTriggered') {
      const trigger = jobDefinition(state, e.name)?.trigger;
      if (!trigger) continue;
      out.push({
        type: 'CreatePipeline',
        ...envelope(e.downstream_pipeline_id, e.downstream_project_id),
        ref: trigger.branch ?? state.ref,
        sha: state.sha,
        source: trigger.project === undefined ? 'parent_pipeline' : 'pipeline',
        definition: trigger.definition,
        parent: { pipeline_id: state.pipeline_id, project_id: state.project_id, job_id: e.job_id },
      });
    } else if (e.type === 'JobCanceled') {
      const child = childOf(state, e.job_id);
      if (child !== undefined) out.push({ type: 'CancelPipeline', ...envelope(child, state.project_id) });
    }
    if (e.type === 'PipelineFinished' && state.parent) {
      out.push({
        type: 'DownstreamStatus',
        ...envelope(state.parent.pipeline_id, state.parent.project_id),
        job: state.parent.job_id,
        downstream_pipeline_id: state.pipeline_id,
        status: e.status,
        finished: true,
      });
    }
  }
  return out;
}
