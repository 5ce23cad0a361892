import { expect } from 'chai';
import { addInto, BUCKETS, bucketOf, emptyHistogram, percentile, record } from './histogram.js';

describe('log-bucketed histogram', () => {
  it('reports every value within ±5% of itself', () => {
    for (const ms of [1, 2, 7, 55, 999, 12_345, 600_000, 3_600_000, 86_400_000]) {
      const h = emptyHistogram();
      record(h, ms);
      const got = percentile(h, 50)!;
      expect(Math.abs(got - ms) / ms, `${ms} → ${got}`).to.be.at.most(0.05);
    }
  });

  it('puts zero, negative and sub-millisecond values in bucket 0 and clamps huge ones to the last', () => {
    expect([0, -5, 0.5, Number.NaN].map(bucketOf)).to.deep.equal([0, 0, 0, 0]);
    expect(bucketOf(1e15)).to.equal(BUCKETS - 1);
  });

  it('is null when empty and uses nearest rank', () => {
    const h = emptyHistogram();
    expect(percentile(h, 50)).to.equal(null);
    for (let i = 1; i <= 100; i++) record(h, i * 1000);
    const p50 = percentile(h, 50)!;
    const p95 = percentile(h, 95)!;
    expect(Math.abs(p50 - 50_000) / 50_000).to.be.at.most(0.1);
    expect(Math.abs(p95 - 95_000) / 95_000).to.be.at.most(0.1);
  });

  it('takes the nearest rank: the smallest value with at least p% of the observations at or below it', () => {
    const h = emptyHistogram();
    const [ten, hundred, thousand] = [10, 100, 1000].map((ms) => {
      const one = emptyHistogram();
      record(one, ms);
      return percentile(one, 100)!;
    });
    for (const ms of [10, 100, 1000]) record(h, ms);
    // Three observations: rank ⌈p/100 × 3⌉, so 33% is the first, 34% and 50% the second, 67% the third.
    const expected: [number, number | undefined][] = [
      [1, ten],
      [33, ten],
      [34, hundred],
      [50, hundred],
      [66, hundred],
      [67, thousand],
      [100, thousand],
    ];
    for (const [p, value] of expected) expect(percentile(h, p), `p${p}`).to.equal(value);
    expect(new Set([ten, hundred, thousand]).size).to.equal(3);
  });

  it('adds up across days and subtracts a withdrawn observation exactly', () => {
    const a = emptyHistogram();
    const b = emptyHistogram();
    record(a, 1000);
    record(b, 9000);
    record(b, 9000);
    record(b, 9000, -1);
    const sum = addInto(emptyHistogram(), a);
    addInto(sum, b);
    expect(sum.reduce((x, y) => x + y, 0)).to.equal(2);
    expect(percentile(sum, 100)).to.be.closeTo(9000, 450);
  });
});
