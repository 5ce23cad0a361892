// In-memory decider state, per input partition: only the partitions this instance owns are held.
import type { PipelineState } from '../../lib/core/pipeline/index.js';

export class PartitionStates {
  private readonly byPartition = new Map<number, Map<string, PipelineState>>();

  of(partition: number): Map<string, PipelineState> {
    let m = this.byPartition.get(partition);
    if (!m) this.byPartition.set(partition, (m = new Map()));
    return m;
  }

  replace(partition: number, states: Map<string, PipelineState>): void {
    this.byPartition.set(partition, states);
  }

  drop(partition: number): void {
    this.byPartition.delete(partition);
  }

  get partitions(): number[] {
    return [...this.byPartition.keys()];
  }

  get size(): number {
    let n = 0;
    for (const m of this.byPartition.values()) n += m.size;
    return n;
  }
}
