import { expect } from 'chai';
import { groupedFolds, trainingIndices } from './folds.js';
import { seededRandom, shuffled } from './random.js';

/** Logs of repositories with the given numbers of logs: repo r0 has sizes[0] logs, … */
const logsOf = (sizes: readonly number[]) =>
  sizes.flatMap((n, r) => Array.from({ length: n }, () => ({ repo: `r${r}` })));

describe('groupedFolds', () => {
  const cases: { name: string; sizes: number[]; k: number }[] = [
    { name: 'the dev split: 44 repositories of 10 logs and one of 7', sizes: [...Array(44).fill(10), 7], k: 5 },
    { name: 'equal repositories', sizes: Array(10).fill(3), k: 5 },
    { name: 'one large repository', sizes: [50, 5, 5, 5, 5, 5, 5], k: 3 },
    { name: 'uneven sizes', sizes: [9, 8, 7, 6, 5, 4, 3, 2, 1, 1, 1], k: 4 },
    { name: 'as many repositories as folds', sizes: [1, 2, 3, 4, 5], k: 5 },
  ];
  for (const { name, sizes, k } of cases) {
    for (const seed of [1, 7, 2026]) {
      it(`${name}, seed ${seed}: no repository in two folds, every log once, balanced, deterministic`, () => {
        const logs = logsOf(sizes);
        const folds = groupedFolds(logs, k, seed);
        expect(folds).to.have.length(k);
        const seen = new Map<string, number>();
        folds.forEach((fold, f) => {
          expect(fold.logs.length).to.be.greaterThan(0);
          for (const i of fold.logs) {
            const repo = logs[i]!.repo;
            expect(seen.get(repo) ?? f, `${repo} in two folds`).to.equal(f);
            seen.set(repo, f);
          }
          expect([...new Set(fold.logs.map((i) => logs[i]!.repo))].sort()).to.deep.equal([...fold.repos].sort());
        });
        const all = folds.flatMap((fold) => fold.logs).sort((a, b) => a - b);
        expect(all).to.deep.equal(logs.map((_, i) => i));
        // Greedy largest-first: the fullest and emptiest folds differ by at most the largest repository.
        const counts = folds.map((fold) => fold.logs.length);
        expect(Math.max(...counts) - Math.min(...counts)).to.be.at.most(Math.max(...sizes));
        expect(groupedFolds(logs, k, seed)).to.deep.equal(folds);
      });
    }
  }

  it('balances the dev split to within one repository: 90, 90, 90, 90, 87 logs', () => {
    const folds = groupedFolds(logsOf([...Array(44).fill(10), 7]), 5, 1);
    expect(folds.map((f) => f.logs.length).sort((a, b) => b - a)).to.deep.equal([90, 90, 90, 90, 87]);
    expect(folds.map((f) => f.repos.length)).to.deep.equal([9, 9, 9, 9, 9]);
  });

  it('depends on the seed, not on the order of the logs', () => {
    const logs = logsOf(Array(20).fill(4));
    const repos = (seed: number, of = logs) => groupedFolds(of, 5, seed).map((f) => [...f.repos].sort());
    expect(repos(1)).to.not.deep.equal(repos(2));
    expect(repos(3, shuffled(logs, seededRandom(9)))).to.deep.equal(repos(3));
  });

  it('gives the training indices of a held-out fold: every other fold', () => {
    const logs = logsOf([2, 2, 2]);
    const folds = groupedFolds(logs, 3, 1);
    for (let f = 0; f < 3; f++) {
      const train = trainingIndices(folds, f);
      expect(train).to.have.length(4);
      expect(train.filter((i) => folds[f]!.logs.includes(i))).to.deep.equal([]);
    }
  });

  const invalid: [number[], number, RegExp][] = [
    [[1, 1], 1, /integer ≥ 2/],
    [[1, 1], 2.5, /integer ≥ 2/],
    [[3, 3], 3, /3 folds need at least 3 repositories, there are 2/],
  ];
  for (const [sizes, k, message] of invalid) {
    it(`refuses ${k} folds of ${sizes.length} repositories`, () => {
      expect(() => groupedFolds(logsOf(sizes), k, 1)).to.throw(message);
    });
  }
});
