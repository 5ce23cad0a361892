// How findEvidence draws the range around a cluster of markers: a header (an error message, a failing
// test) takes a little context above and its details below, a trailer (a failure count) the output above
// it and one line below; markers close together make one cluster of at most 20 lines.
import { expect } from 'chai';
import { findEvidence } from './evidence.js';

const filler = (n: number, what: string) => Array.from({ length: n }, (_, i) => `${what} step ${i + 1} ok`);

/** The evidence of `lines` keyed by marker rule `rule`: [key line, start, end]. */
function rangeOf(lines: string[], rule: string): [number, number, number] {
  const evidence = findEvidence(lines);
  const e = evidence.find((x) => x.rule === rule);
  expect(e, JSON.stringify(evidence)).to.not.equal(undefined);
  return [e!.line, e!.start, e!.end];
}

/** `marker` on line 31, 30 lines of output above it and 60 below (the log's end is far away). */
const alone = (marker: string) => [...filler(30, 'building'), marker, ...filler(60, 'testing')];

describe('evidence: the range around a marker', () => {
  it('given an exception, then its range is 3 lines above it and its details below, 20 lines in all', () => {
    expect(rangeOf(alone('TypeError: x is not a function'), 'exception')).to.deep.equal([31, 28, 47]);
  });

  it('given a header whose window reaches further up, then it still takes at most 3 lines above', () => {
    // An environment error's window is 5 lines above and 10 below.
    expect(rangeOf(alone('/bin/sh: 1: ./deploy.sh: Permission denied'), 'environment')).to.deep.equal([31, 28, 41]);
  });

  it('given a header whose window above is shorter than 3 lines, then it keeps its own window', () => {
    // A numbered failure (`1) suite test:`) is its report's first line: one line above, the rest below.
    expect(rangeOf(alone('  1) parser parses dates:'), 'numbered-failure')).to.deep.equal([31, 30, 49]);
  });

  it('given a failure count, then its range is the output above it, to the top of the log, and one line below', () => {
    const lines = [
      'collected 12 items',
      'tests/test_a.py ......',
      'tests/test_b.py ....',
      '',
      '========== 2 failed, 10 passed in 1.23s ==========',
      'removing .pytest_cache',
      'uploading coverage report',
      ...filler(60, 'after'),
    ];
    expect(rangeOf(lines, 'failure-count')).to.deep.equal([5, 1, 6]);
  });
});

describe('evidence: clusters of markers', () => {
  /** The score of the evidence keyed at line 31 of `alone(marker)` with `extra` put on line `at`. */
  const scoreWith = (extra: string, at: number) => {
    const lines = alone('TypeError: x is not a function');
    lines[at - 1] = extra;
    return findEvidence(lines).find((e) => e.line === 31)!.score;
  };
  const lone = findEvidence(alone('TypeError: x is not a function')).find((e) => e.line === 31)!.score;

  it('given a second marker 3 lines below, then both are one cluster: half a point more for the key line', () => {
    expect(scoreWith('warning: unused variable', 34) - lone).to.be.closeTo(0.5, 1e-9);
  });

  it('given a second marker 4 lines below, then it is a cluster of its own and adds nothing', () => {
    expect(scoreWith('warning: unused variable', 35) - lone).to.be.closeTo(0, 1e-9);
  });

  it('given errors every other line for 30 lines, then clusters start every 20 lines, each keyed at its first error', () => {
    const errors: string[] = [];
    for (let k = 1; k <= 15; k++)
      errors.push(`src/gen.c:${k}:5: error: unknown type name 'T${k}'`, '  note: in expansion');
    // Errors on lines 11, 13, …, 39: the first cluster is 11..29, the second starts at 31 (20 lines below 11).
    const lines = [...filler(10, 'building'), ...errors, ...filler(40, 'after')];
    const keys = findEvidence(lines)
      .filter((e) => e.rule === 'compiler-error')
      .map((e) => e.line)
      .sort((a, b) => a - b);
    expect(keys).to.deep.equal([11, 31]);
  });

  it('given two equally strong markers in a cluster, then the first one is the key line', () => {
    const lines = alone('TypeError: x is not a function');
    lines[31] = 'RangeError: Maximum call stack size exceeded';
    const e = findEvidence(lines).filter((x) => x.rule === 'exception');
    expect(e.map((x) => [x.line, x.start, x.end])).to.deep.equal([[31, 28, 47]]);
  });
});
