import { expect } from 'chai';
import { FEATURE_COUNT, FEATURE_NAMES } from './features.js';
import { packExcerpt, rankLog, type PackOptions, type Ranking } from './rank.js';

/** Lines of 21 bytes (22 with their newline). */
const filler = (n: number, from = 0) =>
  Array.from({ length: n }, (_, i) => `compiling module ${String(from + i).padStart(4, '0')}`);

const weights = (byKind: Record<string, number>) => {
  const w = new Float64Array(FEATURE_COUNT);
  for (const [kind, value] of Object.entries(byKind)) w[FEATURE_NAMES.indexOf(`kind: ${kind}`)] = value;
  return w;
};

/** The best `max` ranges only, none more for the excerpt. */
const best = (lines: string[], byKind: Record<string, number>, max: number): Ranking => ({
  ...rankLog(lines, weights(byKind), max),
  more: [],
});

const packing = (p: Partial<PackOptions>): PackOptions => ({
  tailShare: 0,
  windowShare: 0,
  otherShare: 0,
  firstRanges: 1,
  bridgeLines: 0,
  ...p,
});

const spans = (lines: string[], ranking: Ranking, budget: number, p: Partial<PackOptions>) =>
  packExcerpt(lines, ranking, budget, packing(p)).ranges.map((r) => [r.start, r.end]);

describe('ranker ranking order', () => {
  it('ranks candidates of equal score later line first', () => {
    const lines = ['$ make', ...filler(30), 'fatal: one', ...filler(30, 100), 'fatal: two', ...filler(30, 200)];
    expect(rankLog(lines, new Float64Array(FEATURE_COUNT)).ranges.map((r) => r.line)).to.deep.equal([93, 63, 32]);
  });
});

