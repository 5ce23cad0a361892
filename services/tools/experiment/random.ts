// A seeded pseudo-random generator for the experiment's folds and bootstrap: the same seed, the same
// sequence on every machine (mulberry32). Not for anything secret. Pure.

/** A generator of numbers in [0, 1) determined by `seed` (any integer). */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** An integer in [0, n) from `random`. */
export const randomIndex = (random: () => number, n: number): number => Math.floor(random() * n);

/** A copy of `items` in an order determined by `random` (Fisher–Yates). */
export function shuffled<T>(items: readonly T[], random: () => number): T[] {
  const out = [...items];
  for (let i = out.length - 1; i > 0; i--) {
    const j = randomIndex(random, i + 1);
    [out[i], out[j]] = [out[j]!, out[i]!];
  }
  return out;
}
