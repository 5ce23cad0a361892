// The learned part of the category classifier: a conditional logit over the rubric's categories. Each
// category c gets a score θ·φ(log, c), where φ(log, c) are the log's feature keys (features.ts) as they
// bear on c: whether the rules' verdict on the best ranges, or on the log's tail, is c; whether a rule of
// c matched in the best evidence range, in ranges 2–3, in ranges 4–10 or in the log's tail (and which
// rule); c's own bias; and, paired with c, the log's format, the evidence's position, the words of the
// best range and of the failing command. Rule weights are shared across categories (a rule matching in
// the best range counts the same whichever category it is for), so a category with few training logs is
// still predicted from its rules: the rules come first, the fit weighs them. The words get a stronger
// L2 penalty than the rest: there are thousands of them and a few logs each. Fitted by full-batch
// gradient descent from zero with class weights (rarer categories weigh more, for macro-F1).
// Deterministic. Pure; a fitted model round-trips through JSON (categoryModelToJson/FromJson).

import type { EvidenceRange } from '../proposal.js';
import { FITTED_CATEGORY_MODEL } from './fitted.js';
import { isRubricCategory, RUBRIC_CATEGORIES, type RubricCategory } from './categories.js';
import { featuresOf } from './features.js';
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
  /** L2 penalty of the word keys (`w:`, `cmd:`). Default 10 × l2. */
  wordL2?: number;
}

/** Whether a feature key is a word's (penalised by wordL2). */
export const isWordKey = (k: string): boolean => k.startsWith('w:') || k.startsWith('cmd:');

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
    } else if (kind === 'verdict' || kind === 'tail-verdict') {
      if (value === c) keys.push(kind);
    } else if (f !== 'bias') keys.push(`${f}>${c}`);
  }
  return keys;
}

function scores(model: CategoryModel, phi: readonly (readonly string[])[]): number[] {
  return phi.map((keys) => keys.reduce((s, k) => s + (model.weights[k] ?? 0), 0));
}

export function fitCategoryModel(examples: readonly CategoryExample[], opts: FitOptions = {}): CategoryModel {
  const steps = opts.steps ?? 400;
  const rate = opts.rate ?? 0.5;
  const l2 = opts.l2 ?? 0.01;
  const power = opts.power ?? 0.5;
  const wordL2 = opts.wordL2 ?? 10 * l2;
  const classes = RUBRIC_CATEGORIES;
  const model: CategoryModel = { classes, weights: {} };
  if (examples.length === 0) return model;
  const counts = new Map<RubricCategory, number>();
  for (const x of examples) counts.set(x.category, (counts.get(x.category) ?? 0) + 1);
  const raw = new Map([...counts].map(([c, n]) => [c, n ** -power]));
  const mean = examples.reduce((a, x) => a + raw.get(x.category)!, 0) / examples.length;
  const phis = examples.map((x) => classes.map((c) => classKeys(x.features, c)));
  const keys = [...new Set(phis.flat(2))].sort();
  // Keys as indices into a weight vector: the same arithmetic as over the map, without its lookups.
  const index = new Map(keys.map((k, i) => [k, i]));
  const ids = phis.map((phi) => phi.map((ks) => Int32Array.from(ks, (k) => index.get(k)!)));
  const cws = examples.map((x) => raw.get(x.category)! / mean);
  const truth = examples.map((x) => classes.indexOf(x.category));
  const w = new Float64Array(keys.length);
  const pen = Float64Array.from(keys, (k) => (isWordKey(k) ? wordL2 : l2));
  const grad = new Float64Array(keys.length);
  const s = new Float64Array(classes.length);
  for (let step = 0; step < steps; step++) {
    grad.fill(0);
    for (let n = 0; n < examples.length; n++) {
      const phi = ids[n]!;
      let max = -Infinity;
      for (let j = 0; j < classes.length; j++) {
        let t = 0;
        for (const k of phi[j]!) t += w[k]!;
        s[j] = t;
        if (t > max) max = t;
      }
      let z = 0;
      for (let j = 0; j < classes.length; j++) {
        s[j] = Math.exp(s[j]! - max);
        z += s[j]!;
      }
      for (let j = 0; j < classes.length; j++) {
        const g = cws[n]! * (s[j]! / z - (j === truth[n] ? 1 : 0));
        if (g !== 0) for (const k of phi[j]!) grad[k] = grad[k]! + g;
      }
    }
    for (let k = 0; k < keys.length; k++) w[k] = w[k]! - rate * (grad[k]! / examples.length + pen[k]! * w[k]!);
  }
  keys.forEach((k, i) => (model.weights[k] = w[i]!));
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

/** The most probable category of a log given its evidence (best first): featuresOf, then predictCategory. */
export function classify(
  model: CategoryModel,
  lines: readonly string[],
  evidence: readonly EvidenceRange[],
): RubricCategory {
  return predictCategory(model, featuresOf(lines, evidence));
}

/** The version of the JSON format; bumped when the feature keys change meaning. */
export const MODEL_VERSION = 1;

/** The JSON of a fitted model: its format version, classes and the weights that are not zero. */
export function categoryModelToJson(model: CategoryModel): string {
  const weights = Object.fromEntries(Object.entries(model.weights).filter(([, w]) => w !== 0));
  return JSON.stringify({ version: MODEL_VERSION, classes: model.classes, weights });
}

/** A model read back from categoryModelToJson's output; throws on anything else. */
export function categoryModelFromJson(json: string): CategoryModel {
  const x: unknown = JSON.parse(json);
  const bad = (why: string) => new Error(`not a category model: ${why}`);
  if (typeof x !== 'object' || x === null) throw bad('not an object');
  const { version, classes, weights } = x as Record<string, unknown>;
  if (version !== MODEL_VERSION) throw bad(`version ${String(version)}, expected ${MODEL_VERSION}`);
  if (!Array.isArray(classes) || classes.length === 0 || !classes.every(isRubricCategory))
    throw bad('classes must be rubric categories');
  if (new Set(classes).size !== classes.length) throw bad('classes repeat');
  if (typeof weights !== 'object' || weights === null || Array.isArray(weights)) throw bad('weights not an object');
  for (const [k, w] of Object.entries(weights))
    if (typeof w !== 'number' || !Number.isFinite(w)) throw bad(`weight ${k}`);
  return { classes, weights: { ...(weights as Record<string, number>) } };
}

/**
 * `model` without the weights smaller than `minAbs` and the others to `digits` significant digits: the
 * fitted model has tens of thousands of word weights, almost all near zero (fit-models.ts checks that the
 * shipped model predicts every training log as the whole one does).
 */
export function pruneCategoryModel(model: CategoryModel, minAbs = 1e-3, digits = 4): CategoryModel {
  const weights: Record<string, number> = {};
  for (const [k, w] of Object.entries(model.weights))
    if (Math.abs(w) >= minAbs) weights[k] = Number(w.toPrecision(digits));
  return { classes: model.classes, weights };
}

let fitted: CategoryModel | undefined;

/** The classifier fitted on the development logs (fitted.ts, written by `npm run fit:models`), read once. */
export function fittedCategoryModel(): CategoryModel {
  fitted ??= categoryModelFromJson(JSON.stringify(FITTED_CATEGORY_MODEL));
  return fitted;
}