describe('ranker excerpt packing', () => {
  // An error at 5 (its range 1–20) in a step of 1000 lines.
  const long = ['$ make', ...filler(3), 'fatal: broken', ...filler(995, 100)];

  it('guarantees the tail its share of the budget, a separator included, and no more', () => {
    // 25% of 1016 bytes is 254: ten lines of 22 bytes and a separator of 34; of 1012, nine lines.
    const ranking = best(long, { error: 1 }, 1);
    expect(spans(long, ranking, 1016, { tailShare: 0.25, windowShare: 1 })).to.deep.equal([
      [1, 35],
      [991, 1000],
    ]);
    expect(spans(long, ranking, 1012, { tailShare: 0.25, windowShare: 1 })).to.deep.equal([
      [1, 36],
      [992, 1000],
    ]);
  });

  it('adds the best ranges whole, then the other ranges whole, then the tail back from the end', () => {
    const lines = ['$ make', ...filler(100), 'fatal: one', ...filler(100, 200), 'fatal: two', ...filler(300, 400)];
    const ranking = best(lines, { error: 1 }, 2);
    expect(ranking.ranges.map((r) => [r.start, r.end])).to.deep.equal([
      [199, 218],
      [98, 117],
    ]);
    expect(spans(lines, ranking, 1500, {})).to.deep.equal([
      [98, 117],
      [199, 218],
      [480, 503],
    ]);
  });

  it('holds a whole log within the budget, its first line too', () => {
    const lines = ['$ npm ci', 'added 1 package', '$ npm test', ...filler(20), 'fatal: boom', ...filler(40, 100)];
    // Lines 1–2 are in a step of their own, outside the error's context: the tail reaches them.
    const ex = packExcerpt(lines, rankLog(lines, weights({ error: 1 })), 4000);
    expect(ex.ranges).to.deep.equal([{ start: 1, end: lines.length }]);
    expect(ex.text).to.equal(lines.join('\n'));
  });

  it('gives context to the first `firstRanges` ranges only', () => {
    const lines = ['$ make', ...filler(100), 'fatal: one', ...filler(100, 200), 'fatal: two', ...filler(300, 400)];
    const ranking = best(lines, { error: 1 }, 2);
    // The best range (199–218) gets its lead and 600 bytes after it; the second (98–117) none.
    expect(spans(lines, ranking, 3000, { windowShare: 0.2 })).to.deep.equal([
      [98, 117],
      [191, 245],
      [446, 503],
    ]);
  });

  describe('context', () => {
    // Step 1 is lines 1–6, step 2 lines 7–49 (its exit line), step 3 lines 50–1550.
    const step = (middle: string[]) => [
      '$ npm ci',
      ...filler(5),
      '$ npm test',
      ...middle,
      'The command "npm test" exited with 1.',
      '$ cat log',
      ...filler(1500, 1000),
    ];
    const trailer = step([...filler(30, 100), 'Tests:       1 failed, 2 total', ...filler(10, 200)]);
    const header = step([...filler(20, 100), 'fatal: broken', ...filler(20, 200)]);

    it('runs before a trailer to its step’s first line, and after it to the step’s exit line', () => {
      const ranking = best(trailer, { summary: 1 }, 1);
      expect([ranking.ranges[0]!.start, ranking.ranges[0]!.end]).to.deep.equal([22, 41]);
      expect(spans(trailer, ranking, 4000, { windowShare: 0.5 })).to.deep.equal([
        [7, 41],
        [1408, 1550],
      ]);
      expect(spans(trailer, ranking, 4000, { windowShare: 0.5, otherShare: 0.5 })).to.deep.equal([
        [7, 49],
        [1416, 1550],
      ]);
    });

    it('runs after a header to its step’s exit line, eight lines before it, and back to its step’s first line', () => {
      const ranking = best(header, { error: 1 }, 1);
      expect([ranking.ranges[0]!.start, ranking.ranges[0]!.end]).to.deep.equal([24, 43]);
      expect(spans(header, ranking, 4000, { windowShare: 0.5 })).to.deep.equal([
        [16, 49],
        [1407, 1550],
      ]);
      expect(spans(header, ranking, 4000, { windowShare: 0.5, otherShare: 0.5 })).to.deep.equal([
        [7, 49],
        [1416, 1550],
      ]);
      expect(spans(header, ranking, 4000, { otherShare: 0.5 })).to.deep.equal([
        [7, 43],
        [1409, 1550],
      ]);
    });

    it('runs up to the first line of the log', () => {
      const lines = [...filler(29), 'Tests:       1 failed, 2 total', ...filler(1000, 100)];
      expect(spans(lines, best(lines, { summary: 1 }, 1), 4000, { windowShare: 0.5 })).to.deep.equal([
        [1, 33],
        [885, 1030],
      ]);
    });

    it('runs at most 400 lines beyond its range', () => {
      const after = ['$ make', ...filler(3), 'fatal: broken', ...filler(2995, 100)];
      expect(spans(after, best(after, { error: 1 }, 1), 20000, { windowShare: 0.9 })).to.deep.equal([
        [1, 420],
        [2513, 3000],
      ]);
      const before = ['$ make', ...filler(1998), 'Tests:       1 failed, 2 total', ...filler(1000, 3000)];
      expect(spans(before, best(before, { summary: 1 }, 1), 20000, { windowShare: 0.9 })).to.deep.equal([
        [1584, 2003],
        [2516, 3000],
      ]);
    });

    it('takes lines while they fit its share of the budget, the share’s last byte included', () => {
      // 25% of 880 bytes is 220: ten lines of 22 bytes after the range, not eleven, not nine.
      expect(spans(long, best(long, { error: 1 }, 1), 880, { windowShare: 0.25 })).to.deep.equal([
        [1, 30],
        [992, 1000],
      ]);
    });
  });

  describe('the lines between two of the best ranges', () => {
    // A failing test (its range 1–17) and its tally (187–206) in one step: 169 lines between them.
    const bridged = (opener?: number) => {
      const lines = [
        '$ npm test',
        '  ● parser › parses',
        ...filler(200),
        'Tests:       1 failed, 2 total',
        ...filler(3000, 5000),
      ];
      if (opener !== undefined) lines[opener - 1] = '$ ./report.sh';
      return lines;
    };
    const fits = (lines: string[], tally: number, bridgeLines: number, from = 60, to = 80) => {
      const w = weights({ 'test-fail': 2, summary: tally });
      w[FEATURE_NAMES.indexOf('in the first failing step')] = 2;
      const ranking = rankLog(lines, w);
      expect(
        ranking.ranges
          .slice(0, 2)
          .map((r) => [r.start, r.end])
          .sort((a, b) => a[0]! - b[0]!),
      ).to.deep.equal([
        [1, 17],
        [187, 206],
      ]);
      const p = { windowShare: 0.1, firstRanges: 2, bridgeLines };
      return packExcerpt(lines, ranking, 8000, packing(p)).ranges.some((r) => r.start <= from && to <= r.end);
    };

    it('are filled when at most `bridgeLines`, whichever range ranks first', () => {
      expect([fits(bridged(), 1.5, 169), fits(bridged(), 1.5, 168)]).to.deep.equal([true, false]);
      expect([fits(bridged(), 2.5, 169), fits(bridged(), 2.5, 168)]).to.deep.equal([true, false]);
    });

    it('are filled only when they lie in one step', () => {
      // A command echoed two lines after the first range (which ends its context there), or two lines into
      // the second one.
      expect(fits(bridged(19), 1.5, 300, 19, 40)).to.equal(false);
      expect(fits(bridged(189), 1.5, 300)).to.equal(true);
    });
  });
});
