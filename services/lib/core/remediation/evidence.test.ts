import { expect } from 'chai';
import {
  exitStatus,
  exitStatusOfLog,
  extractEvidence,
  findEvidence,
  isBoilerplate,
  MAX_RANGE_LINES,
  MAX_RANGES,
} from './evidence.js';

const filler = (n: number, what = 'building') => Array.from({ length: n }, (_, i) => `${what} step ${i + 1} ok`);

/** A log of `before` filler lines, then `body`, then `after` filler lines; and where `body` starts (1-based). */
function logWith(body: string[], before = 300, after = 0): { lines: string[]; at: number } {
  return { lines: [...filler(before), ...body, ...filler(after, 'cleanup')], at: before + 1 };
}

const overlaps = (e: { start_line: number; end_line: number }, from: number, to: number) =>
  e.start_line <= to && from <= e.end_line;

describe('extractEvidence', () => {
  const cases: { name: string; body: string[]; explains: [number, number]; reason: RegExp }[] = [
    {
      name: 'a failing mocha test above npm boilerplate',
      body: [
        '$ npm test',
        '  14 passing (2s)',
        '  1 failing',
        '',
        '  1) parser',
        '       parses dates:',
        '     AssertionError: expected 1 to equal 2',
        '      at Context.<anonymous> (test/parser.test.js:12:5)',
        '',
        'npm ERR! Test failed.  See above for more details.',
        '',
        'The command "npm test" exited with 1.',
      ],
      explains: [5, 8],
      reason: /failing test|assertion|exception|failure count|last output/,
    },
    {
      name: 'a C compiler error followed by make boilerplate',
      body: [
        '$ make',
        'cc -c src/a.c',
        'src/a.c:12:5: error: expected ‘;’ before ‘}’ token',
        '   12 |   return x',
        '      |           ^',
        'make: *** [Makefile:4: a.o] Error 1',
        'The command "make" exited with 2.',
      ],
      explains: [3, 3],
      reason: /compiler error/,
    },
    {
      name: 'a maven compilation failure with its help boilerplate',
      body: [
        '$ mvn -B verify',
        '[INFO] Compiling 12 source files',
        '[ERROR] /home/runner/work/app/app/src/main/java/App.java:[3,8] cannot find symbol',
        '[ERROR]   symbol:   class Foo',
        '[INFO] BUILD FAILURE',
        '[ERROR] Failed to execute goal org.apache.maven.plugins:maven-compiler-plugin:3.8.1:compile (default-compile) on project app: Compilation failure',
        '[ERROR] -> [Help 1]',
        '[ERROR] ',
        '[ERROR] To see the full stack trace of the errors, re-run Maven with the -e switch.',
        '##[error]Process completed with exit code 1.',
      ],
      explains: [3, 4],
      reason: /error/,
    },
    {
      name: "a python traceback's last line",
      body: [
        '$ python -m app',
        'Traceback (most recent call last):',
        '  File "app/__main__.py", line 3, in <module>',
        '    main()',
        '  File "app/main.py", line 9, in main',
        '    raise ValueError("bad config")',
        'ValueError: bad config',
        'ERROR: Job failed: exit code 1',
      ],
      explains: [7, 7],
      reason: /stack trace|exception|last output/,
    },
    {
      name: 'a failing go test',
      body: [
        '$ go test ./...',
        '=== RUN   TestParse',
        '--- FAIL: TestParse (0.00s)',
        '    parse_test.go:14: expected 2, got 3',
        'FAIL',
        'FAIL\texample.com/app\t0.012s',
        'The command "go test ./..." exited with 1.',
      ],
      explains: [3, 4],
      reason: /failing test|last output/,
    },
    {
      name: 'a linter report without any error word',
      body: [
        '$ script/lint',
        'src/registry.js:635 Replace `a` with `b` (prettier/prettier)',
        'src/registry.js:636 Insert `;` (prettier/prettier)',
        'The command "script/lint" exited with 1.',
      ],
      explains: [2, 3],
      reason: /last output/,
    },
    {
      name: 'a command killed by timeout(1)',
      body: [
        '$ timeout 35m ci/build.sh',
        'compiling module 1',
        'compiling module 2',
        'The command "timeout 35m ci/build.sh" exited with 124.',
      ],
      explains: [4, 4],
      reason: /exit line/,
    },
  ];
  for (const c of cases) {
    it(`finds ${c.name} in the top 3`, () => {
      const { lines, at } = logWith(c.body, 300, 40);
      const [from, to] = [at + c.explains[0] - 1, at + c.explains[1] - 1];
      const evidence = extractEvidence(lines);
      const hit = evidence.slice(0, 3).find((e) => overlaps(e, from, to));
      expect(hit, JSON.stringify(evidence.slice(0, 3))).to.not.equal(undefined);
      expect(hit!.reason).to.match(c.reason);
    });
  }

  it('ranks the explanation in the failed step above errors of steps that passed', () => {
    const lines = [
      '$ npm install',
      'npm WARN deprecated request@2.88.0',
      'Error: something noisy but harmless',
      'The command "npm install" exited with 0.',
      ...filler(200),
      '$ npm test',
      'TypeError: Cannot read properties of undefined (reading "x")',
      '    at render (src/view.js:10:3)',
      'The command "npm test" exited with 1.',
      'Done. Your build exited with 1.',
    ];
    const top = extractEvidence(lines)[0]!;
    expect(overlaps(top, 206, 206), JSON.stringify(top)).to.equal(true);
  });

  it('finds the failure of an earlier failed step, far from the end of the log', () => {
    const lines = [
      '$ make build',
      'src/x.c:1:1: error: unknown type name ‘foo’',
      'The command "make build" exited with 2.',
      ...filler(5000),
      '$ make docs',
      'The command "make docs" exited with 0.',
    ];
    expect(
      extractEvidence(lines)
        .slice(0, 3)
        .some((e) => overlaps(e, 2, 2)),
    ).to.equal(true);
  });

  it('returns well-formed ranges: ≤ 20 lines, ≤ 10 ranges, in the log, short reasons, non-overlapping', () => {
    let seed = 7;
    const rand = (k: number) => {
      seed = (seed * 1103515245 + 12345) % 2147483648;
      return seed % k;
    };
    const words = [
      'ok',
      'Error: boom',
      'FAILED',
      'The command "x" exited with 1.',
      '$ run',
      '',
      'npm ERR! code ELIFECYCLE',
      'at f (a.js:1:2)',
      'x'.repeat(3000),
      'warning: y',
    ];
    for (let t = 0; t < 100; t++) {
      const lines = Array.from({ length: 1 + rand(600) }, () => words[rand(words.length)]!);
      const evidence = extractEvidence(lines);
      expect(evidence.length).to.be.at.most(MAX_RANGES);
      for (const e of evidence) {
        expect(e.start_line).to.be.at.least(1);
        expect(e.end_line).to.be.at.least(e.start_line);
        expect(e.end_line).to.be.at.most(lines.length);
        expect(e.end_line - e.start_line + 1).to.be.at.most(MAX_RANGE_LINES);
        expect(e.reason.length).to.be.within(1, 200);
      }
      const sorted = [...evidence].sort((a, b) => a.start_line - b.start_line);
      for (let i = 1; i < sorted.length; i++) expect(sorted[i]!.start_line).to.be.above(sorted[i - 1]!.end_line);
    }
  });

  it('honours max and finds nothing in an empty log', () => {
    const lines = Array.from({ length: 400 }, (_, i) => (i % 30 === 0 ? `Error: failure ${i}` : `fine ${i}`));
    expect(extractEvidence(lines, { max: 2 })).to.have.length(2);
    expect(extractEvidence([])).to.deep.equal([]);
  });

  it('gives the key line of every range within it', () => {
    const { lines } = logWith(
      [
        '$ npm test',
        'Error: Cannot find module "x"',
        '    at require (internal.js:1:1)',
        'The command "npm test" exited with 1.',
      ],
      100,
      10,
    );
    const evidence = findEvidence(lines);
    expect(evidence).to.not.have.length(0);
    expect(evidence[0]!.line, "the error line is the best range's key line").to.equal(102);
    for (const e of evidence) expect(e.line).to.be.within(e.start, e.end);
  });

  // A command stopped from outside (timeout(1)'s 124, 128 + a signal) says more than its last output; a
  // command that failed by itself is explained by its output.
  const statuses: [number, 'exit-status' | 'last-output'][] = [
    [124, 'exit-status'],
    [129, 'exit-status'],
    [137, 'exit-status'],
    [143, 'exit-status'],
    [159, 'exit-status'],
    [1, 'last-output'],
    [123, 'last-output'],
    [125, 'last-output'],
    [128, 'last-output'],
    [160, 'last-output'],
  ];
  for (const [status, rule] of statuses) {
    it(`takes the ${rule === 'exit-status' ? 'exit line' : 'last output'} first when a command exits with ${status}`, () => {
      const lines = [
        ...filler(50),
        '$ ./build.sh',
        'compiling module 1',
        'compiling module 2',
        `The command "./build.sh" exited with ${status}.`,
      ];
      const [first] = findEvidence(lines);
      expect(first, JSON.stringify(findEvidence(lines))).to.include({ rule, line: rule === 'exit-status' ? 54 : 53 });
    });
  }

  it('makes the explanation, not the failure count above it, the key line of a mocha report', () => {
    const lines = [
      ...filler(50),
      '$ npm test',
      '  3 passing (2s)',
      '  1 failing',
      '',
      '  1) parser parses dates:',
      '     TypeError: Cannot read properties of undefined',
      '      at parse (src/parser.js:10:3)',
      '',
      'The command "npm test" exited with 1.',
    ];
    const [first] = findEvidence(lines);
    expect(first, JSON.stringify(first)).to.include({ line: 56, rule: 'exception', reason: 'exception' });
    expect(first!.start).to.be.at.most(53);
  });
});

