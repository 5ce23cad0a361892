// The pipeline decider: GitLab's pipeline state machine as a pure {decide, evolve, initialState}.
import { decide } from './decide.js';
import { evolve } from './evolve.js';
import { initialState } from './state.js';

export { decide } from './decide.js';
export { evolve, evolveAll } from './evolve.js';
export { compositeStatus, type CompositeInput, type CompositeResult } from './composite.js';
export {
  validateDefinition,
  type Definition,
  type DefinitionError,
  type DefinitionErrorCode,
  type JobDefinition,
} from './definition.js';
export {
  compileDefinition,
  type AuthoredDefinition,
  type AuthoredJob,
  type AuthoredNeed,
  type CompiledDefinition,
} from './authored.js';
export { type RetryPolicy } from './retry.js';
export {
  REJECTION_CODES,
  type Accepted,
  type DecideContext,
  type Decision,
  type Rejected,
  type RejectionCode,
} from './decision.js';
export { JOB_STATUSES, type FailureReason, type JobStatus, type JobTransition } from './status.js';
export { compilePipeline, validatePipeline } from './validate-pipeline.js';
export { DEFAULT_TIMEOUT_S, nextDue, STUCK_PENDING_S } from './tick.js';
export {
  initialState,
  jobDefinition,
  STATE_VERSION,
  type FinalStatus,
  type JobState,
  type PipelineState,
  type PipelineStatus,
} from './state.js';

export const pipelineDecider = { decide, evolve, initialState } as const;
