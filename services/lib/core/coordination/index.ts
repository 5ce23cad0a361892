// The decisions that span pipelines (docs/ARCHITECTURE.md, "Coordinator: decisions across pipelines"):
// resource groups and auto-cancel of redundant pipelines, keyed by coordination key. Pure, no I/O.
export {
  coordinate,
  coordinateBatch,
  CoordinationKeyError,
  type BatchResult,
  type CoordinateOptions,
} from './coordinate.js';
export { coordinationKey, refKey, resourceKey } from './keys.js';
export { closePipeline, openPipeline, REF_OPEN_MAX } from './ref.js';
export { COORDINATOR_PRODUCER, intakeRecord } from './reports.js';
export { nextIndex, releaseResource, requestResource } from './resource-group.js';
export {
  COORDINATION_STATE_VERSION,
  type CoordinationReport,
  type CoordinationState,
  type Outcome,
  type ProcessMode,
  type RefPipeline,
  type RefState,
  type ResourceGroupState,
  type ResourceWaiter,
} from './state.js';
