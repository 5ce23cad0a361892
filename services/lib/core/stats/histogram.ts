// Log-bucketed latency histograms that add up: the per-project daily stats keep one per day, and a
// window's percentiles are read from the sum of its days. Bucket b holds values in
// [GROWTH^(b-1), GROWTH^b) ms (bucket 0: below 1 ms); a percentile is reported as the bucket's
// geometric midpoint, so its relative error is at most ±5% (GROWTH = 1.1). The last bucket also
// holds everything above its lower edge (~3.9 days with 200 buckets).

export const BUCKETS = 200;
const GROWTH = 1.1;
const LOG_GROWTH = Math.log(GROWTH);

export type Histogram = number[];

export const emptyHistogram = (): Histogram => new Array<number>(BUCKETS).fill(0);

export function bucketOf(ms: number): number {
  if (!(ms >= 1)) return 0;
  return Math.min(BUCKETS - 1, 1 + Math.floor(Math.log(ms) / LOG_GROWTH));
}

/** Adds `weight` (±1) observations of `ms` to `h` in place. */
export function record(h: Histogram, ms: number, weight = 1): void {
  const b = bucketOf(ms);
  h[b] = (h[b] ?? 0) + weight;
}

export function addInto(target: Histogram, h: readonly number[]): Histogram {
  for (let i = 0; i < BUCKETS; i++) target[i] = (target[i] ?? 0) + (h[i] ?? 0);
  return target;
}

/** The value reported for bucket b: its geometric midpoint (0 for bucket 0). */
function bucketValue(b: number): number {
  if (b <= 0) return 0;
  return Math.round(Math.pow(GROWTH, b - 0.5));
}

/** The p-th percentile (0 < p ≤ 100) by the nearest-rank method, or null for an empty histogram. */
export function percentile(h: readonly number[], p: number): number | null {
  let n = 0;
  for (const c of h) n += c;
  if (n <= 0) return null;
  const rank = Math.max(1, Math.ceil((p / 100) * n));
  let seen = 0;
  for (let b = 0; b < h.length; b++) {
    seen += h[b] ?? 0;
    if (seen >= rank) return bucketValue(b);
  }
  return bucketValue(h.length - 1);
}
