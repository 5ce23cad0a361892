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

  it('over a window, only the samples added within it count', () => {
    let now = 1_000_000;
    const r = new LagRing(100, () => now);
    for (let i = 0; i < 10; i++) r.add(900_000);
    now += 120_000;
    for (let i = 1; i <= 4; i++) r.add(i * 100);
    expect(r.percentile(100, 60_000)).to.equal(400);
    expect(r.percentile(50, 60_000)).to.equal(200);
    expect(r.percentile(100)).to.equal(900_000);
    now += 120_000;
    expect(r.percentile(50, 60_000)).to.equal(null);
  });
});
