// What grouped CV records of one prediction on one log, and the measures computed from such records.
// Pure.

import type { LineRange } from '../../lib/core/logs/excerpt.js';
import { MAX_RANGES } from '../../lib/core/remediation/evidence.js';
import type { LogFormat } from '../../lib/core/remediation/formats.js';
import type { RubricCategory as Category } from '../../lib/core/remediation/category/categories.js';
import { categoryF1 } from './f1.js';
import { covers, evidenceHit } from './measures.js';
import type { Prediction, TrainingLog } from './tunable.js';

/** Budgets of context recall, in UTF-8 bytes of the context. */
export const CV_BUDGETS: readonly number[] = [8000, 16000, 32000, 64000];
/** The budget of the per-format table and of the worst logs. */
export const HEADLINE_BUDGET = 16000;

export interface LogScore {
  repo: string;
  build_id: string;
  format: LogFormat;
  lines: number;
  label: LineRange;
  /** Per budget (as a string key, for JSON): the labelled lines lie wholly in the context. */
  recall: Record<string, boolean>;
  /** 1-based rank of the first evidence range overlapping the label among the first MAX_RANGES; null if none. */
  firstHit: number | null;
  /** The labelled category, when there is one. */
  category?: Category;
  predicted?: Category;
}

/** One prediction on one log, measured. */
export function scoreLog(
  log: TrainingLog,
  format: LogFormat,
  p: Prediction,
  budgets: readonly number[] = CV_BUDGETS,
): LogScore {
  const recall: Record<string, boolean> = {};
  for (const b of budgets) recall[b] = covers(p.context(b), log.label);
  let firstHit: number | null = null;
  for (let k = 1; k <= Math.min(MAX_RANGES, p.evidence.length); k++) {
    if (evidenceHit(p.evidence.slice(k - 1), log.label, 1)) {
      firstHit = k;
      break;
    }
  }
  const score: LogScore = {
    repo: log.repo,
    build_id: log.build_id,
    format,
    lines: log.lines.length,
    label: log.label,
    recall,
    firstHit,
  };
  if (log.category !== undefined) score.category = log.category;
  if (p.category !== undefined) score.predicted = p.category;
  return score;
}

export interface Measure {
  name: string;
  /** The figure over a set of scored logs; NaN when it is undefined there. */
  stat: (scores: readonly LogScore[]) => number;
}

const rate = (scores: readonly LogScore[], hit: (s: LogScore) => boolean) =>
  scores.length === 0 ? Number.NaN : scores.filter(hit).length / scores.length;

export const hitAt = (s: LogScore, k: number): boolean => s.firstHit !== null && s.firstHit <= k;

/** Macro-F1 of the category over the labelled logs among `scores` (a missing prediction counts as unknown). */
export function macroF1(scores: readonly LogScore[]): ReturnType<typeof categoryF1> {
  return categoryF1(
    scores
      .filter((s) => s.category !== undefined)
      .map((s) => ({ label: s.category!, predicted: s.predicted ?? 'unknown' })),
  );
}

/** The share of the labelled logs among `scores` whose predicted category is the label (none: unknown). */
export function categoryAccuracy(scores: readonly LogScore[]): number {
  return rate(
    scores.filter((s) => s.category !== undefined),
    (s) => (s.predicted ?? 'unknown') === s.category,
  );
}

/** The measures of the headline: recall per budget, hit@1, hit@3, and category macro-F1 when labelled. */
export function measuresFor(budgets: readonly number[], categoryLabels: boolean): Measure[] {
  return [
    ...budgets.map((b) => ({
      name: `context recall @${b} B`,
      stat: (s: readonly LogScore[]) => rate(s, (x) => x.recall[b]!),
    })),
    { name: 'evidence hit@1', stat: (s) => rate(s, (x) => hitAt(x, 1)) },
    { name: 'evidence hit@3', stat: (s) => rate(s, (x) => hitAt(x, 3)) },
    ...(categoryLabels
      ? [
          { name: 'category macro-F1', stat: (s: readonly LogScore[]) => macroF1(s).macro },
          { name: 'category accuracy', stat: categoryAccuracy },
        ]
      : []),
  ];
}

/** How many measures a log fails at the headline budget (recall, hit@1, hit@3, hit@10), and why. */
export function missesOf(s: LogScore, budget = HEADLINE_BUDGET): { failed: number; why: string } {
  const why: string[] = [];
  if (s.recall[budget] === false) why.push(`label outside the ${budget} B excerpt`);
  if (s.firstHit === null) why.push(`none in top ${MAX_RANGES}`);
  else if (s.firstHit > 1) why.push(`first hit at rank ${s.firstHit}`);
  const failed =
    Number(s.recall[budget] === false) + Number(!hitAt(s, 1)) + Number(!hitAt(s, 3)) + Number(s.firstHit === null);
  return { failed, why: why.join('; ') || 'none' };
}
