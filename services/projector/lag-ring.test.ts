import { expect } from 'chai';
import { LagRing } from './projector.js';

describe('projector: end-to-end lag ring', () => {
  it('gives nearest-rank percentiles of what it holds', () => {
    const r = new LagRing(1000);
    expect(r.percentile(50)).to.equal(null);
    for (let i = 1; i <= 100; i++) r.add(i);
    expect(r.percentile(50)).to.equal(50);
    expect(r.percentile(99)).to.equal(99);
    expect(r.percentile(100)).to.equal(100);
  });

  it('keeps only the newest `size` samples', () => {
    const r = new LagRing(10);
    for (let i = 1; i <= 25; i++) r.add(i);
    expect(r.n).to.equal(10);
    expect(r.percentile(0.1)).to.equal(16);
    expect(r.percentile(100)).to.equal(25);
  });
});
