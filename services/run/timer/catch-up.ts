// Pure: whether each partition of ci.pipeline.due.v1 this instance reads is read up to date, so that its part of the
// due book is whole. A partition got is caught up once read up to its high watermark of that moment; until then an
// older due time may still be replaced or removed by a later record, and is not ticked. Nothing is ever committed
// (the book lives in memory), so kafkajs reads a partition again from its start after every rebalance, also one it
// keeps: a slice starting before what was already applied is such a re-read, and the partition is caught up again
// once back where it was.

interface Progress {
  /** The high watermark when the partition was got. */
  target: bigint;
  /** The offset after the last slice applied (null: none yet). */
  applied: bigint | null;
  /** Re-reading from the start: caught up again once applied reaches this. */
  rewindTo: bigint | null;
  caughtUp: boolean;
}

export class CatchUp {
  private readonly parts = new Map<number, Progress>();

  /** A partition got: caught up once read to `high` (at once when it holds nothing, `high` ≤ `low`). */
  assigned(partition: number, low: bigint, high: bigint): void {
    this.parts.set(partition, { target: high, applied: null, rewindTo: null, caughtUp: high <= low });
  }

  released(partition: number): void {
    this.parts.delete(partition);
  }

  /** A slice from offset `first` to `next` (exclusive) was applied to the book. */
  applied(partition: number, first: bigint, next: bigint): void {
    const p = this.parts.get(partition);
    if (!p) return;
    if (p.applied !== null && first < p.applied) {
      p.rewindTo = p.rewindTo !== null && p.rewindTo > p.applied ? p.rewindTo : p.applied;
      p.caughtUp = false;
    }
    p.applied = next;
  }

  /**
   * True when the partition is read up to date; `position` is the consumer's (the offset after the last record
   * handled, transaction markers included). Once true, it stays true until the partition is re-read or given up.
   */
  live(partition: number, position: bigint | undefined): boolean {
    const p = this.parts.get(partition);
    if (!p) return false;
    if (!p.caughtUp) {
      p.caughtUp =
        p.rewindTo !== null
          ? p.applied !== null && p.applied >= p.rewindTo
          : (position ?? -1n) >= p.target || (p.applied ?? -1n) >= p.target;
      if (p.caughtUp) p.rewindTo = null;
    }
    return p.caughtUp;
  }

  /** The partitions not caught up, with how far behind each is (for /readyz). */
  behind(position: (partition: number) => bigint | undefined): { partition: number; records: bigint | null }[] {
    const out: { partition: number; records: bigint | null }[] = [];
    for (const [partition, p] of this.parts) {
      if (this.live(partition, position(partition))) continue;
      const at = p.rewindTo !== null ? p.applied : (position(partition) ?? p.applied);
      const until = p.rewindTo ?? p.target;
      out.push({ partition, records: at === null ? null : until - at });
    }
    return out.sort((a, b) => a.partition - b.partition);
  }

  get partitions(): number[] {
    return [...this.parts.keys()].sort((a, b) => a - b);
  }
}
