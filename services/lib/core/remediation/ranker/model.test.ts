import { expect } from 'chai';
import { utf8Length } from '../../logs/excerpt.js';
import { FEATURE_NAMES } from './features.js';
import {
  excerptOfLog,
  fittedRanker,
  rankedEvidence,
  rankedExcerpt,
  rankerFromData,
  rankerToData,
  type RankerData,
} from './model.js';

const goLog = [
  '$ go build ./...',
  'The command "go build ./..." exited with 0.',
  '$ go test ./...',
  '=== RUN   TestParse',
  '--- FAIL: TestParse (0.00s)',
  '    parse_test.go:14: expected 2, got 3',
  'FAIL',
  'FAIL\texample.com/parse\t0.004s',
  ...Array.from({ length: 400 }, (_, i) => `cleanup ${i}`),
  'The command "go test ./..." exited with 1.',
];

describe('ranker model', () => {
  it('reads weights back by feature name, whatever their order in the data', () => {
    const data = rankerToData(fittedRanker());
    const shuffled: RankerData = {
      weights: Object.fromEntries(Object.entries(data.weights).reverse()),
      packing: data.packing,
    };
    expect(rankerToData(rankerFromData(shuffled))).to.deep.equal(data);
  });

  const broken: [string, (w: Record<string, number>) => void][] = [
    ['a feature without a weight', (w) => delete w[FEATURE_NAMES[3]!]],
    ['a weight that is not a number', (w) => (w[FEATURE_NAMES[0]!] = Number.NaN)],
  ];
  for (const [what, breakIt] of broken) {
    it(`refuses ${what}, naming the feature and the refit`, () => {
      const data = rankerToData(fittedRanker());
      const weights = { ...data.weights };
      breakIt(weights);
      expect(() => rankerFromData({ ...data, weights })).to.throw(
        /no weight for feature ".+" \(refit with npm run fit:models\)/,
      );
    });
  }

  it('ships a fitted model: the failing test of the failed step is the first evidence, with a reason', () => {
    const [first] = rankedEvidence(goLog);
    expect(first!.start).to.be.at.most(5);
    expect(first!.end).to.be.at.least(6);
    expect(first!.reason).to.equal('failing test');
  });

  it('packs the evidence with its context before the tail, within the budget', () => {
    const excerpt = rankedExcerpt(goLog, 600);
    expect(utf8Length(excerpt.text)).to.be.at.most(600);
    expect(excerpt.ranges.some((r) => r.start <= 5 && 6 <= r.end)).to.equal(true);
    expect(excerpt.ranges.at(-1)!.end).to.equal(goLog.length);
  });

  it("makes a JobFailed event's excerpt of a log's text: the whole of a short log, 64 KiB of a long one", () => {
    expect(excerptOfLog('a\nb\nc').text).to.equal('a\nb\nc');
    const long = excerptOfLog(goLog.join('\n').repeat(40));
    expect(utf8Length(long.text)).to.be.at.most(65536).and.above(60000);
  });
});
