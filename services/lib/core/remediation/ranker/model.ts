// The ranker as the remediator uses it: the model fitted on every labelled development log (fitted.ts,
// written by `npm run fit:models`), read back by feature name so a feature added without refitting is an
// error at load, not a silent zero; and the two things made from one ranking of a log: its evidence
// (ranges with a reason a person can read) and its excerpt at any byte budget. Pure.

import { DEFAULT_MAX_BYTES, type Excerpt } from '../../logs/excerpt.js';
import { MAX_RANGES, type Evidence } from '../evidence.js';
import { CANDIDATE_KINDS, FEATURE_COUNT, FEATURE_NAMES, type CandidateKind } from './features.js';
import { FITTED_RANKER_DATA } from './fitted.js';
import type { RankerModel } from './learn.js';
import { DEFAULT_PACKING, packExcerpt, rankLog, type PackOptions } from './rank.js';

/** A ranker model as data: weights by feature name, and the packing. */
export interface RankerData {
  weights: Readonly<Record<string, number>>;
  packing: Readonly<PackOptions>;
}

/** The model of `data`; throws when a feature of FEATURE_NAMES has no weight or a weight is not finite. */
export function rankerFromData(data: RankerData): RankerModel {
  const weights = new Float64Array(FEATURE_COUNT);
  FEATURE_NAMES.forEach((name, j) => {
    const w = data.weights[name];
    if (typeof w !== 'number' || !Number.isFinite(w))
      throw new Error(`ranker model: no weight for feature "${name}" (refit with npm run fit:models)`);
    weights[j] = w;
  });
  const packing = { ...DEFAULT_PACKING, ...data.packing };
  return { weights, packing };
}

/** The data of `model`, as fitted.ts holds it. */
export function rankerToData(model: RankerModel): RankerData {
  return {
    weights: Object.fromEntries(FEATURE_NAMES.map((name, j) => [name, model.weights[j]!])),
    packing: { ...model.packing },
  };
}

let fitted: RankerModel | undefined;

/** The ranker fitted on the development logs (fitted.ts), read once, on first use (the fit tool runs without it). */
export function fittedRanker(): RankerModel {
  fitted ??= rankerFromData(FITTED_RANKER_DATA);
  return fitted;
}

const REASONS: Readonly<Record<CandidateKind, string>> = {
  error: 'error message',
  'test-fail': 'failing test',
  assert: 'assertion',
  trace: 'stack trace',
  section: 'list of failures',
  summary: 'failure summary',
  crash: 'crash, kill or time limit',
  env: 'missing command, file, dependency or access',
  noise: "tool's output after a failure",
  warning: 'warning',
  word: 'error word',
  'last-output': 'last output of the failed command',
  exit: "failed command's exit",
};
// Every kind has a reason: the compiler checks the record, this checks the list it is keyed by.
CANDIDATE_KINDS satisfies readonly (keyof typeof REASONS)[];

/**
 * Evidence of `lines` (line 1 is `lines[0]`) as the heuristic reads it: at most `max` ranges, best first,
 * each with its key line and a reason.
 */
export function rankedEvidence(
  lines: readonly string[],
  model: RankerModel = fittedRanker(),
  max = MAX_RANGES,
): Evidence[] {
  return rankLog(lines, model.weights, max).ranges.map((r) => ({
    start: r.start,
    end: r.end,
    line: r.line,
    rule: r.rule,
    reason: REASONS[r.kind],
    score: r.score,
  }));
}

/** The excerpt of `lines` of at most `budget` UTF-8 bytes: the evidence with its context, then the tail. */
export function rankedExcerpt(lines: readonly string[], budget: number, model: RankerModel = fittedRanker()): Excerpt {
  return packExcerpt(lines, rankLog(lines, model.weights), budget, model.packing);
}

/** The excerpt of a log's text (DEFAULT_MAX_BYTES by default): what a JobFailed event carries of its log. */
export function excerptOfLog(log: string, budget = DEFAULT_MAX_BYTES): Excerpt {
  return rankedExcerpt(log.split('\n'), budget);
}
