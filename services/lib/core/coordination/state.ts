// The coordinator's state of one coordination key: a JSON-serialisable plain object, snapshotted to the
// compacted ci.coordination.state.v1 topic (CoordinationSnapshot.state, with state_version =
// COORDINATION_STATE_VERSION). A key whose state is empty has none (null): a free resource group with an
// empty queue, a ref with no pipeline alive.
import type { AssignResource, AutoCancel, ResourceRequested } from '../events/generated.js';

/** Version of the shapes below; bump it (and upcast old snapshots) on any incompatible change. */
export const COORDINATION_STATE_VERSION = 1;

export type ProcessMode = ResourceRequested['process_mode'];

/** A job that asked for a resource group's resource: it holds it, or waits in the queue. */
export interface ResourceWaiter {
  job_id: string;
  job_name: string;
  pipeline_id: string;
  /** When its pipeline was created: oldest_first and newest_first order by it. */
  pipeline_created_at: string;
  requested_at: string;
}

/** One resource group of one project (key resource/<project_id>/<resource_group>). */
export interface ResourceGroupState {
  kind: 'resource';
  project_id: string;
  resource_group: string;
  /** The process_mode of the latest request. */
  process_mode: ProcessMode;
  /** The job that holds the resource (a free group has no state at all). */
  holder: ResourceWaiter;
  /** The jobs waiting, in arrival order. */
  queue: ResourceWaiter[];
}

/** A pipeline alive on a ref. */
export interface RefPipeline {
  pipeline_id: string;
  sha: string;
  created_at: string;
}

/** The CI pipelines alive on one ref of one project (key ref/<project_id>/<ref>). */
export interface RefState {
  kind: 'ref';
  project_id: string;
  ref: string;
  /** Ordered by created_at, then pipeline id; at most REF_OPEN_MAX. */
  open: RefPipeline[];
}

export type CoordinationState = ResourceGroupState | RefState;

/** What the coordinator tells a pipeline: the intake report it sends, without its envelope (reports.ts adds it). */
export type CoordinationReport =
  | (Pick<AssignResource, 'type' | 'pipeline_id' | 'project_id' | 'job' | 'resource_group'> & { job_name: string })
  | Pick<AutoCancel, 'type' | 'pipeline_id' | 'project_id' | 'by_pipeline_id'>;

/** One record decided: the key's new state (null: empty), the reports to send, the pipelines dropped by the bound. */
export interface Outcome<S extends CoordinationState = CoordinationState> {
  state: S | null;
  reports: CoordinationReport[];
  /** Open pipelines the ref's bound pushed out (oldest first): they are no longer candidates for auto-cancel. */
  dropped: RefPipeline[];
}
