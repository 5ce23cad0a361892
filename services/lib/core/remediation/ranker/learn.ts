// Learning the ranker's weights from labelled logs: for each log, a softmax over its candidates (the
// probability that a candidate is the one ranked first); the loss is minus the log of the probability
// mass on the candidates whose evidence range overlaps the labelled lines (listwise logistic regression,
// which is what hit@1 rewards), averaged over logs, plus an L2 penalty that keeps the weights small.
// Full-batch Adam from zero weights for a fixed number of steps: deterministic, no randomness. Pure.

import type { LineRange } from '../../logs/excerpt.js';
import { FEATURE_COUNT, rangeShape } from './features.js';
import { DEFAULT_PACKING, featuresOf, packExcerpt, rankLog, type PackOptions } from './rank.js';

export interface LabelledLines {
  lines: readonly string[];
  label: LineRange;
}

export interface LearnOptions {
  /** L2 penalty per weight. Default 0.01. */
  l2?: number;
  /** Adam steps. Default 300. */
  steps?: number;
  /** Learning rate. Default 0.05. */
  rate?: number;
}

interface Example {
  xs: Float64Array[];
  positive: boolean[];
}

/** Whether the range a candidate at `line` of `kind` would get overlaps the label. */
function overlaps(line: number, shape: { before: number; after: number }, label: LineRange): boolean {
  return line - shape.before <= label.end && label.start <= line + shape.after;
}

function examplesOf(logs: readonly LabelledLines[]): Example[] {
  const out: Example[] = [];
  for (const log of logs) {
    const { candidates } = featuresOf(log.lines);
    const positive = candidates.map((c) => overlaps(c.line, rangeShape(c.kind), log.label));
    // A log none of whose candidates hits teaches nothing about their order.
    if (!positive.some(Boolean) || positive.every(Boolean)) continue;
    out.push({ xs: candidates.map((c) => c.x), positive });
  }
  return out;
}

/** Weights learned from `logs` (FEATURE_COUNT of them). */
export function learnWeights(logs: readonly LabelledLines[], opts: LearnOptions = {}): Float64Array {
  const l2 = opts.l2 ?? 0.01;
  const steps = opts.steps ?? 300;
  const rate = opts.rate ?? 0.05;
  const examples = examplesOf(logs);
  const d = FEATURE_COUNT;
  const w = new Float64Array(d);
  const m = new Float64Array(d);
  const v = new Float64Array(d);
  const grad = new Float64Array(d);
  const b1 = 0.9;
  const b2 = 0.999;
  for (let t = 1; t <= steps; t++) {
    grad.fill(0);
    for (const ex of examples) {
      const s = ex.xs.map((x) => {
        let z = 0;
        for (let j = 0; j < d; j++) z += w[j]! * x[j]!;
        return z;
      });
      const top = Math.max(...s);
      const e = s.map((z) => Math.exp(z - top));
      const all = e.reduce((a, b) => a + b, 0);
      const pos = e.reduce((a, b, i) => a + (ex.positive[i] ? b : 0), 0);
      // d/dw of −log(pos/all) = E_all[x] − E_pos[x].
      ex.xs.forEach((x, i) => {
        const coef = e[i]! / all - (ex.positive[i] ? e[i]! / pos : 0);
        if (coef === 0) return;
        for (let j = 0; j < d; j++) grad[j] = grad[j]! + coef * x[j]!;
      });
    }
    for (let j = 0; j < d; j++) {
      const g = grad[j]! / Math.max(1, examples.length) + 2 * l2 * w[j]!;
      m[j] = b1 * m[j]! + (1 - b1) * g;
      v[j] = b2 * v[j]! + (1 - b2) * g * g;
      const mh = m[j]! / (1 - b1 ** t);
      const vh = v[j]! / (1 - b2 ** t);
      w[j] = w[j]! - (rate * mh) / (Math.sqrt(vh) + 1e-8);
    }
  }
  return w;
}

/** Budgets the packing is fitted at (those recall is reported at). */
const PACK_BUDGETS = [8000, 16000, 32000, 64000];
const PACK_GRID: readonly PackOptions[] = [0.1, 0.2].flatMap((tailShare) =>
  [0.1, 0.25].flatMap((otherShare) =>
    [2, 4].flatMap((firstRanges) =>
      [0, 300].map((bridgeLines) => ({ tailShare, windowShare: 0.4, otherShare, firstRanges, bridgeLines })),
    ),
  ),
);

/**
 * The packing (PackOptions) of the grid under which the excerpts of the training logs, ranked with
 * `weights`, hold their labelled lines most often, over PACK_BUDGETS; ties keep the earlier option.
 */
export function fitPacking(logs: readonly LabelledLines[], weights: ArrayLike<number>): PackOptions {
  const rankings = logs.map((log) => rankLog(log.lines, weights));
  let best = DEFAULT_PACKING;
  let bestHits = -1;
  for (const packing of PACK_GRID) {
    let hits = 0;
    logs.forEach((log, i) => {
      for (const budget of PACK_BUDGETS) {
        const { ranges } = packExcerpt(log.lines, rankings[i]!, budget, packing);
        if (ranges.some((r) => r.start <= log.label.start && log.label.end <= r.end)) hits++;
      }
    });
    if (hits > bestHits) [best, bestHits] = [packing, hits];
  }
  return best;
}

export interface RankerModel {
  weights: Float64Array;
  packing: PackOptions;
}

/** The ranker fitted on `logs`: its weights (learnWeights), then its packing with them (fitPacking). */
export function fitRanker(logs: readonly LabelledLines[], opts: LearnOptions = {}): RankerModel {
  const weights = learnWeights(logs, opts);
  return { weights, packing: fitPacking(logs, weights) };
}
