import { expect } from 'chai';
import {
  categoryRulesTunable,
  categoryTunable,
  chooseFitOptions,
  L2_CHOICES,
  majorityOf,
  majorityTunable,
  WORD_PENALTY_CHOICES,
} from './category-tunable.js';
import type { TrainingLog } from './tunable.js';

const log = (repo: string, text: string, category: TrainingLog['category']): TrainingLog => {
  const lines = text.split('\n');
  const l: TrainingLog = { repo, build_id: repo, lines, label: { start: 1, end: 1 } };
  if (category !== undefined) l.category = category;
  return l;
};

const go = '$ go test ./...\n--- FAIL: TestParse (0.01s)\nFAIL\nThe command "go test ./..." exited with 1.';
const cc = '$ make\nsrc/a.c:1:1: error: x undeclared\nmake: *** [all] Error 1\nThe command "make" exited with 2.';
const train = [log('a/1', go, 'test_failure'), log('a/2', go, 'test_failure'), log('a/3', cc, 'compilation')];

describe('category Tunables', () => {
  it('majority: the most frequent training category, unknown without labels', () => {
    expect(majorityOf(train)).to.equal('test_failure');
    expect(majorityOf([log('a/1', go, undefined)])).to.equal('unknown');
    expect(majorityTunable.predict('lint', train[0]!).category).to.equal('lint');
  });

  it('category-rules: the rules alone', () => {
    expect(categoryRulesTunable.predict(null, train[2]!).category).to.equal('compilation');
  });

  it('category: fitted on the labelled logs, predicts from the heuristic evidence; the heuristic context', () => {
    const model = categoryTunable.fit(train);
    const p = categoryTunable.predict(model, log('b/1', go, undefined));
    expect(p.category).to.equal('test_failure');
    expect(p.evidence.length).to.be.greaterThan(0);
    expect(p.context(16000)).to.deep.equal([{ start: 1, end: 4 }]);
  });

  it('chooses its penalties from the grids by an inner CV, the first without three repositories', () => {
    const oneRepo = [log('a', go, 'test_failure'), log('a', cc, 'compilation'), log('b', cc, 'compilation')];
    expect(chooseFitOptions(oneRepo)).to.deep.equal({
      l2: L2_CHOICES[0],
      wordL2: L2_CHOICES[0]! * WORD_PENALTY_CHOICES[0]!,
    });
    const many = ['a', 'b', 'c', 'd'].flatMap((r) => [
      log(`${r}/1`, go, 'test_failure'),
      log(`${r}/2`, cc, 'compilation'),
    ]);
    const o = chooseFitOptions(many);
    expect(L2_CHOICES).to.include(o.l2);
    expect(WORD_PENALTY_CHOICES.map((m) => m * o.l2!)).to.include(o.wordL2);
  });
});
