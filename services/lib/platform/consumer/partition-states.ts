// In-memory state of a transactional consumer (the decider, the coordinator), per input partition: only the
// partitions this instance owns are held, each a map from the record key to its state.
export class PartitionStates<S> {
  private readonly byPartition = new Map<number, Map<string, S>>();

  of(partition: number): Map<string, S> {
    let m = this.byPartition.get(partition);
    if (!m) this.byPartition.set(partition, (m = new Map()));
    return m;
  }

  replace(partition: number, states: Map<string, S>): void {
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
