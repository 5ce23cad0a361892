import { expect } from 'chai';
import { wilson } from './wilson.js';

describe('Wilson score interval (95%)', () => {
  // Newcombe (1998), table I, method 3 — published to four decimals; the rest checked with the same formula.
  const table: [k: number, n: number, low: number, high: number][] = [
    [81, 263, 0.2553, 0.3662],
    [15, 148, 0.0624, 0.1605],
    [0, 20, 0, 0.1611],
    [1, 29, 0.0061, 0.1718],
    [29, 29, 0.883, 1],
    [5, 10, 0.2366, 0.7634],
    [0, 10, 0, 0.2775],
    [1, 1, 0.2065, 1],
    [0, 1, 0, 0.7935],
    [72, 100, 0.6251, 0.7986],
  ];
  for (const [k, n, low, high] of table) {
    it(`${k}/${n} → ${low}–${high}`, () => {
      const w = wilson(k, n);
      expect(w.value).to.equal(k / n);
      expect(w.low).to.be.closeTo(low, 0.00005);
      expect(w.high).to.be.closeTo(high, 0.00005);
      expect(w.low!).to.be.at.most(w.value!);
      expect(w.high!).to.be.at.least(w.value!);
    });
  }

  it('is exactly 0 at 0/n and exactly 1 at n/n', () => {
    for (const n of [1, 3, 1000, 1e6]) {
      expect(wilson(0, n).low).to.equal(0);
      expect(wilson(n, n).high).to.equal(1);
    }
  });

  it('says nothing without trials', () => {
    expect(wilson(0, 0)).to.deep.equal({ k: 0, n: 0, value: null, low: null, high: null });
  });

  it('narrows as n grows at the same share', () => {
    const widths = [10, 100, 1000, 10000].map((n) => {
      const w = wilson(n / 2, n);
      return w.high! - w.low!;
    });
    for (let i = 1; i < widths.length; i++) expect(widths[i]).to.be.below(widths[i - 1]!);
  });

  it('refuses what is not a proportion', () => {
    for (const [k, n] of [
      [-1, 5],
      [6, 5],
      [1.5, 5],
      [1, Number.NaN],
    ])
      expect(() => wilson(k!, n!), `${k}/${n}`).to.throw(RangeError);
  });
});
