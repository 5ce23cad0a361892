import { expect } from 'chai';
import { classKeys, fitCategoryModel, predictCategory, type CategoryExample } from './model.js';

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

  it('is deterministic', () => {
    expect(fitCategoryModel(examples)).to.deep.equal(fitCategoryModel(examples));
  });
});
