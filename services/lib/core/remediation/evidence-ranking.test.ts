// How findEvidence ranks its candidates: by the step they are in (the failed commands first), by how many
// markers stand together, by what a marker says (a bare `FAIL` only announces a failure), and which lines
// are never evidence of their own (exit lines, boilerplate).
import { expect } from 'chai';
import { findEvidence } from './evidence.js';

const filler = (n: number, what = 'output') => Array.from({ length: n }, (_, i) => `${what} line ${i + 1}`);
/** [rule, key line, start, end] of each evidence range, best first. */
const ranges = (lines: string[]) => findEvidence(lines).map((e) => [e.rule, e.line, e.start, e.end]);

describe('evidence: the weight of a step', () => {
  const ERROR = 'Error: connect ECONNREFUSED 127.0.0.1:5432';
  /** Three steps of 26 lines, each with the same error on its second line, exiting with `statuses`. */
  const threeSteps = (statuses: [number, number, number]) =>
    statuses.flatMap((status, k) => [
      `$ ./step${k + 1}.sh`,
      ERROR,
      ...filler(23),
      `The command "./step${k + 1}.sh" exited with ${status}.`,
    ]);
  /** The score of the error of step `k` (1-based) in the log of `statuses`. */
  const scoreOf = (statuses: [number, number, number], k: number) => {
    const line = 26 * (k - 1) + 2;
    const evidence = findEvidence(threeSteps(statuses));
    const e = evidence.find((x) => x.line === line);
    expect(e, JSON.stringify(evidence)).to.not.equal(undefined);
    return e!.score;
  };

  it('given several failed steps, then the first and the last weigh as much as an only failed step', () => {
    expect(scoreOf([1, 1, 1], 1)).to.equal(scoreOf([1, 0, 0], 1));
    expect(scoreOf([1, 1, 1], 3)).to.equal(scoreOf([0, 0, 1], 3));
  });

  it('given three failed steps, then the one between weighs a point less than an only failed step', () => {
    expect(scoreOf([0, 1, 0], 2) - scoreOf([1, 1, 1], 2)).to.be.closeTo(1, 1e-9);
  });

  it('given a failed step, then a passing step weighs 3 points less, also when it ends the log', () => {
    expect(scoreOf([0, 1, 0], 2) - scoreOf([1, 0, 1], 2)).to.be.closeTo(3, 1e-9);
    expect(scoreOf([0, 0, 1], 3) - scoreOf([1, 0, 0], 3)).to.be.closeTo(3, 1e-9);
  });

  it('given no failed step, then the last step weighs as much as a failed one and the others nothing', () => {
    expect(scoreOf([0, 0, 0], 3)).to.equal(scoreOf([0, 0, 1], 3));
    expect(scoreOf([0, 0, 0], 1)).to.equal(scoreOf([0, 1, 0], 1));
  });

  it('given a log cut off right after an error, then the error counts in the last step, not in the first', () => {
    const lines = [
      '$ ./configure',
      'The command "./configure" exited with 0.',
      '$ make',
      'src/x.c:3:1: error: unknown type name ‘foo’',
    ];
    expect(ranges(lines)[0]).to.deep.equal(['compiler-error', 4, 1, 4]);
  });

  it('given a failed step followed by a passing one, then the passing one gives no evidence', () => {
    const lines = [
      '$ make build',
      'cc -c src/x.c',
      'The command "make build" exited with 2.',
      '$ make docs',
      'docs built in site/',
      'The command "make docs" exited with 0.',
    ];
    expect(ranges(lines)).to.deep.equal([
      ['last-output', 2, 2, 2],
      ['exit-status', 3, 3, 3],
    ]);
  });

  it('given two failed steps with equally strong evidence, then the later one comes first', () => {
    const lines = ['$ a', 'out a', 'The command "a" exited with 1.', '$ b', 'out b', 'The command "b" exited with 1.'];
    expect(ranges(lines)).to.deep.equal([
      ['last-output', 5, 5, 5],
      ['last-output', 2, 2, 2],
      ['exit-status', 6, 6, 6],
      ['exit-status', 3, 3, 3],
    ]);
  });
});

