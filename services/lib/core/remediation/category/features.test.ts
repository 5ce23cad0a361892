import { expect } from 'chai';
import { featuresOf, linesByPlace } from './features.js';

const lines = ['$ make test', 'src/a.c:1:1: error: x', 'AssertionError: no', 'make: *** [all] Error 1', 'done'];
const evidence = [
  { start_line: 2, end_line: 2, reason: 'a' },
  { start_line: 3, end_line: 3, reason: 'b' },
];

describe('category features', () => {
  it('groups the evidence lines by place and keeps the rest of the tail apart', () => {
    expect(linesByPlace(lines, evidence)).to.deep.equal({
      top1: [lines[1]],
      top3: [lines[2]],
      rest: [],
      tail: [lines[0], lines[3], lines[4]],
    });
  });

  it('names the rules by place, the verdict, the format and the position', () => {
    const f = featuresOf(lines, evidence);
    expect(f).to.include.members(['bias', 'top1:compiler-error', 'top3:assertion', 'verdict:compilation']);
    expect(f.some((k) => k.startsWith('format:'))).to.equal(true);
    expect(f).to.include('top1-at:end');
  });

  it('has no verdict and no position without evidence', () => {
    expect(featuresOf(['ok'], [])).to.include.members(['verdict:none', 'evidence:none']);
  });
});
