// The learned part of the category classifier: a conditional logit over the rubric's categories. Each
// category c gets a score θ·φ(log, c), where φ(log, c) are the log's feature keys (features.ts) as they
// bear on c: whether the rules' verdict is c, whether a rule of c matched in the best evidence range, in
// ranges 2–3, in ranges 4–10 or in the log's tail (and which rule), c's own bias, and the log's format
// and evidence position paired with c. Most weights are shared across categories (a rule matching in
// the best range counts the same whichever category it is for), so a category with few training logs
// is still predicted from its rules: the rules come first, the fit weighs them. Fitted by full-batch
// gradient descent from zero with L2 regularisation and class weights (rarer categories weigh more, for
// macro-F1). Deterministic. Pure.

import { RUBRIC_CATEGORIES, type RubricCategory } from './categories.js';
import { CATEGORY_RULES } from './rules.js';

export interface CategoryExample {
  features: readonly string[];
  category: RubricCategory;
}

export interface CategoryModel {
  /** The categories scored: every rubric category (those never seen in training score by rules only). */
  classes: readonly RubricCategory[];
  /** Weight per key of φ; keys unseen in training weigh nothing. */
  weights: Record<string, number>;
}

export interface FitOptions {
  /** Gradient steps. Default 400. */
  steps?: number;
  /** Step size. Default 0.5. */
  rate?: number;
  /** L2 penalty (per example). Default 0.01. */
  l2?: number;
  /** Class weight ∝ frequency^−power. Default 0.5. */
  power?: number;
}

const RULE_CATEGORY = new Map(CATEGORY_RULES.map((r) => [r.id, r.category]));
const PLACES = new Set(['top1', 'top3', 'rest', 'tail']);

/** The keys of φ(log, c): the log's features as they bear on category `c`. */
export function classKeys(features: readonly string[], c: RubricCategory): string[] {
  const keys = [`bias>${c}`];
  for (const f of features) {
    const colon = f.indexOf(':');
    const kind = f.slice(0, colon);
    const value = f.slice(colon + 1);
    if (PLACES.has(kind)) {
      if (RULE_CATEGORY.get(value) === c) keys.push(kind, f);
    } else if (kind === 'verdict') {
      if (value === c) keys.push('verdict');
    } else if (f !== 'bias') keys.push(`${f}>${c}`);
  }
  return keys;
}

function scores(model: CategoryModel, phi: readonly (readonly string[])[]): number[] {
  return phi.map((keys) => keys.reduce((s, k) => s + (model.weights[k] ?? 0), 0));
}

function softmax(s: readonly number[]): number[] {
  const max = Math.max(...s);
  const e = s.map((x) => Math.exp(x - max));
  const z = e.reduce((a, b) => a + b, 0);
  return e.map((x) => x / z);
}

export function fitCategoryModel(examples: readonly CategoryExample[], opts: FitOptions = {}): CategoryModel {
  const steps = opts.steps ?? 400;
  const rate = opts.rate ?? 0.5;
  const l2 = opts.l2 ?? 0.01;
  const power = opts.power ?? 0.5;
  const classes = RUBRIC_CATEGORIES;
  const model: CategoryModel = { classes, weights: {} };
  if (examples.length === 0) return model;
  const counts = new Map<RubricCategory, number>();
  for (const x of examples) counts.set(x.category, (counts.get(x.category) ?? 0) + 1);
  const raw = new Map([...counts].map(([c, n]) => [c, n ** -power]));
  const mean = examples.reduce((a, x) => a + raw.get(x.category)!, 0) / examples.length;
  const phis = examples.map((x) => classes.map((c) => classKeys(x.features, c)));
  const keys = [...new Set(phis.flat(2))].sort();
  for (const k of keys) model.weights[k] = 0;
  for (let step = 0; step < steps; step++) {
    const grad = new Map<string, number>();
    examples.forEach((x, n) => {
      const p = softmax(scores(model, phis[n]!));
      const cw = raw.get(x.category)! / mean;
      classes.forEach((c, j) => {
        const g = cw * (p[j]! - (c === x.category ? 1 : 0));
        if (g !== 0) for (const k of phis[n]![j]!) grad.set(k, (grad.get(k) ?? 0) + g);
      });
    });
    for (const k of keys) {
      const w = model.weights[k]!;
      model.weights[k] = w - rate * ((grad.get(k) ?? 0) / examples.length + l2 * w);
    }
  }
  return model;
}

/** The most probable category of a log's features (the earlier in precedence order among equals). */
export function predictCategory(model: CategoryModel, features: readonly string[]): RubricCategory {
  const s = scores(
    model,
    model.classes.map((c) => classKeys(features, c)),
  );
  let best = 0;
  for (let c = 1; c < s.length; c++) if (s[c]! > s[best]!) best = c;
  return model.classes[best]!;
}