describe('evidence: clusters outweigh the last output', () => {
  /** A failed `node src/run.js` whose output is `output`, then a passing cleanup step. */
  const failedRun = (output: string[]) => [
    '$ node src/run.js',
    ...output,
    '    at handler (src/api.js:12:7)',
    'Node.js v20.11.0',
    'The command "node src/run.js" exited with 1.',
    '$ ./cleanup.sh',
    ...filler(12, 'removed'),
    'The command "./cleanup.sh" exited with 0.',
  ];
  const TYPE_ERROR = 'TypeError: Cannot read properties of undefined (reading "id")';

  it('given one error line in a failed command, then the last output comes first and covers it', () => {
    expect(findEvidence(failedRun([TYPE_ERROR]))[0]).to.include({ rule: 'last-output', line: 4, start: 2 });
  });

  it('given an error line and a warning next to it, then the last output still comes first', () => {
    const output = ['(node:123) Warning: Accessing non-existent property "id"', TYPE_ERROR];
    expect(findEvidence(failedRun(output))[0]).to.include({ rule: 'last-output', line: 5, start: 2 });
  });

  it('given five error lines together, then the strongest of them comes first', () => {
    const output = [
      '(node:123) Warning: Accessing non-existent property "id"',
      '(node:123) Warning: Accessing non-existent property "name"',
      'Error: request failed with status 500',
      '(node:123) Warning: Closing file descriptor 21 on garbage collection',
      TYPE_ERROR,
    ];
    expect(findEvidence(failedRun(output))[0]).to.include({ line: 4 });
    expect(findEvidence(failedRun(output))[0]!.rule).to.not.equal('last-output');
  });
});

describe('evidence: lines that are not evidence of their own', () => {
  it('given an error right above the exit line, then the exit line does not join it into a cluster', () => {
    const lines = ['$ npm test', 'TypeError: x is not a function', 'The command "npm test" exited with 1.'];
    expect(ranges(lines)).to.deep.equal([
      ['last-output', 2, 2, 2],
      ['exit-status', 3, 3, 3],
    ]);
  });

  it("given npm's boilerplate below an error, then it is neither a marker nor the last output", () => {
    const lines = [
      '$ npm test',
      'TypeError: x is not a function',
      'npm ERR! code ELIFECYCLE',
      'npm ERR! errno 1',
      'The command "npm test" exited with 1.',
    ];
    expect(ranges(lines)).to.deep.equal([
      ['last-output', 2, 2, 2],
      ['exit-status', 5, 5, 5],
    ]);
  });

  it('given a failed command whose output is only boilerplate, then there is no last output, only the exit line', () => {
    const lines = ['$ make check', '', 'make: *** [check] Error 1', 'The command "make check" exited with 2.'];
    expect(ranges(lines)).to.deep.equal([['exit-status', 4, 4, 4]]);
  });

  it("given a tool's own exit-status line above the step's exit line, then the last output is above both", () => {
    const lines = [
      ...filler(20, 'setup'),
      '$ tox -e py39',
      'E   AssertionError: assert 1 == 2',
      'ERROR: InvocationError for command /app/.tox/py39/bin/pytest (exited with code 1)',
      'The command "tox -e py39" exited with 1.',
      '$ ./upload-coverage.sh',
      ...filler(30, 'uploaded'),
      'The command "./upload-coverage.sh" exited with 0.',
    ];
    expect(findEvidence(lines)[0]).to.include({ rule: 'last-output', line: 22, end: 22 });
  });
});

describe('evidence: the strength of a marker', () => {
  /** The score of `marker` in the output of a failed `go test`, 20 lines into the log and far above its end. */
  const scoreOf = (marker: string) => {
    const passed = Array.from({ length: 25 }, (_, i) => `ok  \tgithub.com/acme/pkg${i + 1}\t0.011s`);
    const lines = [
      ...filler(20, 'setup'),
      '$ go test ./...',
      marker,
      ...passed,
      'The command "go test ./..." exited with 1.',
    ];
    const evidence = findEvidence(lines);
    const e = evidence.find((x) => x.line === 22);
    expect(e, JSON.stringify(evidence)).to.not.equal(undefined);
    return e!.score;
  };

  it('given a FAIL line with fewer than 3 other letters, then it only announces the failure: 3 points less', () => {
    expect(scoreOf('FAIL: net') - scoreOf('FAIL: io')).to.be.closeTo(3, 1e-9);
    expect(scoreOf('FAIL\tgithub.com/acme/api\t0.012s') - scoreOf('FAIL')).to.be.closeTo(3, 1e-9);
  });

  it('reads only the first 400 characters of a FAIL line for what it names', () => {
    expect(scoreOf(`FAIL${' '.repeat(400)}github.com/acme/api`)).to.equal(scoreOf('FAIL'));
  });

  it('given a bare ERROR line, then it keeps its strength: only bare FAIL lines are weakened', () => {
    expect(scoreOf('ERROR')).to.equal(scoreOf('ERROR disk quota exceeded'));
  });
});
