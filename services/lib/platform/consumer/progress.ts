// Lag and stall of one partition, from the broker's high watermark and the consumer's own position (the
// offset after the last record it handled), not from the last fetch: a partition whose handler keeps
// failing fetches nothing new and would otherwise look caught up. Pure.

export interface PartitionProgress {
  /** The next offset this consumer will handle. */
  position: bigint;
  /** The partition's high watermark (end offset, exclusive) when last read. */
  high: bigint;
  /** When the position last moved, or the partition was last caught up (ms since the epoch). */
  movedAt: number;
}

export function lagOf(p: PartitionProgress): bigint {
  return p.high > p.position ? p.high - p.position : 0n;
}

/** The progress after a new observation of position and high watermark at `now`. */
export function observe(
  prev: PartitionProgress | undefined,
  position: bigint,
  high: bigint,
  now: number,
): PartitionProgress {
  const moved = prev === undefined || position !== prev.position || high <= position;
  return { position, high, movedAt: moved ? now : prev.movedAt };
}

/** Behind the high watermark without moving for `stallMs`. */
export function isStalled(p: PartitionProgress, now: number, stallMs: number): boolean {
  return lagOf(p) > 0n && now - p.movedAt >= stallMs;
}
