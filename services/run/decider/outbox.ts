// The coordination outbox at the decider's edge: what a decision asks of the coordinator (docs/ARCHITECTURE.md,
// "Coordinator: decisions across pipelines"), as ci.coordination.v1 records written in the same Kafka
// transaction as its events (so exactly once with them). Derived from the decided events and the states
// before and after the batch; pure apart from the ids it is given.
// - JobWaitingForResource → ResourceRequested (group and process_mode from the event; the pipeline's
//   created_at orders oldest_first / newest_first).
// - JobSucceeded / JobFailed / JobCanceled / JobSkipped of a job whose definition has a resource_group →
//   ResourceReleased: it frees the resource, or takes a job canceled while waiting out of the queue (a job
//   that never asked is a no-op for the coordinator).
// - PipelineCreated of a CI pipeline (not a child pipeline, source parent_pipeline: GitLab auto-cancels CI
//   sources only) → RefPipelineOpened; PipelineFinished → RefPipelineClosed; a finished pipeline re-opened by
//   a retry (the events that clear `finished` in evolve: JobRetried, PipelineStatusChanged) →
//   RefPipelineOpened with reopened: true.
import type { CoordinationEvent, PipelineEvent } from '../../lib/core/events/generated.js';
import { refKey, resourceKey } from '../../lib/core/coordination/index.js';
import { jobDefinition, type PipelineState } from '../../lib/core/pipeline/index.js';

export interface OutboxRecord {
  record: CoordinationEvent;
  /** The event it derives from (its causation-id header and trace). */
  cause: PipelineEvent;
}

/**
 * A child pipeline never opens or cancels on a ref. The state keeps its parent link but not its source, so a
 * downstream pipeline of the same project counts as a child (a multi-project trigger to its own project, which
 * GitLab treats as a CI pipeline, is the one case this gets wrong).
 */
const isChild = (s: PipelineState): boolean => s.parent !== undefined && s.parent.project_id === s.project_id;

export function coordinationRecords(
  events: readonly PipelineEvent[],
  stateBefore: (pipelineId: string) => PipelineState | undefined,
  stateAfter: (pipelineId: string) => PipelineState | undefined,
  newId: () => string,
  now: string,
): OutboxRecord[] {
  const out: OutboxRecord[] = [];
  /** Per pipeline: finished as of the events seen so far (starting from the state before the batch). */
  const finished = new Map<string, boolean>();
  for (const e of events) {
    const state = stateAfter(e.pipeline_id) ?? stateBefore(e.pipeline_id);
    if (!state) continue;
    const envelope = (key: string) => ({
      record_id: newId(),
      key,
      project_id: e.project_id,
      pipeline_id: e.pipeline_id,
      recorded_at: now,
      correlation_id: e.correlation_id,
    });
    const push = (record: CoordinationEvent) => out.push({ record, cause: e });
    const wasFinished = finished.get(e.pipeline_id) ?? stateBefore(e.pipeline_id)?.finished ?? false;
    switch (e.type) {
      case 'JobWaitingForResource':
        push({
          type: 'ResourceRequested',
          ...envelope(resourceKey(e.project_id, e.resource_group)),
          resource_group: e.resource_group,
          process_mode: e.process_mode,
          pipeline_created_at: state.created_at,
          job_id: e.job_id,
          job_name: e.name,
          requested_at: e.occurred_at,
        });
        break;
      case 'JobSucceeded':
      case 'JobFailed':
      case 'JobCanceled':
      case 'JobSkipped': {
        const group = jobDefinition(state, e.name)?.resource_group;
        if (group !== undefined)
          push({
            type: 'ResourceReleased',
            ...envelope(resourceKey(e.project_id, group)),
            resource_group: group,
            job_id: e.job_id,
          });
        break;
      }
      case 'PipelineCreated':
        finished.set(e.pipeline_id, false);
        if (e.source !== 'parent_pipeline')
          push({
            type: 'RefPipelineOpened',
            ...envelope(refKey(e.project_id, e.ref)),
            ref: e.ref,
            sha: e.sha,
            created_at: e.occurred_at,
            reopened: false,
          });
        break;
      case 'PipelineFinished':
        finished.set(e.pipeline_id, true);
        if (!wasFinished && !isChild(state))
          push({ type: 'RefPipelineClosed', ...envelope(refKey(e.project_id, state.ref)), ref: state.ref });
        break;
      case 'JobRetried':
      case 'PipelineStatusChanged':
        finished.set(e.pipeline_id, false);
        if (wasFinished && !isChild(state))
          push({
            type: 'RefPipelineOpened',
            ...envelope(refKey(e.project_id, state.ref)),
            ref: state.ref,
            sha: state.sha,
            created_at: state.created_at,
            reopened: true,
          });
        break;
    }
  }
  return out;
}
