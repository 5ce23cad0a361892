import { expect } from 'chai';
import { failingCommands, featuresOf, linesByPlace, wordsOf } from './features.js';

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

  it('names the rules by place, the verdicts, the format, the position and the best range’s words', () => {
    const f = featuresOf(lines, evidence);
    expect(f).to.include.members(['bias', 'top1:compiler-error', 'top3:assertion', 'verdict:compilation']);
    expect(f).to.include.members(['tail-verdict:compilation', 'w:src', 'w:error']);
    expect(f).not.to.include('w:assertionerror');
    expect(f.some((k) => k.startsWith('format:'))).to.equal(true);
    expect(f).to.include('top1-at:end');
  });

  it('has no verdict and no position without evidence', () => {
    expect(featuresOf(['ok'], [])).to.include.members(['verdict:none', 'evidence:none']);
    expect(featuresOf(['ok'], []).some((k) => k.startsWith('tail-verdict:'))).to.equal(false);
  });

  it('reads the tail’s verdict when the best range says nothing', () => {
    const log = ['lots of output', 'Error: access key must not be empty', 'Done. Your build exited with 1.'];
    expect(featuresOf(log, [{ start_line: 1, end_line: 1, reason: 'x' }])).to.include.members([
      'verdict:none',
      'tail-verdict:permissions',
    ]);
  });

  const words: [string, string[], string[]][] = [
    ['lower-case letter runs of 3 to 20', ['Error: Cannot find module'], ['error', 'cannot', 'find', 'module']],
    ['not digits, short runs or hashes split by digits', ['at a.js:12 x 0f3a9be1'], []],
    ['each once', ['fail fail FAIL'], ['fail']],
  ];
  for (const [what, input, want] of words) it(`words: ${what}`, () => expect(wordsOf(input)).to.deep.equal(want));

  const commands: [string, string[], string[]][] = [
    ['a failed step', ['x', 'The command "npm run lint" exited with 1.', 'Done.'], ['npm run lint']],
    ['an install step', ['The command "bundle install" failed and exited with 5 during .'], ['bundle install']],
    ['not a step that passed', ['The command "make" exited with 0.'], []],
  ];
  for (const [what, log, want] of commands) {
    it(`failing commands: ${what}`, () => expect(failingCommands(log)).to.deep.equal(want));
  }

  it('names the failing command’s words', () => {
    const log = ['$ npm run lint', 'x', 'The command "npm run lint" exited with 1.'];
    expect(featuresOf(log, [])).to.include.members(['cmd:npm', 'cmd:run', 'cmd:lint']);
  });
});
