// The cluster bootstrap of a grouped-CV figure: logs of one repository are not independent, so the
// interval resamples repositories, not logs. One replicate draws, within each held-out fold, as many of
// its repositories as it has, with replacement, measures the fold on the logs drawn and averages the
// folds, as the figure itself averages them. The interval is the 2.5th and 97.5th percentile of the
// replicates. Seeded; pure.

import { randomIndex, seededRandom } from './random.js';

export interface BootstrapOptions {
  /** Replicates. Default 2,000. */
  resamples?: number;
  seed?: number;
  /** Coverage of the interval. Default 0.95. */
  level?: number;
}

/** The mean of the finite values; NaN when there are none (a fold where the measure is undefined). */
export function meanOfFinite(values: readonly number[]): number {
  const finite = values.filter(Number.isFinite);
  return finite.length === 0 ? Number.NaN : finite.reduce((a, b) => a + b, 0) / finite.length;
}

/** The value at quantile q (0..1) of `sorted`, interpolated linearly; NaN for none. */
export function quantile(sorted: readonly number[], q: number): number {
  if (sorted.length === 0) return Number.NaN;
  const at = (sorted.length - 1) * q;
  const lo = Math.floor(at);
  const hi = Math.ceil(at);
  return sorted[lo]! + (sorted[hi]! - sorted[lo]!) * (at - lo);
}

/**
 * The figure (mean over folds of `stat` of each fold's items) and its bootstrap interval. `folds` holds,
 * per fold, its clusters (repositories), each the items (scored logs) of one cluster.
 */
export function clusterBootstrap<T>(
  folds: readonly (readonly (readonly T[])[])[],
  stat: (items: readonly T[]) => number,
  opts: BootstrapOptions = {},
): { value: number; low: number; high: number } {
  const value = meanOfFinite(folds.map((clusters) => stat(clusters.flat())));
  const random = seededRandom(opts.seed ?? 1);
  const replicates: number[] = [];
  for (let r = 0; r < (opts.resamples ?? 2000); r++) {
    const perFold = folds.map((clusters) => {
      const drawn: T[] = [];
      for (let i = 0; i < clusters.length; i++) drawn.push(...clusters[randomIndex(random, clusters.length)]!);
      return stat(drawn);
    });
    const m = meanOfFinite(perFold);
    if (Number.isFinite(m)) replicates.push(m);
  }
  replicates.sort((a, b) => a - b);
  const tail = (1 - (opts.level ?? 0.95)) / 2;
  return { value, low: quantile(replicates, tail), high: quantile(replicates, 1 - tail) };
}
