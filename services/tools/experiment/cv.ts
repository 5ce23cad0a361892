// Grouped cross-validation by repository (docs/AI-EVALUATION.md, "Grouped cross-validation"): for each of
// K folds, fit every Tunable on the other folds and measure it on the held-out one; the figure is the
// mean over the folds with a 95% cluster-bootstrap interval (bootstrap.ts). Beside it, never alone, the
// fit: fitted on all logs and measured on all of them (its interval resamples all repositories), and the
// gap between the two in points. Also the per-format table and the worst logs of the first Tunable.

import { detectFormat, type LogFormat } from '../../lib/core/remediation/formats.js';
import type { RubricCategory as Category } from '../../lib/core/remediation/category/categories.js';
import { clusterBootstrap } from './bootstrap.js';
import { groupedFolds, trainingIndices } from './folds.js';
import {
  CV_BUDGETS,
  HEADLINE_BUDGET,
  hitAt,
  macroF1,
  measuresFor,
  missesOf,
  scoreLog,
  type LogScore,
} from './log-score.js';
import type { Prediction, TrainingLog, Tunable } from './tunable.js';

export interface CvOptions {
  /** Folds. Default 5. */
  folds?: number;
  /** Seeds the folds and the bootstrap. Default 1. */
  seed?: number;
  /** Bootstrap replicates. Default 2,000. */
  resamples?: number;
  budgets?: readonly number[];
  /** The worst logs listed. Default 20. */
  worst?: number;
}

export interface Interval {
  value: number;
  low: number;
  high: number;
}

export interface MeasureFigures {
  measure: string;
  /** Mean over the held-out folds, 95% cluster-bootstrap interval. */
  cv: Interval;
  /** Per held-out fold. */
  perFold: number[];
  /** Fitted on all, measured on all. */
  fit: Interval;
  /** fit − cv, in percentage points. */
  gapPoints: number;
}

export interface TunableCv {
  tunable: string;
  tuned: boolean;
  measures: MeasureFigures[];
  /** Per category, F1 over all held-out predictions pooled; absent without category labels. */
  categoryF1?: Partial<Record<Category, { f1: number; support: number }>>;
  /** Every log's held-out score. */
  scores: LogScore[];
}

export interface FormatRow {
  format: LogFormat;
  logs: number;
  repos: number;
  recall: number;
  hit1: number;
  hit3: number;
}

export interface WorstLog {
  repo: string;
  build_id: string;
  format: LogFormat;
  lines: number;
  label: string;
  why: string;
}

export interface CvResult {
  logs: number;
  repos: number;
  seed: number;
  resamples: number;
  budgets: readonly number[];
  /** Logs carrying a category label. */
  categoryLabels: number;
  folds: { repos: string[]; logs: number }[];
  tunables: TunableCv[];
  /** Of the first Tunable, held out, at HEADLINE_BUDGET; most logs first. */
  formats: FormatRow[];
  worst: WorstLog[];
}

/** Scores grouped per fold, then per repository (the clusters of the bootstrap). */
function clusters(scores: readonly LogScore[], foldOf: readonly number[], k: number): LogScore[][][] {
  const perFold = Array.from({ length: k }, () => new Map<string, LogScore[]>());
  scores.forEach((s, i) => {
    const m = perFold[foldOf[i]!]!;
    m.set(s.repo, [...(m.get(s.repo) ?? []), s]);
  });
  return perFold.map((m) => [...m.values()]);
}

const rate = (xs: readonly LogScore[], hit: (s: LogScore) => boolean) => xs.filter(hit).length / xs.length;

