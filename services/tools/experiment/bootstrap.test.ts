import { expect } from 'chai';
import { clusterBootstrap, meanOfFinite, quantile } from './bootstrap.js';

const rate = (xs: readonly boolean[]) => (xs.length === 0 ? Number.NaN : xs.filter(Boolean).length / xs.length);
const repo = (hits: number, n: number) => Array.from({ length: n }, (_, i) => i < hits);

describe('clusterBootstrap', () => {
  it('takes the mean of the finite values, NaN for none', () => {
    const cases: [number[], number][] = [
      [[1, 2, 3], 2],
      [[1, Number.NaN, 3], 2],
    ];
    for (const [values, mean] of cases) expect(meanOfFinite(values)).to.equal(mean);
    expect(Number.isNaN(meanOfFinite([Number.NaN]))).to.equal(true);
  });

  it('interpolates quantiles', () => {
    const cases: [number[], number, number][] = [
      [[0, 10], 0.5, 5],
      [[0, 10, 20], 0.25, 5],
      [[7], 0.975, 7],
    ];
    for (const [sorted, q, want] of cases) expect(quantile(sorted, q)).to.equal(want);
    expect(Number.isNaN(quantile([], 0.5))).to.equal(true);
  });

  it('averages the folds (not the logs) for the figure', () => {
    const folds = [[repo(1, 1)], [repo(0, 3)]];
    expect(clusterBootstrap(folds, rate, { resamples: 10 }).value).to.equal(0.5);
  });

  it('gives no width when every repository measures the same', () => {
    const folds = [[repo(2, 4), repo(1, 2)], [repo(3, 6)]];
    expect(clusterBootstrap(folds, rate, { resamples: 200 })).to.deep.equal({ value: 0.5, low: 0.5, high: 0.5 });
  });

  it('brackets the figure, widens when repositories disagree, and is the same for the same seed', () => {
    const agree = [[repo(5, 10), repo(5, 10), repo(5, 10), repo(6, 10)]];
    const disagree = [[repo(0, 10), repo(10, 10), repo(2, 10), repo(7, 10), repo(9, 10), repo(4, 10)]];
    const a = clusterBootstrap(agree, rate, { seed: 3 });
    const d = clusterBootstrap(disagree, rate, { seed: 3 });
    for (const i of [a, d]) expect(i.low).to.be.at.most(i.value).and.to.be.at.most(i.high);
    expect(d.high - d.low).to.be.greaterThan(a.high - a.low);
    expect(clusterBootstrap(disagree, rate, { seed: 3 })).to.deep.equal(d);
    expect(clusterBootstrap(disagree, rate, { seed: 4 })).to.not.deep.equal(d);
  });

  it('leaves out folds where the measure is undefined', () => {
    const folds = [[repo(1, 2)], [[] as boolean[]]];
    expect(clusterBootstrap(folds, rate, { resamples: 20 })).to.deep.equal({ value: 0.5, low: 0.5, high: 0.5 });
  });
});
