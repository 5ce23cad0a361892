// The failure-category classifier (services/lib/core/remediation/category/) as Tunables, and its
// baselines. Every one classifies the evidence of extractEvidence, and reports that evidence and
// buildExcerpt's context (heuristic-1's, fitted on nothing): they are measured for their category. The labelled
// chunk is never read, neither to fit nor to predict: fit uses the logs' category labels only.
//   category: the rules' matches by place, their verdicts, the format, the evidence's position and the
//             words of the best range and of the failing command, weighed by logistic regression fitted
//             on the training folds only (its penalties too, by an inner grouped CV);
//   category-rules: the rules alone (the first rule in precedence order in the best ranges), no fit;
//   majority: the most frequent category of the training folds.

import { excerptOfLines } from '../../lib/core/logs/excerpt.js';
import { findMarkers } from '../../lib/core/logs/markers.js';
import type { RubricCategory } from '../../lib/core/remediation/category/categories.js';
import { featuresOf } from '../../lib/core/remediation/category/features.js';
import {
  fitCategoryModel,
  predictCategory,
  type CategoryModel,
  type FitOptions,
} from '../../lib/core/remediation/category/model.js';
import { extractEvidence } from '../../lib/core/remediation/evidence.js';
import type { EvidenceRange } from '../../lib/core/remediation/proposal.js';
import { categoryF1 } from './f1.js';
import { groupedFolds, trainingIndices } from './folds.js';
import type { LogInput, Prediction, TrainingLog, Tunable } from './tunable.js';

interface Analysis {
  evidence: EvidenceRange[];
  features: string[];
}

// Per log (its lines array): the evidence and features, computed once per run of the harness.
const analyses = new WeakMap<readonly string[], Analysis>();

function analyse(lines: readonly string[]): Analysis {
  let a = analyses.get(lines);
  if (a === undefined) {
    const evidence = extractEvidence(lines);
    a = { evidence, features: featuresOf(lines, evidence) };
    analyses.set(lines, a);
  }
  return a;
}

function predictionOf(log: LogInput, evidence: readonly EvidenceRange[], category: RubricCategory): Prediction {
  let markers: ReturnType<typeof findMarkers> | undefined;
  return {
    context(budget) {
      markers ??= findMarkers(log.lines);
      return excerptOfLines(log.lines, markers, { maxBytes: budget }).ranges;
    },
    evidence,
    category,
  };
}

const labelled = (train: readonly TrainingLog[]) => train.filter((l) => l.category !== undefined);

/** The L2 penalties fit chooses from, by grouped CV within its training logs… */
export const L2_CHOICES: readonly number[] = [0.01, 0.03, 0.1];
/** …and the words' penalty, as a multiple of it (the words are many, each in few logs). */
export const WORD_PENALTY_CHOICES: readonly number[] = [3, 10, 30];
const INNER_FOLDS = 3;

const examplesOf = (logs: readonly TrainingLog[]) =>
  labelled(logs).map((l) => ({ features: analyse(l.lines).features, category: l.category! }));

/**
 * The penalties (L2_CHOICES × WORD_PENALTY_CHOICES) with the best macro-F1 in a grouped 3-fold CV by
 * repository inside `train` (the earliest among equals): tuned on the training folds only, like the weights.
 */
export function chooseFitOptions(train: readonly TrainingLog[]): FitOptions {
  const logs = labelled(train);
  const first = { l2: L2_CHOICES[0]!, wordL2: L2_CHOICES[0]! * WORD_PENALTY_CHOICES[0]! };
  if (new Set(logs.map((l) => l.repo)).size < INNER_FOLDS) return first;
  const folds = groupedFolds(logs, INNER_FOLDS, 1);
  let best = { opts: first, f1: -1 };
  for (const l2 of L2_CHOICES) {
    for (const m of WORD_PENALTY_CHOICES) {
      const opts = { l2, wordL2: l2 * m };
      const pairs = folds.flatMap((fold, f) => {
        const model = fitCategoryModel(examplesOf(trainingIndices(folds, f).map((i) => logs[i]!)), opts);
        return fold.logs.map((i) => ({
          label: logs[i]!.category!,
          predicted: predictCategory(model, analyse(logs[i]!.lines).features),
        }));
      });
      const f1 = categoryF1(pairs).macro;
      if (f1 > best.f1) best = { opts, f1 };
    }
  }
  return best.opts;
}

export const categoryTunable: Tunable<CategoryModel> = {
  name: 'category',
  tuned: true,
  fit: (train) => fitCategoryModel(examplesOf(train), chooseFitOptions(train)),
  predict(model, log) {
    const a = analyse(log.lines);
    return predictionOf(log, a.evidence, predictCategory(model, a.features));
  },
};

export const categoryRulesTunable: Tunable<null> = {
  name: 'category-rules',
  tuned: false,
  fit: () => null,
  predict(_model, log) {
    const a = analyse(log.lines);
    const verdict = a.features.find((f) => f.startsWith('verdict:'))!.slice('verdict:'.length);
    return predictionOf(log, a.evidence, verdict === 'none' ? 'unknown' : (verdict as RubricCategory));
  },
};

/** The most frequent category of `train` (the earliest by name among equals), unknown without labels. */
export function majorityOf(train: readonly TrainingLog[]): RubricCategory {
  const counts = new Map<RubricCategory, number>();
  for (const l of labelled(train)) counts.set(l.category!, (counts.get(l.category!) ?? 0) + 1);
  let best: RubricCategory = 'unknown';
  for (const [c, n] of [...counts].sort((a, b) => a[0].localeCompare(b[0]))) if (n > (counts.get(best) ?? 0)) best = c;
  return best;
}

export const majorityTunable: Tunable<RubricCategory> = {
  name: 'majority',
  tuned: true,
  fit: majorityOf,
  predict: (model, log) => predictionOf(log, analyse(log.lines).evidence, model),
};