/** The per-format table of held-out scores, most logs first (then by name). */
export function formatTable(scores: readonly LogScore[], budget = HEADLINE_BUDGET): FormatRow[] {
  const by = new Map<LogFormat, LogScore[]>();
  for (const s of scores) by.set(s.format, [...(by.get(s.format) ?? []), s]);
  return [...by]
    .map(([format, xs]) => ({
      format,
      logs: xs.length,
      repos: new Set(xs.map((s) => s.repo)).size,
      recall: rate(xs, (s) => s.recall[budget] === true),
      hit1: rate(xs, (s) => hitAt(s, 1)),
      hit3: rate(xs, (s) => hitAt(s, 3)),
    }))
    .sort((a, b) => b.logs - a.logs || a.format.localeCompare(b.format));
}

/** The `n` logs failing most measures; among equals the later first hit, then repository and build. */
export function worstLogs(scores: readonly LogScore[], n: number, budget = HEADLINE_BUDGET): WorstLog[] {
  return scores
    .map((s) => ({ s, m: missesOf(s, budget) }))
    .filter(({ m }) => m.failed > 0)
    .sort(
      (a, b) =>
        b.m.failed - a.m.failed ||
        (b.s.firstHit ?? Infinity) - (a.s.firstHit ?? Infinity) ||
        a.s.repo.localeCompare(b.s.repo) ||
        a.s.build_id.localeCompare(b.s.build_id),
    )
    .slice(0, n)
    .map(({ s, m }) => ({
      repo: s.repo,
      build_id: s.build_id,
      format: s.format,
      lines: s.lines,
      label: `${s.label.start}-${s.label.end}`,
      why: m.why,
    }));
}

/** Grouped K-fold CV of `tunables` over `logs` (prepared by prepareLog). */
export function runCv(logs: readonly TrainingLog[], tunables: readonly Tunable[], opts: CvOptions = {}): CvResult {
  const k = opts.folds ?? 5;
  const seed = opts.seed ?? 1;
  const resamples = opts.resamples ?? 2000;
  const budgets = opts.budgets ?? CV_BUDGETS;
  const folds = groupedFolds(logs, k, seed);
  const foldOf: number[] = [];
  folds.forEach((f, i) => f.logs.forEach((j) => (foldOf[j] = i)));
  const formats = logs.map((l) => detectFormat(l.lines));
  const categoryLabels = logs.filter((l) => l.category !== undefined).length;
  const measures = measuresFor(budgets, categoryLabels > 0);
  const score = (i: number, p: Prediction) => scoreLog(logs[i]!, formats[i]!, p, budgets);

  const results = tunables.map((t): TunableCv => {
    const fitModel = t.fit(logs);
    const fitScores = logs.map((l, i) => score(i, t.predict(fitModel, l)));
    let cvScores = fitScores;
    if (t.tuned) {
      cvScores = [];
      folds.forEach((fold, f) => {
        const model = t.fit(trainingIndices(folds, f).map((i) => logs[i]!));
        for (const i of fold.logs) cvScores[i] = score(i, t.predict(model, logs[i]!));
      });
    }
    const held = clusters(cvScores, foldOf, k);
    const all = clusters(
      fitScores,
      fitScores.map(() => 0),
      1,
    );
    const figures = measures.map((m): MeasureFigures => {
      const cv = clusterBootstrap(held, m.stat, { resamples, seed });
      const fit = clusterBootstrap(all, m.stat, { resamples, seed });
      return {
        measure: m.name,
        cv,
        perFold: held.map((c) => m.stat(c.flat())),
        fit,
        gapPoints: (fit.value - cv.value) * 100,
      };
    });
    const out: TunableCv = { tunable: t.name, tuned: t.tuned, measures: figures, scores: cvScores };
    if (categoryLabels > 0) out.categoryF1 = macroF1(cvScores).perCategory;
    return out;
  });
  const first = results[0]?.scores ?? [];
  return {
    logs: logs.length,
    repos: new Set(logs.map((l) => l.repo)).size,
    seed,
    resamples,
    budgets,
    categoryLabels,
    folds: folds.map((f) => ({ repos: f.repos, logs: f.logs.length })),
    tunables: results,
    formats: formatTable(first),
    worst: worstLogs(first, opts.worst ?? 20),
  };
}
