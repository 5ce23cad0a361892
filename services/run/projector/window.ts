// A window of the two topics the projector reads, and how far a projection got through it. Pure: the
// shell (project-window.ts) hands in where each partition is.
import type { ProjectorStats } from './projector.js';

/** The offsets `from` (inclusive) to `to` (exclusive) of one partition. */
export interface PartitionRange {
  partition: number;
  from: bigint;
  to: bigint;
}

/** A range of every partition of each topic the projector reads. */
export interface ProjectionWindow {
  pipelineEvents: readonly PartitionRange[];
  remediationEvents: readonly PartitionRange[];
}

/** Where a partition is: the offset after the last record handled (undefined: not known). */
export type Position = (partition: number) => bigint | undefined;

/** Offsets in the ranges (under read_committed a few are transaction markers). */
export const recordsIn = (ranges: readonly PartitionRange[]): number =>
  ranges.reduce((n, r) => n + Number(r.to - r.from), 0);

/** Offsets of the ranges handled so far: for progress. */
export const handledIn = (ranges: readonly PartitionRange[], at: Position): number =>
  ranges.reduce((n, r) => {
    const p = at(r.partition);
    if (p === undefined || p <= r.from) return n;
    return n + Number((p > r.to ? r.to : p) - r.from);
  }, 0);

/** The ranges whose partition has not reached the range's end (one not known is at its start). */
export const unfinished = (ranges: readonly PartitionRange[], at: Position): PartitionRange[] =>
  ranges.filter((r) => (at(r.partition) ?? r.from) < r.to);

/** What the projectors did: events decoded and folded (applied or ignored), and poison skipped. */
export function totals(stats: readonly ProjectorStats[]) {
  return stats.reduce(
    (t, s) => ({
      events: t.events + s.events - s.deadLetters,
      applied: t.applied + s.applied,
      ignored: t.ignored + s.ignored,
      deadLetters: t.deadLetters + s.deadLetters,
    }),
    { events: 0, applied: 0, ignored: 0, deadLetters: 0 },
  );
}
