import { expect } from 'chai';
import { clampLabel, contextRecall, covers, evidenceHit, percentile, share } from './measures.js';

const range = (start_line: number, end_line: number) => ({ start_line, end_line, reason: 'r' });

describe('measures', () => {
  it('clamps a label that ends past the last line', () => {
    expect(clampLabel({ start: 3, end: 9 }, 5)).to.deep.equal({ start: 3, end: 5 });
    expect(clampLabel({ start: 3, end: 4 }, 5)).to.deep.equal({ start: 3, end: 4 });
  });

  it('counts a label as covered only when one range holds all of it', () => {
    expect(covers([{ start: 1, end: 10 }], { start: 3, end: 10 })).to.equal(true);
    expect(
      covers(
        [
          { start: 1, end: 5 },
          { start: 6, end: 10 },
        ],
        { start: 4, end: 7 },
      ),
    ).to.equal(false);
  });

  it('hits evidence at k when one of the first k ranges overlaps the label', () => {
    const evidence = [range(1, 2), range(10, 12), range(20, 39)];
    expect(evidenceHit(evidence, { start: 12, end: 15 }, 1)).to.equal(false);
    expect(evidenceHit(evidence, { start: 12, end: 15 }, 2)).to.equal(true);
    expect(evidenceHit(evidence, { start: 40, end: 41 }, 3)).to.equal(false);
    expect(evidenceHit([], { start: 1, end: 1 }, 3)).to.equal(false);
  });

  it('recalls the context when the excerpt holds the labelled lines, strictly when none was cut', () => {
    const lines = Array.from({ length: 5000 }, (_, i) => `compiling module ${i + 1}, all fine`);
    lines[1999] = 'Error: the reason';
    expect(contextRecall(lines, { start: 2000, end: 2000 }, 16000)).to.deep.include({ hit: true, strict: true });
    expect(contextRecall(lines, { start: 10, end: 12 }, 16000)).to.deep.include({ hit: false, strict: false });
    lines[2000] = `Error: ${'x'.repeat(5000)}`;
    expect(contextRecall(lines, { start: 2000, end: 2001 }, 16000)).to.deep.include({ hit: true, strict: false });
  });

  it('takes nearest-rank percentiles', () => {
    const values = Array.from({ length: 100 }, (_, i) => 100 - i);
    expect(percentile(values, 50)).to.equal(50);
    expect(percentile(values, 99)).to.equal(99);
    expect(percentile([7], 99)).to.equal(7);
    expect(Number.isNaN(percentile([], 50))).to.equal(true);
  });

  it('keeps the counts of a share', () => {
    expect(share(1, 4)).to.deep.equal({ hits: 1, n: 4, rate: 0.25 });
    expect(Number.isNaN(share(0, 0).rate)).to.equal(true);
  });
});
