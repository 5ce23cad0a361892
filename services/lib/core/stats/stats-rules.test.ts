// The edges of the two statistics the scoreboard shows: bucket 0 of the latency histogram is reported as
// 0 ms, a window's sum keeps the histogram's 200 buckets, and the Wilson interval at n/n ends at exactly 1
// where floating point alone would stop just short of it (10/10: centre + half = 0.9999999999999999).
import { expect } from 'chai';
import { addInto, BUCKETS, emptyHistogram, percentile, record } from './histogram.js';
import { wilson } from './wilson.js';

describe('stats rules: histogram buckets', () => {
  it('observations below 1 ms (bucket 0) are reported as 0 ms, the first bucket above as 1 ms', () => {
    const h = emptyHistogram();
    for (const ms of [0, 0.4, 0.999]) record(h, ms);
    expect(percentile(h, 100)).to.equal(0);
    record(h, 1);
    expect(percentile(h, 100), '1 ms: bucket 1, geometric midpoint 1.1^0.5 ≈ 1.05').to.equal(1);
  });

  it('a window summed from its days keeps exactly the histogram’s buckets', () => {
    const day = emptyHistogram();
    record(day, 86_400_000 * 30); // a month: the last bucket
    const window = addInto(addInto(emptyHistogram(), day), day);
    expect(window).to.have.length(BUCKETS);
    expect(window[BUCKETS - 1]).to.equal(2);
  });
});

describe('stats rules: Wilson interval at the ends', () => {
  // Newcombe (1998), table I lists 0/10 → 0–0.2775; n/n is its mirror image.
  it('10/10 → 0.7225–1, the upper bound exactly 1', () => {
    const w = wilson(10, 10);
    expect(w.low).to.be.closeTo(0.7225, 0.00005);
    expect(w.high).to.equal(1);
  });

  it('says which k and n it refuses', () => {
    expect(() => wilson(6, 5)).to.throw(RangeError, 'wilson: need integers 0 ≤ k ≤ n, got k=6 n=5');
  });
});
