// resource_group: at most one job of a (project, group) runs across all pipelines of the project; the
// others wait in waiting_for_resource (GitLab's Ci::ResourceGroup and its process_mode). Pure: a request or
// a release, the group's state → the new state and the AssignResource reports to send.
//   request  idempotent per job_id (holder or queued: nothing changes but the process_mode); a free group
//            is granted at once; otherwise the job joins the queue.
//   release  by the holder: the resource goes to the next job by process_mode (unordered: arrival order;
//            oldest_first: the oldest pipeline, ties by pipeline id; newest_first: the newest pipeline; jobs
//            of one pipeline in arrival order); by a queued job (canceled while waiting): it leaves the
//            queue; by anyone else: nothing.
// The process_mode of the latest request wins (GitLab keeps one per group, set by whoever edited it last).
import type { ResourceReleased, ResourceRequested } from '../events/generated.js';
import { comparePipelineAge } from './order.js';
import type { CoordinationReport, Outcome, ProcessMode, ResourceGroupState, ResourceWaiter } from './state.js';

const unchanged = (state: ResourceGroupState | null): Outcome<ResourceGroupState> => ({
  state,
  reports: [],
  dropped: [],
});

const assign = (state: ResourceGroupState, to: ResourceWaiter): CoordinationReport => ({
  type: 'AssignResource',
  pipeline_id: to.pipeline_id,
  project_id: state.project_id,
  job: to.job_id,
  job_name: to.job_name,
  resource_group: state.resource_group,
});

export function requestResource(
  state: ResourceGroupState | null,
  request: ResourceRequested,
): Outcome<ResourceGroupState> {
  const waiter: ResourceWaiter = {
    job_id: request.job_id,
    job_name: request.job_name,
    pipeline_id: request.pipeline_id,
    pipeline_created_at: request.pipeline_created_at,
    requested_at: request.requested_at,
  };
  if (state === null) {
    const granted: ResourceGroupState = {
      kind: 'resource',
      project_id: request.project_id,
      resource_group: request.resource_group,
      process_mode: request.process_mode,
      holder: waiter,
      queue: [],
    };
    return { state: granted, reports: [assign(granted, waiter)], dropped: [] };
  }
  const withMode =
    state.process_mode === request.process_mode ? state : { ...state, process_mode: request.process_mode };
  if (state.holder.job_id === request.job_id || state.queue.some((w) => w.job_id === request.job_id))
    return unchanged(withMode);
  return unchanged({ ...withMode, queue: [...state.queue, waiter] });
}

export function releaseResource(
  state: ResourceGroupState | null,
  release: ResourceReleased,
): Outcome<ResourceGroupState> {
  if (state === null) return unchanged(null);
  if (state.holder.job_id === release.job_id) {
    const i = nextIndex(state.queue, state.process_mode);
    if (i < 0) return unchanged(null); // free, nobody waits: the key is empty
    const holder = state.queue[i]!;
    const next = { ...state, holder, queue: state.queue.filter((_, j) => j !== i) };
    return { state: next, reports: [assign(next, holder)], dropped: [] };
  }
  if (state.queue.some((w) => w.job_id === release.job_id))
    return unchanged({ ...state, queue: state.queue.filter((w) => w.job_id !== release.job_id) });
  return unchanged(state);
}

/** The index of the queued job that gets the resource next (-1: nobody waits). */
export function nextIndex(queue: readonly ResourceWaiter[], mode: ProcessMode): number {
  if (queue.length === 0) return -1;
  if (mode === 'unordered') return 0;
  const sign = mode === 'oldest_first' ? 1 : -1;
  let best = 0;
  for (let i = 1; i < queue.length; i++) {
    // Strictly better only: among jobs of one pipeline the earliest arrival stays first.
    if (sign * comparePipelines(queue[i]!, queue[best]!) < 0) best = i;
  }
  return best;
}

const comparePipelines = (a: ResourceWaiter, b: ResourceWaiter): number =>
  comparePipelineAge(a.pipeline_created_at, a.pipeline_id, b.pipeline_created_at, b.pipeline_id);
