// In-memory decider state, per input partition: only the partitions this instance owns are held.
import type { PipelineState } from '../../lib/core/pipeline/index.js';
import { PartitionStates as ByPartition } from '../../lib/platform/consumer/partition-states.js';

export class PartitionStates extends ByPartition<PipelineState> {}
