// The operations page's pure arithmetic: lag and stall of consumer partitions from successive snapshots
// (position and end offset per group, topic and partition), and the progress of a projection (a read-model
// version being built) from its checkpoints against the topics' offsets. No I/O: operations-kafka.ts reads
// the snapshots, operations.ts remembers them between polls in a PositionBook.
import { isStalled, lagOf, observe, type PartitionProgress } from '../../lib/platform/consumer/progress.js';

/** One partition of one group as read now: where the group is (null: it keeps no position there) and the end. */
export interface PartitionSnapshot {
  group: string;
  topic: string;
  partition: number;
  position: bigint | null;
  /** The partition's earliest and end offsets (high watermark, exclusive). */
  low: bigint;
  high: bigint;
}

export interface PartitionLag {
  topic: string;
  partition: number;
  position: number | null;
  end: number;
  /** Records between the position and the end; null when the group keeps no position (0 in an empty partition). */
  lag: number | null;
  /** Behind, and its position did not move for stallMs (between this query service's polls). */
  stalled: boolean;
  /** When this service last saw the position move (or the partition caught up); null: no position. */
  moved_at: string | null;
}

const keyOf = (s: Pick<PartitionSnapshot, 'group' | 'topic' | 'partition'>) =>
  `${s.group}\u0000${s.topic}[${s.partition}]`;

/**
 * The last position of every partition seen by the previous poll, so that the next one can tell whether it
 * moved. Bounded: partitions missing from a poll are forgotten, and at most `max` are kept (the rest are
 * reported without stall detection until there is room).
 */
export class PositionBook {
  private readonly book = new Map<string, PartitionProgress>();

  constructor(private readonly max = 10_000) {}

  get size(): number {
    return this.book.size;
  }

  /** This poll's lag and stall per partition, in the order given; the book then holds exactly this poll's. */
  observe(snapshots: PartitionSnapshot[], now: number, stallMs: number): PartitionLag[] {
    const polled = new Set(snapshots.map(keyOf));
    for (const key of this.book.keys()) if (!polled.has(key)) this.book.delete(key);
    return snapshots.map((s): PartitionLag => {
      const base = { topic: s.topic, partition: s.partition, end: Number(s.high) };
      // Nothing was ever there to read (or all of it is gone): no position is needed to be caught up.
      if (s.position === null)
        return { ...base, position: null, lag: s.high <= s.low ? 0 : null, stalled: false, moved_at: null };
      const key = keyOf(s);
      const prev = this.book.get(key);
      const next = observe(prev, s.position, s.high, now);
      if (prev !== undefined || this.book.size < this.max) this.book.set(key, next);
      return {
        ...base,
        position: Number(s.position),
        lag: Number(lagOf(next)),
        stalled: isStalled(next, now, stallMs),
        moved_at: new Date(next.movedAt).toISOString(),
      };
    });
  }
}

/** A group's totals: its lag (partitions without a position count 0) and how many partitions are stalled. */
export function totals(partitions: PartitionLag[]): { lag: number; stalled: number } {
  let lag = 0;
  let stalled = 0;
  for (const p of partitions) {
    lag += p.lag ?? 0;
    if (p.stalled) stalled += 1;
  }
  return { lag, stalled };
}

/** One partition of a projection: its checkpoint (null: none yet, it starts at `low`) and the topic's offsets. */
export interface CheckpointRange {
  position: bigint | null;
  low: bigint;
  high: bigint;
}

export interface Progress {
  /** Records projected (from each partition's earliest offset up to its checkpoint). */
  done: number;
  /** Records there are (earliest to end offset). */
  total: number;
  /** done / total in percent, one decimal, rounded down (100 only when done); 100 when there is nothing. */
  percent: number;
}

/** How far a projection read its topics: the progress of a read-model version being built from offset 0. */
export function progressOf(ranges: CheckpointRange[]): Progress {
  let done = 0n;
  let total = 0n;
  for (const r of ranges) {
    const size = r.high > r.low ? r.high - r.low : 0n;
    const at = r.position === null ? r.low : r.position;
    const read = at <= r.low ? 0n : at >= r.high ? size : at - r.low;
    done += read;
    total += size;
  }
  const percent = total === 0n ? 100 : Number((done * 1000n) / total) / 10;
  return { done: Number(done), total: Number(total), percent };
}

/** One partition of a dead-letter topic: its offsets, what a bounded read of it saw, where the redrive is. */
export interface DeadLetterPartition {
  low: bigint;
  high: bigint;
  /** Where the read started and the offsets of the records it read (undefined: not read). */
  read: { from: bigint; offsets: bigint[] } | undefined;
  /** The redrive group's committed offset (undefined: never redriven). */
  redriven: bigint | undefined;
}

/**
 * How many dead letters a topic holds and how many were not redriven yet. Exact where the read covered the
 * partition (from its earliest offset, or from the redrive's position, to its end); elsewhere the offset span,
 * an upper bound: a record written in a Kafka transaction is followed by a marker that takes an offset too.
 */
export function deadLetterCounts(
  partitions: DeadLetterPartition[],
  complete: boolean,
): { count: number; pending: number; exact: boolean } {
  let count = 0n;
  let pending = 0n;
  let exact = true;
  for (const p of partitions) {
    const from = p.redriven !== undefined && p.redriven > p.low ? p.redriven : p.low;
    const read = complete ? p.read : undefined;
    if (read && read.from <= p.low) count += BigInt(read.offsets.length);
    else {
      count += p.high > p.low ? p.high - p.low : 0n;
      exact = false;
    }
    if (read && read.from <= from) pending += BigInt(read.offsets.filter((o) => o >= from).length);
    else {
      pending += p.high > from ? p.high - from : 0n;
      exact = false;
    }
  }
  return { count: Number(count), pending: Number(pending), exact };
}
