import { expect } from 'chai';
import type { RubricCategory as Category } from '../../lib/core/remediation/category/categories.js';
import { categoryF1 } from './f1.js';

const pairs = (...xs: [Category, Category][]) => xs.map(([label, predicted]) => ({ label, predicted }));

describe('categoryF1', () => {
  const cases: {
    name: string;
    pairs: ReturnType<typeof pairs>;
    macro: number;
    f1: Partial<Record<Category, number>>;
  }[] = [
    {
      name: 'all right',
      pairs: pairs(['lint', 'lint'], ['timeout', 'timeout']),
      macro: 1,
      f1: { lint: 1, timeout: 1 },
    },
    {
      // lint: P 1/1, R 1/2 → 2/3; timeout: P 1/2, R 1/1 → 2/3.
      name: 'one confusion',
      pairs: pairs(['lint', 'lint'], ['lint', 'timeout'], ['timeout', 'timeout']),
      macro: 2 / 3,
      f1: { lint: 2 / 3, timeout: 2 / 3 },
    },
    {
      // unknown is never a label: it lowers lint's recall, and is not averaged in.
      name: 'a category only predicted',
      pairs: pairs(['lint', 'unknown'], ['lint', 'lint']),
      macro: 2 / 3,
      f1: { lint: 2 / 3, unknown: 0 },
    },
  ];
  for (const c of cases) {
    it(c.name, () => {
      const r = categoryF1(c.pairs);
      expect(r.macro).to.be.closeTo(c.macro, 1e-12);
      for (const [category, f1] of Object.entries(c.f1)) {
        expect(r.perCategory[category as Category]!.f1, category).to.be.closeTo(f1, 1e-12);
      }
    });
  }

  it('is NaN without labels', () => {
    expect(Number.isNaN(categoryF1([]).macro)).to.equal(true);
  });
});
