import { expect } from 'chai';
import { findErrorMarkers, rankMarkers } from './excerpt.js';
import { findMarkers, scoreLine } from './markers.js';

const filler = (from: number, to: number) =>
  Array.from({ length: to - from + 1 }, (_, i) => `compiling module ${from + i} of the project, all fine`);

describe('findErrorMarkers', () => {
  const positives: [string, number][] = [
    ['The command "npm test" exited with 1.', 10],
    ['Process completed with exit code 2.', 10],
    ['[INFO] BUILD FAILURE', 10],
    ['Traceback (most recent call last):', 10],
    ['=================================== FAILURES ===================================', 9],
    ['There were 2 failures:', 9],
    ['src/main.c:12:5: error: expected ‘;’ before ‘}’ token', 9],
    ['error[E0425]: cannot find value `x` in this scope', 9],
    ['panic: runtime error: index out of range', 9],
    ['Segmentation fault (core dumped)', 9],
    ['--- FAIL: TestParse (0.00s)', 9],
    [' FAIL  test/app.test.js', 9],
    ['make: *** [Makefile:12: all] Error 2', 8],
    ['cc1: all warnings being treated as errors', 8],
    ['Failing due to -Werror.', 8],
    ['npm ERR! code ELIFECYCLE', 8],
    ['[error] one error found', 8],
    ['java.lang.NullPointerException: boom', 8],
    ['TypeError: undefined is not a function', 8],
    ['E       AssertionError: assert 1 == 2', 8],
    ['not ok 3 - parses dates', 8],
    ['  ✖ parses dates', 8],
    ['  ✖ 2 tests failed', 10],
    ['Tests: 1 failed, 216 passed, 217 total', 8],
    ['AssertionError [ERR_ASSERTION]', 8],
    ['Could not resolve dependencies for project app', 7],
    ['cat: missing.txt: No such file or directory', 7],
    ['bash: foo: command not found', 7],
    ['Killed', 7],
    ['OOM killer invoked', 7],
    ['The job timed out after 60 minutes', 7],
    ['  1) test reloads on every request', 6],
    ['  1. [L0153] 404 http://example.com/img.png', 6],
    ['Opening connection...failed', 6],
    ['unexpected token in JSON', 4],
  ];
  for (const [line, score] of positives) {
    it(`${JSON.stringify(line)} scores ${score}`, () => {
      expect(scoreLine(line)?.score).to.equal(score);
    });
  }

  const negatives = [
    'Compiling error_handler.c',
    'Executed 12 tests, 0 failures, 0 errors',
    'Tests run: 12, Failures: 0, Errors: 0, Skipped: 0',
    'gcc -Werror -Wall -o app main.c',
    'jest --bail --fail-fast',
    'installing packages',
    '',
  ];
  for (const line of negatives) {
    it(`${JSON.stringify(line)} is not a marker`, () => expect(scoreLine(line)).to.equal(undefined));
  }

  const weak = [
    '✓ handles errors gracefully',
    '[warn] RuntimeException is deprecated',
    'src/a.c:3:1: warning: unused variable',
    'test_error_path ... ok',
  ];
  for (const line of weak) {
    it(`${JSON.stringify(line)} is a weak hint at most`, () => expect(scoreLine(line)?.score ?? 0).to.be.at.most(3));
  }

  // A warning is not a failure, whatever it mentions: it scores 3, below the weakest error word (4) and above
  // a success report (2); a failed command or build (10) stays what it is even on a warning line.
  const warnings: [string, number, string][] = [
    ['[warn] RuntimeException is deprecated', 3, 'error-word'],
    ['main.go:3:2: warning: Error: shadowed', 3, 'exception'],
    ['WARNING: some FAILED checks are optional', 3, 'fail'],
    ['warning: undefined reference to `foo`', 3, 'environment'],
    ['src/a.c:3:1: warning: unused variable', 2, 'warning'],
    ['npm WARN deprecated request@2.88.0', 2, 'warning'],
    ['warning: command exited with status 1', 10, 'exit-status'],
  ];
  for (const [line, score, rule] of warnings) {
    it(`the warning ${JSON.stringify(line)} scores ${score} (${rule})`, () =>
      expect(scoreLine(line)).to.include({ score, rule }));
  }
  it('ranks a warning that mentions an error below an error line and above a success report', () => {
    const scores = ['unexpected token in JSON', '[warn] RuntimeException is deprecated', '✓ handles errors'].map(
      (l) => scoreLine(l)?.score ?? 0,
    );
    expect(scores[0]).to.be.above(scores[1]!);
    expect(scores[1]).to.be.above(scores[2]!);
  });

  it('returns 1-based lines in order with scores', () => {
    expect(findErrorMarkers(['ok', 'TypeError: boom', 'fine', 'FAILED', 'unexpected end'])).to.deep.equal([
      { line: 2, score: 8 },
      { line: 4, score: 9 },
      { line: 5, score: 4 },
    ]);
  });

  it('ranks stronger markers first, then later ones', () => {
    const lines = filler(1, 1000);
    lines[499] = 'The command "make" exited with 2.';
    lines[501] = 'FAILED b';
    lines[502] = 'unexpected c';
    lines[503] = 'FAILED d';
    expect(rankMarkers(findMarkers(lines), lines.length).map((m) => m.line)).to.deep.equal([500, 504, 502, 503]);
  });

  it('lets position outweigh one point of score: a failure at the end before one at the start', () => {
    const lines = ['FAILED early', ...filler(2, 999), 'TypeError: at the end'];
    expect(rankMarkers(findMarkers(lines), lines.length).map((m) => m.line)).to.deep.equal([1000, 1]);
  });

  it('only scans the start of a huge line: an error word past it is not seen', () => {
    expect(scoreLine('a'.repeat(5_000_000) + ' Error: late')).to.equal(undefined);
  });
});
