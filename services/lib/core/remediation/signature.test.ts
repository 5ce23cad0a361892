import { expect } from 'chai';
import { createHash } from 'node:crypto';
import proposed from '../../../../schemas/ci.remediation.events.v1/RemediationProposed.v1.json' with { type: 'json' };
import { failureSignature, normaliseLine } from './signature.js';

const filler = (n: number) => Array.from({ length: n }, (_, i) => `step ${i + 1} ok`);
/** A CI log whose failing command printed `error` lines. */
const logOf = (...error: string[]) => [
  '$ make test',
  ...filler(50),
  ...error,
  'The command "make test" exited with 2.',
];
const SIGNATURE = new RegExp(proposed.properties.signature.pattern);

describe('failureSignature', () => {
  const sameFailure: [string, string, string][] = [
    ['timestamps', '2019-08-01T15:12:45.123Z ERROR request failed', '2021-01-30T01:02:03Z ERROR request failed'],
    [
      'clock times and durations',
      '[02:22:53] Error: timeout of 2000ms exceeded after 2.5s',
      '[14:01:09] Error: timeout of 3000ms exceeded after 10.01s',
    ],
    [
      'numbers and line numbers',
      'src/app.js:12:5: error: x is not defined (3 errors)',
      'src/app.js:40:9: error: x is not defined (7 errors)',
    ],
    [
      'hashes and addresses',
      'fatal: bad object 3a3d8b83571205b8329d4ee25537e3cc4397c3b8 at 0x61b000080607',
      'fatal: bad object e80b84a3ea5aadabb2d5aba7daaf3d3a12345678 at 0x7fff0000aaaa',
    ],
    [
      'UUIDs',
      'Error: job 0b4e9a64-5c1d-4f1e-9b8e-2f6a7c3d9e10 not found',
      'Error: job 7d0e2f31-aa12-4c3b-8d9e-0123456789ab not found',
    ],
    [
      'IP addresses and ports',
      'Error: connect ECONNREFUSED 127.0.0.1:5432',
      'Error: connect ECONNREFUSED 10.0.3.17:41877',
    ],
    [
      'temporary directories',
      "Error: ENOENT: no such file or directory, open '/tmp/npm-4815-a86f398f/package.json'",
      "Error: ENOENT: no such file or directory, open '/tmp/npm-977-0c1d2e3f/package.json'",
    ],
    [
      'home and workspace directories',
      'Error: Cannot find module /home/travis/build/acme/app/lib/x.js',
      'Error: Cannot find module /Users/travis/build/acme/app/lib/x.js',
    ],
    [
      'macOS temporary directories',
      'Error: cannot read /var/folders/bb/n7t3rs157850byt_jfdcq9k80000gn/T/dir/a.txt',
      'Error: cannot read /var/folders/x1/abcdef/T/dir/a.txt',
    ],
  ];
  for (const [what, a, b] of sameFailure) {
    it(`is stable across ${what}`, () => expect(failureSignature(logOf(a))).to.equal(failureSignature(logOf(b))));
  }

  const differentFailures: [string, string, string][] = [
    ['error messages', 'Error: Cannot find module "left-pad"', 'Error: Cannot find module "right-pad"'],
    ['failing tests', '--- FAIL: TestParseDates (0.01s)', '--- FAIL: TestParseTimes (0.01s)'],
    ['exception types', 'TypeError: x is undefined', 'RangeError: x is undefined'],
    ['files', 'src/parser.c:1:1: error: unknown type name', 'src/lexer.c:1:1: error: unknown type name'],
  ];
  for (const [what, a, b] of differentFailures) {
    it(`tells apart different ${what}`, () =>
      expect(failureSignature(logOf(a))).to.not.equal(failureSignature(logOf(b))));
  }

  it('does not depend on where in the log the failure is', () => {
    const a = logOf('TypeError: x is undefined');
    expect(failureSignature(['extra', 'lines', ...a])).to.equal(failureSignature(a));
  });

  it('is 32 lowercase hex digits, as the event schema wants, even for an empty log', () => {
    for (const lines of [logOf('Error: boom'), [''], []]) {
      const s = failureSignature(lines);
      expect(s).to.match(/^[0-9a-f]{32}$/);
      expect(s).to.match(SIGNATURE);
    }
  });

  it('uses the evidence it is given', () => {
    const lines = ['Error: first', 'ok', 'Error: second'];
    const first = failureSignature(lines, [{ start_line: 1, end_line: 1, reason: 'x' }]);
    expect(first).to.not.equal(failureSignature(lines, [{ start_line: 3, end_line: 3, reason: 'x' }]));
    expect(first).to.equal(failureSignature(['Error: first'], [{ start_line: 1, end_line: 1, reason: 'y' }]));
  });

  it('is the hash of the two strongest error lines of the range, the first ones among equals, in log order', () => {
    const range = [{ start_line: 1, end_line: 5, reason: 'x' }];
    const lines = ['Error: alpha', 'Error: beta', 'building', 'Error: gamma', 'Traceback (most recent call last):'];
    // The traceback (10) is stronger than the error lines (9 each); of these, alpha comes first.
    const expected = createHash('sha256')
      .update('error: alpha\ntraceback (most recent call last):')
      .digest()
      .subarray(0, 16);
    expect(failureSignature(lines, range)).to.equal(expected.toString('hex'));
    const equals = ['Error: alpha', 'Error: beta', 'Error: gamma'];
    const sig = failureSignature(equals, range);
    expect(
      failureSignature(['Error: alpha', 'Error: beta', 'Error: other'], range),
      'the third does not count',
    ).to.equal(sig);
    expect(failureSignature(['Error: other', 'Error: beta', 'Error: gamma'], range), 'the first counts').to.not.equal(
      sig,
    );
  });
});

describe('normaliseLine', () => {
  const table: [string, string][] = [
    ['  Error:   took 12ms  ', 'error: took <duration>'],
    ['at 2019-08-01 15:12:45 on 10.1.2.3:8080', 'at <time> on <ip>'],
    ['commit deadbeef vs 3a3d8b8', 'commit deadbeef vs <hex>'],
    ['/home/runner/work/app/app/src/a.ts(3,4)', '~/src/a.ts(n,n)'],
  ];
  for (const [line, normal] of table)
    it(`${JSON.stringify(line)} → ${JSON.stringify(normal)}`, () => expect(normaliseLine(line)).to.equal(normal));
});
