// The Wilson score interval of a proportion (k successes of n trials): the 95% interval the AI scoreboard
// shows beside every share (precision, retry precision, acceptance). Unlike the plain ±1.96·√(p(1−p)/n)
// it stays inside [0, 1] and is not zero-wide at 0/n or n/n, which is where small samples live.
// Wilson, E. B. (1927), "Probable inference, the law of succession, and statistical inference", JASA 22:209–212;
// the reference values of the tests are Newcombe (1998), Statistics in Medicine 17:857–872, table I, method 3.

/** z for a two-sided 95% interval (the 0.975 quantile of the standard normal). */
export const Z95 = 1.959963984540054;

export interface Proportion {
  /** Successes. */
  k: number;
  /** Trials (0: nothing to say — value and bounds are null). */
  n: number;
  value: number | null;
  low: number | null;
  high: number | null;
}

/** k of n with its Wilson score interval; k and n must be integers with 0 ≤ k ≤ n. */
export function wilson(k: number, n: number, z: number = Z95): Proportion {
  if (!Number.isInteger(k) || !Number.isInteger(n) || k < 0 || n < 0 || k > n)
    throw new RangeError(`wilson: need integers 0 ≤ k ≤ n, got k=${k} n=${n}`);
  if (n === 0) return { k, n, value: null, low: null, high: null };
  const p = k / n;
  const z2 = z * z;
  const d = 1 + z2 / n;
  const centre = (p + z2 / (2 * n)) / d;
  const half = (z / d) * Math.sqrt((p * (1 - p)) / n + z2 / (4 * n * n));
  // At k = 0 and k = n the bound is exactly 0 or 1; floating point would leave 1e-17 either side.
  return {
    k,
    n,
    value: p,
    low: k === 0 ? 0 : Math.max(0, centre - half),
    high: k === n ? 1 : Math.min(1, centre + half),
  };
}
