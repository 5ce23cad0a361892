// Pure: the tombstones of ci.pipeline.due.v1 (null value: the pipeline has nothing due) on their way to the due book.
// The consumer runner hands its handler decoded records only; the tombstones it passes over are seen by its
// `accept` hook, in offset order, before their slice is applied. They wait here, per partition, and are merged
// with the slice that holds their offset, in offset order: whatever of one pipeline comes last wins.
import type { PipelineDue } from '../../lib/core/events/generated.js';

/** One change of the due book, at its offset. */
export type Change = { offset: bigint; due: PipelineDue } | { offset: bigint; removed: string };

export class Tombstones {
  private readonly waiting = new Map<number, { offset: bigint; id: string }[]>();

  add(partition: number, offset: bigint, pipelineId: string): void {
    const list = this.waiting.get(partition) ?? [];
    list.push({ offset, id: pipelineId });
    this.waiting.set(partition, list);
  }

  /**
   * The slice of `partition` that ends before `next` as changes in offset order: its records and the tombstones
   * waiting below `next` (taken; a tombstone seen twice, its batch fetched again, removes twice: harmless).
   */
  slice(partition: number, next: bigint, records: readonly { offset: bigint; event: PipelineDue }[]): Change[] {
    const list = this.waiting.get(partition) ?? [];
    const taken = list.filter((t) => t.offset < next);
    if (taken.length > 0)
      this.waiting.set(
        partition,
        list.filter((t) => t.offset >= next),
      );
    return [
      ...records.map((r): Change => ({ offset: r.offset, due: r.event })),
      ...taken.map((t): Change => ({ offset: t.offset, removed: t.id })),
    ].sort((a, b) => (a.offset < b.offset ? -1 : a.offset > b.offset ? 1 : 0));
  }

  /** The partition was given up: what waits for it is dropped. */
  drop(partition: number): void {
    this.waiting.delete(partition);
  }
}
