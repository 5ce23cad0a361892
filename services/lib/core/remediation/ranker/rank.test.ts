import { expect } from 'chai';
import { utf8Length } from '../../logs/excerpt.js';
import { MAX_RANGE_LINES } from '../evidence.js';
import { FEATURE_COUNT, FEATURE_NAMES } from './features.js';
import { fitRanker, learnWeights } from './learn.js';
import { DEFAULT_PACKING, packExcerpt, rankLog } from './rank.js';

const filler = (n: number, from = 0) => Array.from({ length: n }, (_, i) => `compiling module ${from + i}`);

/** A Travis-like log: a test step whose real error is followed by a cleanup step that fails too. */
function travisLog(errorAt: number): string[] {
  return [
    '$ npm test',
    ...filler(errorAt),
    '  ● parser › parses an empty file',
    '    expect(received).toBe(expected)',
    ...filler(30, 1000),
    'Tests:       1 failed, 20 passed, 21 total',
    'npm ERR! code ELIFECYCLE',
    'The command "npm test" exited with 1.',
    'travis_fold:start:after_failure',
    '$ cat server.log',
    'Error: connection reset',
    'The command "cat server.log" exited with 1.',
  ];
}

/** Weights that prefer test failures in the first failing step (what learning finds on such logs). */
function weights(): Float64Array {
  const w = new Float64Array(FEATURE_COUNT);
  w[FEATURE_NAMES.indexOf('kind: test-fail')] = 2;
  w[FEATURE_NAMES.indexOf('in the first failing step')] = 2;
  return w;
}

describe('ranker', () => {
  it('ranks the first failing step’s failure above a later cleanup failure', () => {
    const lines = travisLog(50);
    const { ranges } = rankLog(lines, weights());
    expect(ranges[0]!.line).to.equal(52);
    expect(ranges[0]!.kind).to.equal('test-fail');
  });

  it('returns at most 10 non-overlapping ranges of at most 20 lines, deterministically', () => {
    const lines = Array.from({ length: 500 }, (_, i) => (i % 7 === 0 ? `error: thing ${i}` : `ok ${i}`));
    const a = rankLog(lines, weights()).ranges;
    const b = rankLog([...lines], weights()).ranges;
    expect(a).to.deep.equal(b);
    expect(a.length).to.be.at.most(10);
    for (const r of a) expect(r.end - r.start + 1).to.be.within(1, MAX_RANGE_LINES);
    const sorted = [...a].sort((x, y) => x.start - y.start);
    for (let i = 1; i < sorted.length; i++) expect(sorted[i]!.start).to.be.above(sorted[i - 1]!.end);
  });

  for (const budget of [500, 2000, 8000]) {
    it(`packs an excerpt within ${budget} bytes holding the best range`, () => {
      const lines = travisLog(2000);
      const ranking = rankLog(lines, weights());
      const ex = packExcerpt(lines, ranking, budget);
      expect(utf8Length(ex.text)).to.be.at.most(budget);
      const best = ranking.ranges[0]!;
      expect(ex.ranges.some((r) => r.start <= best.line && best.line <= r.end)).to.equal(true);
    });
  }

  it('stays within the budget when the best range starts on the first line or ends on the last', () => {
    const lines = ['error: at the very start', ...filler(3000), 'FAILURES!'];
    const ranking = rankLog(lines, weights());
    for (const budget of [1000, 4000])
      expect(utf8Length(packExcerpt(lines, ranking, budget).text)).to.be.at.most(budget);
  });

  it('fills the lines between two of the best ranges of one step when bridgeLines allows, not otherwise', () => {
    // A failing test (its range runs after it) and the tally (its range runs before it), 200 lines apart:
    // each range's own context (windowShare) reaches 40 lines into the gap, the bridge 40 more.
    const lines = [
      '$ npm test',
      '  ● parser › parses',
      ...filler(200),
      'Tests:       1 failed, 2 total',
      ...filler(3000, 5000),
    ];
    const w = weights();
    w[FEATURE_NAMES.indexOf('kind: summary')] = 1.5;
    const ranking = rankLog(lines, w);
    expect(ranking.ranges.slice(0, 2).map((r) => [r.start, r.end])).to.deep.equal([
      [1, 17],
      [187, 206],
    ]);
    const packing = { ...DEFAULT_PACKING, windowShare: 0.1, otherShare: 0, firstRanges: 2 };
    const holds = (bridgeLines: number) =>
      packExcerpt(lines, ranking, 8000, { ...packing, bridgeLines }).ranges.some((r) => r.start <= 60 && 90 <= r.end);
    // 169 lines apart: bridged under a bound of 300, not under one of 50 or none.
    expect([holds(0), holds(300), holds(50)]).to.deep.equal([false, true, false]);
  });

  it('holds a whole short log', () => {
    const lines = ['$ make', 'main.c:1:1: error: x', 'make: *** [all] Error 1'];
    const ex = packExcerpt(lines, rankLog(lines, weights()), 16000);
    expect(ex.ranges).to.deep.equal([{ start: 1, end: 3 }]);
    expect(ex.truncated).to.equal(false);
  });

  it('learns, deterministically, to put the labelled kind of line first', () => {
    const logs = [10, 20, 30, 40].map((k) => ({
      lines: travisLog(k * 5),
      label: { start: k * 5 + 2, end: k * 5 + 3 },
    }));
    const w1 = learnWeights(logs, { steps: 100 });
    const w2 = learnWeights(logs, { steps: 100 });
    expect([...w1]).to.deep.equal([...w2]);
    const held = travisLog(123);
    expect(rankLog(held, w1).ranges[0]!.line).to.equal(125);
  });

  it('fits the packing of the excerpt with the weights, deterministically', () => {
    const logs = [10, 20, 30].map((k) => ({ lines: travisLog(k * 40), label: { start: k * 40 + 2, end: k * 40 + 3 } }));
    const a = fitRanker(logs, { steps: 50 });
    const b = fitRanker(logs, { steps: 50 });
    expect(a.packing).to.deep.equal(b.packing);
    expect(a.packing.firstRanges).to.be.oneOf([2, 4]);
  });
});