describe('exit lines and boilerplate', () => {
  const exits: [string, number | undefined][] = [
    ['The command "npm test" exited with 1.', 1],
    ['" exited with 2.', 2],
    ['The command "make" exited with 0.', 0],
    ['##[error]Process completed with exit code 137.', 137],
    ['ERROR: Job failed: exit code 1', 1],
    ["##[error]Bash exited with code '1'.", 1],
    ['ERROR: script returned exit code 2', 2],
    ['Exited with code exit status 1', 1],
    ['# Looks like your test exited with 11 before it could output anything.', undefined],
    ['Done. Your build exited with 1.', undefined],
  ];
  for (const [line, status] of exits)
    it(`${JSON.stringify(line)} → ${status}`, () => expect(exitStatus(line)).to.equal(status));

  it('tells the status of the last failed step', () => {
    expect(
      exitStatusOfLog([
        '$ a',
        'The command "a" exited with 2.',
        '$ b',
        'The command "b" exited with 137.',
        '$ c',
        'The command "c" exited with 0.',
      ]),
    ).to.equal(137);
    expect(exitStatusOfLog(['all good'])).to.equal(undefined);
  });

  const boilerplate = [
    'npm ERR! code ELIFECYCLE',
    'npm ERR! A complete log of this run can be found in:',
    'make: *** [all] Error 2',
    '[ERROR] -> [Help 1]',
    'travis_time:end:1:start=2',
    'info Visit https://yarnpkg.com/en/docs/cli/run for documentation about this command.',
    '',
  ];
  for (const line of boilerplate)
    it(`${JSON.stringify(line)} is boilerplate`, () => expect(isBoilerplate(line)).to.equal(true));
  for (const line of [
    'npm ERR! 404 Not Found - GET https://registry.npmjs.org/nope',
    'src/a.c:1:1: error: x',
    'AssertionError: no',
  ]) {
    it(`${JSON.stringify(line)} is not boilerplate`, () => expect(isBoilerplate(line)).to.equal(false));
  }
});
