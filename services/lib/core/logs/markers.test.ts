import { expect } from 'chai';
import { findErrorMarkers, rankMarkers } from './excerpt.js';
import { findMarkers, isSuccessLine, scoreLine } from './markers.js';

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

describe('scoreLine: assertions and expectations', () => {
  // Assertion reports that no stronger rule claims: C's assert (glibc, ESP-IDF), Rust's assert_eq!, and an
  // expectation with its outcome (`expected X, got Y`) as Go tests and hand-written checks print it.
  const assertions: [string, string][] = [
    ["glibc's assert message", "app: main.c:12: main: Assertion `x > 0' failed."],
    ["ESP-IDF's assert message", 'assert failed: app_main main.c:10 (x == 1)'],
    ["Rust's assert_eq! message", 'assertion `left == right` failed'],
    ['a Go test\'s "expected …, got …"', '    parse_test.go:12: expected 3, got 4'],
    ['"Expected … but got …" at the start of a line', 'Expected "v2" but got "v1"'],
    ['"expected … received …"', 'status check: expected 200 received 404'],
    ['"expected … to equal …"', "expected 'v1' to equal 'v2'"],
    ['"expected … to be …"', 'expected response to be cached'],
    ['"expected …, actual …"', 'checksum mismatch, expected 3fa9, actual 77b0'],
  ];
  for (const [name, line] of assertions) {
    it(`given ${name}, then the line is an assertion marker (7)`, () =>
      expect(scoreLine(line)).to.include({ score: 7, rule: 'assertion' }));
  }

  const notExpectations: [string, string][] = [
    ['an outcome word but no "expected"', 'Restored the cache, but 3 keys were stale'],
    ['"expected" without an outcome', 'Checked 12 files: formatting as expected'],
    ['an outcome word only before "expected"', 'Build took 4 minutes but 3 were expected'],
    ['an outcome word right before "expected"', 'Smoke test got expected response from /health'],
  ];
  for (const [name, line] of notExpectations) {
    it(`given ${name}, then the line is not a marker`, () => expect(scoreLine(line)).to.equal(undefined));
  }

  // `expected` + gap characters + `got y`: the outcome counts within 200 characters of `expected`.
  const expectation = (gap: number) => `    store_test.go:31: expected ${'x'.repeat(gap - 2)} got y`;
  it('given the outcome 200 characters after "expected", then the line is an assertion marker', () =>
    expect(scoreLine(expectation(200))).to.include({ score: 7, rule: 'assertion' }));
  it('given the outcome 300 characters after "expected", then the line is not a marker', () =>
    expect(scoreLine(expectation(300))).to.equal(undefined));

  it('given a failed build that also reports passed tests, then it still scores 10 (no success cap)', () =>
    // CTest's summary: `passed` would cap a weaker marker at 2, not a failed build.
    expect(scoreLine('50% tests passed, 1 tests failed out of 2')).to.include({ score: 10, rule: 'build-failed' }));
});

describe('isSuccessLine', () => {
  const cases: [string, boolean][] = [
    ['PASS src/a.test.js', true],
    ['--- PASS: TestParse (0.00s)', true],
    ['  ✓ renders the page', true],
    ['OK (12 tests)', true],
    ['Tests: 1 failed, 216 passed, 217 total', false],
    ['--- FAIL: TestParse (0.00s)', false],
    ['compiling module 3 of the project', false],
  ];
  for (const [line, success] of cases) {
    it(`given ${JSON.stringify(line)}, then it is ${success ? '' : 'not '}a success line`, () =>
      expect(isSuccessLine(line)).to.equal(success));
  }

  it('given a huge line, then only its start is read: a success word past the scan is not seen', () =>
    expect(isSuccessLine('x'.repeat(3000) + ' PASS src/a.test.js')).to.equal(false));
});
