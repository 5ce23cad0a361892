import { expect } from 'chai';
import { FEATURE_COUNT, FEATURE_NAMES } from './features.js';
import { fitPacking, learnWeights, type LabelledLines } from './learn.js';
import { DEFAULT_PACKING, featuresOf } from './rank.js';

const filler = (n: number, from = 0) => Array.from({ length: n }, (_, i) => `compiling module ${from + i}`);
const feature = (name: string) => FEATURE_NAMES.indexOf(name);

// Candidates: an error at 22 (its range 18–37), an error at 83 (79–98), the last output at 123 (107–123).
const LOG = ['$ make', ...filler(20), 'fatal: first', ...filler(60, 100), 'fatal: second', ...filler(40, 200)];
// Candidates: an error at 72 (68–87), an error at 103 (99–118), the last output at 133 (117–133).
const LOG2 = ['$ make', ...filler(70), 'fatal: first', ...filler(30, 100), 'fatal: second', ...filler(30, 200)];
const labelled = (lines: string[], start: number, end = start): LabelledLines => ({ lines, label: { start, end } });
const learned = (start: number, end = start) => [...learnWeights([labelled(LOG, start, end)], { steps: 5 })];
const zeros = new Array<number>(FEATURE_COUNT).fill(0);

describe('learning the ranker', () => {
  it('knows the candidates of the logs it learns from', () => {
    expect(featuresOf(LOG).candidates.map((c) => [c.line, c.kind])).to.deep.equal([
      [22, 'error'],
      [83, 'error'],
      [123, 'last-output'],
    ]);
    expect(featuresOf(LOG2).candidates.map((c) => c.line)).to.deep.equal([72, 103, 133]);
  });

  describe('a candidate hits the label when its range overlaps it, ends included', () => {
    it('learns from a label on the last line of a header’s range', () => {
      expect(learned(37)).to.not.deep.equal(zeros);
      expect(learned(37)[feature('first of its kind in its step')]).to.be.above(0);
    });

    it('learns from a label on the first line of a header’s range', () => {
      expect(learned(79)).to.not.deep.equal(zeros);
      expect(learned(79)[feature('last of its kind in its step')]).to.be.above(0);
    });

    it('learns nothing from a log none of whose candidates hits the label', () => {
      expect(learned(50)).to.deep.equal(zeros);
      expect(learned(38, 78)).to.deep.equal(zeros);
    });

    it('learns nothing from a log all of whose candidates hit the label', () => {
      expect(learned(1, 123)).to.deep.equal(zeros);
    });
  });

  it('moves each weight by the learning rate against its gradient in the first step (Adam)', () => {
    // The error at 22 hits; from zero weights the gradient of a feature is its mean over the candidates
    // minus its mean over those that hit: the kind `error` is on the hit (+), `last-output` is not (−).
    const w = learnWeights([labelled(LOG, 22)], { steps: 1, rate: 0.05 });
    expect(w[feature('kind: error')]).to.be.closeTo(0.05, 1e-6);
    expect(w[feature('kind: last-output')]).to.be.closeTo(-0.05, 1e-6);
    expect(w[feature('kind: test-fail')]).to.equal(0);
    const w0 = learnWeights([labelled(LOG, 22)], { steps: 0 });
    expect([...w0]).to.deep.equal(zeros);
  });

  it('converges to the minimum of the mean listwise loss plus the L2 penalty', () => {
    const logs = [labelled(LOG, 22), labelled(LOG2, 103)];
    const hits = [22, 103];
    const l2 = 0.1;
    const w = learnWeights(logs, { l2 });
    const loss = (v: Float64Array) => {
      let total = 0;
      logs.forEach((log, k) => {
        const { candidates } = featuresOf(log.lines);
        const e = candidates.map((c) => Math.exp(c.x.reduce((s, x, j) => s + x * v[j]!, 0)));
        const all = e.reduce((a, b) => a + b, 0);
        const pos = e.reduce((a, b, i) => a + (candidates[i]!.line === hits[k] ? b : 0), 0);
        total -= Math.log(pos / all);
      });
      return total / logs.length + l2 * v.reduce((s, x) => s + x * x, 0);
    };
    // The loss's slope along every weight is zero there…
    const h = 1e-5;
    for (let j = 0; j < FEATURE_COUNT; j++) {
      const up = Float64Array.from(w);
      const down = Float64Array.from(w);
      up[j] = w[j]! + h;
      down[j] = w[j]! - h;
      expect((loss(up) - loss(down)) / (2 * h), FEATURE_NAMES[j]).to.be.closeTo(0, 1e-4);
    }
    // …and the weights are those of a fit that tells the hit apart, kept small by the penalty.
    expect(w[feature('kind: error')]).to.be.above(0.1);
    expect(w[feature('kind: last-output')]).to.be.below(-0.1);
    for (const x of w) expect(Math.abs(x)).to.be.below(1);
  });
});

describe('fitting the packing', () => {
  const FIRST_OPTION = { tailShare: 0.1, windowShare: 0.4, otherShare: 0.1, firstRanges: 2, bridgeLines: 0 };
  const weights = () => {
    const w = new Float64Array(FEATURE_COUNT);
    w[feature('kind: test-fail')] = 2;
    w[feature('kind: summary')] = 1.5;
    w[feature('in the first failing step')] = 2;
    return w;
  };
  // A failing test at 2, its tally at 283, a long tail: the excerpt holds line 1 to 338 only at 64 kB, with
  // 25% of the budget for the context of the best two ranges the other way and 10% for the tail.
  const pad = 'x'.repeat(150);
  const lines = [
    '$ npm test',
    '  ● parser › parses',
    ...Array.from({ length: 280 }, (_, i) => `compiling module ${i} ${pad}`),
    'Tests:       1 failed, 2 total',
    ...Array.from({ length: 600 }, (_, i) => `compiling module ${5000 + i} ${pad}`),
  ];

  it('keeps the grid’s first option when no option holds the label', () => {
    expect(fitPacking([], weights())).to.deep.equal(FIRST_OPTION);
    expect(fitPacking([labelled(lines, 1, 339)], weights())).to.deep.equal(FIRST_OPTION);
    expect(FIRST_OPTION).to.not.deep.equal({ ...DEFAULT_PACKING });
  });

  it('takes the first option of the grid that holds the labelled lines most often, ends included', () => {
    expect(fitPacking([labelled(lines, 1, 338)], weights())).to.deep.equal({
      ...FIRST_OPTION,
      otherShare: 0.25,
    });
  });
});
