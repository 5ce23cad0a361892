// Category F1: per category, the harmonic mean of precision and recall of the predicted category against
// the labelled one; macro-F1 is the unweighted mean over the categories that occur in the labels (a
// category only ever predicted counts against the precision of none of them but lowers the recall of
// the labels it took). Pure.

import type { RubricCategory as Category } from '../../lib/core/remediation/category/categories.js';

export interface CategoryPair {
  label: Category;
  predicted: Category;
}

export interface CategoryF1 {
  /** NaN when no log is labelled. */
  macro: number;
  /** Per category of the labels or the predictions: F1 and the number of logs labelled with it. */
  perCategory: Partial<Record<Category, { f1: number; support: number }>>;
}

export function categoryF1(pairs: readonly CategoryPair[]): CategoryF1 {
  const tp = new Map<Category, number>();
  const labelled = new Map<Category, number>();
  const predicted = new Map<Category, number>();
  const add = (m: Map<Category, number>, c: Category) => m.set(c, (m.get(c) ?? 0) + 1);
  for (const p of pairs) {
    add(labelled, p.label);
    add(predicted, p.predicted);
    if (p.label === p.predicted) add(tp, p.label);
  }
  const perCategory: CategoryF1['perCategory'] = {};
  for (const c of new Set([...labelled.keys(), ...predicted.keys()])) {
    const t = tp.get(c) ?? 0;
    const denominator = (labelled.get(c) ?? 0) + (predicted.get(c) ?? 0);
    perCategory[c] = { f1: denominator === 0 ? 0 : (2 * t) / denominator, support: labelled.get(c) ?? 0 };
  }
  const scores = [...labelled.keys()].map((c) => perCategory[c]!.f1);
  return { macro: scores.length === 0 ? Number.NaN : scores.reduce((a, b) => a + b, 0) / scores.length, perCategory };
}
