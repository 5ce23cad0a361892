import { expect } from 'chai';
import {
  categoryModelFromJson,
  categoryModelToJson,
  classify,
  classKeys,
  fitCategoryModel,
  isWordKey,
  MODEL_VERSION,
  predictCategory,
  type CategoryExample,
} from './model.js';

describe('category model', () => {
  it('pairs a log’s features with each category: shared rule weights, per-category format', () => {
    const f = ['bias', 'format:Go', 'top1:go-test', 'verdict:test_failure'];
    expect(classKeys(f, 'test_failure')).to.deep.equal([
      'bias>test_failure',
      'format:Go>test_failure',
      'top1',
      'top1:go-test',
      'verdict',
    ]);
    expect(classKeys(f, 'lint')).to.deep.equal(['bias>lint', 'format:Go>lint']);
  });

  it('pairs the tail’s verdict like the verdict, and words with each category', () => {
    expect(classKeys(['tail-verdict:lint', 'w:readme', 'cmd:make'], 'lint')).to.deep.equal([
      'bias>lint',
      'tail-verdict',
      'w:readme>lint',
      'cmd:make>lint',
    ]);
    expect(classKeys(['tail-verdict:lint'], 'timeout')).to.deep.equal(['bias>timeout']);
    expect(['w:readme>lint', 'cmd:make>lint', 'verdict', 'top1:doc-file'].map(isWordKey)).to.deep.equal([
      true,
      true,
      false,
      false,
    ]);
  });

  const examples: CategoryExample[] = [
    ...Array.from({ length: 6 }, () => ({
      features: ['bias', 'top1:go-test', 'verdict:test_failure'],
      category: 'test_failure' as const,
    })),
    ...Array.from({ length: 3 }, () => ({
      features: ['bias', 'top1:go-test', 'top1:doc-file', 'verdict:test_failure'],
      category: 'lint' as const,
    })),
    { features: ['bias', 'top1:compiler-error', 'verdict:compilation'], category: 'compilation' },
  ];

  it('learns to correct the rules (a test of a text file is lint) and keeps them elsewhere', () => {
    const m = fitCategoryModel(examples);
    expect(predictCategory(m, ['bias', 'top1:go-test', 'verdict:test_failure'])).to.equal('test_failure');
    expect(predictCategory(m, ['bias', 'top1:go-test', 'top1:doc-file', 'verdict:test_failure'])).to.equal('lint');
    expect(predictCategory(m, ['bias', 'top1:compiler-error', 'verdict:compilation'])).to.equal('compilation');
  });

  it('predicts a category never seen in training from its rules', () => {
    const m = fitCategoryModel(examples);
    expect(predictCategory(m, ['bias', 'top1:ssh-key', 'verdict:permissions'])).to.equal('permissions');
  });

  it('does not depend on the order of the examples (full-batch: each step sums over all of them)', () => {
    const m = fitCategoryModel(examples);
    const reversed = fitCategoryModel([...examples].reverse());
    expect(Object.keys(reversed.weights).sort()).to.deep.equal(Object.keys(m.weights).sort());
    // Floating-point sums in another order: equal to rounding.
    for (const [k, w] of Object.entries(m.weights)) expect(reversed.weights[k], k).to.be.closeTo(w, 1e-9);
  });

  it('penalises the words more than the rest: a word alone learns less', () => {
    const ex: CategoryExample[] = [
      { features: ['bias', 'w:golden'], category: 'lint' },
      { features: ['bias', 'w:other'], category: 'test_failure' },
    ];
    const weak = fitCategoryModel(ex, { l2: 0.01, wordL2: 1 }).weights['w:golden>lint']!;
    const strong = fitCategoryModel(ex, { l2: 0.01, wordL2: 0.01 }).weights['w:golden>lint']!;
    expect(weak).to.be.greaterThan(0);
    expect(strong).to.be.greaterThan(weak);
  });

  it('classifies a log from its lines and evidence', () => {
    const m = fitCategoryModel(examples);
    const lines = ['$ make', 'src/a.c:1:1: error: x undeclared', 'The command "make" exited with 2.'];
    expect(classify(m, lines, [{ start_line: 2, end_line: 2, reason: 'x' }])).to.equal('compilation');
  });

  it('round-trips through JSON, predicting the same', () => {
    const m = fitCategoryModel(examples);
    const back = categoryModelFromJson(categoryModelToJson(m));
    for (const x of examples) expect(predictCategory(back, x.features)).to.equal(predictCategory(m, x.features));
    expect(back.classes).to.deep.equal(m.classes);
  });

  const bad: [string, unknown][] = [
    ['not an object', 3],
    ['another version', { version: MODEL_VERSION + 1, classes: ['lint'], weights: {} }],
    ['no classes', { version: MODEL_VERSION, classes: [], weights: {} }],
    ['a class not in the rubric', { version: MODEL_VERSION, classes: ['network'], weights: {} }],
    ['a class twice', { version: MODEL_VERSION, classes: ['lint', 'lint'], weights: {} }],
    ['weights not an object', { version: MODEL_VERSION, classes: ['lint'], weights: [1] }],
    ['a weight not a number', { version: MODEL_VERSION, classes: ['lint'], weights: { verdict: '1' } }],
  ];
  for (const [what, json] of bad) {
    it(`refuses JSON with ${what}`, () => {
      expect(() => categoryModelFromJson(JSON.stringify(json))).to.throw(/not a category model/);
    });
  }
});
