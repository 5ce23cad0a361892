// Grouped K-fold splitting by repository: every log of a repository lands in one fold, so a figure
// measured on a held-out fold is one on repositories the fitted model has never seen. Folds are balanced
// by log count greedily, largest repository first (ties among equal sizes broken by a seeded shuffle):
// each goes to the fold with the fewest logs so far (the lowest index among equals). Deterministic from
// the seed; pure.

import { shuffled, seededRandom } from './random.js';

export interface Fold {
  /** The repositories held out in this fold, in the order they were assigned. */
  repos: string[];
  /** Indices (into the logs given) of the fold's logs, ascending. */
  logs: number[];
}

/**
 * `k` folds of `logs` grouped by `repo`. Throws when k < 2 or there are fewer repositories than folds
 * (a fold would be empty).
 */
export function groupedFolds(logs: readonly { repo: string }[], k: number, seed: number): Fold[] {
  if (!Number.isInteger(k) || k < 2) throw new Error(`folds must be an integer ≥ 2, not ${k}`);
  const byRepo = new Map<string, number[]>();
  logs.forEach((log, i) => {
    const list = byRepo.get(log.repo);
    if (list === undefined) byRepo.set(log.repo, [i]);
    else list.push(i);
  });
  if (byRepo.size < k) throw new Error(`${k} folds need at least ${k} repositories, there are ${byRepo.size}`);
  // Sorted by name first, so the result does not depend on the order of the logs, only on the seed.
  const repos = shuffled([...byRepo.keys()].sort(), seededRandom(seed));
  // Stable: equal sizes keep the shuffled order.
  repos.sort((a, b) => byRepo.get(b)!.length - byRepo.get(a)!.length);
  const folds: Fold[] = Array.from({ length: k }, () => ({ repos: [], logs: [] }));
  for (const repo of repos) {
    let target = folds[0]!;
    for (const fold of folds) if (fold.logs.length < target.logs.length) target = fold;
    target.repos.push(repo);
    target.logs.push(...byRepo.get(repo)!);
  }
  for (const fold of folds) fold.logs.sort((a, b) => a - b);
  return folds;
}

/** Indices of the logs outside fold `f`: what a model is fitted on when `f` is held out. */
export function trainingIndices(folds: readonly Fold[], f: number): number[] {
  return folds
    .filter((_, i) => i !== f)
    .flatMap((fold) => fold.logs)
    .sort((a, b) => a - b);
}
