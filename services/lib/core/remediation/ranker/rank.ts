// One ranker for the evidence and the excerpt: candidates (features.ts) scored by learned weights, the
// best turned into evidence ranges of at most MAX_RANGE_LINES lines, best first; the excerpt is those
// ranges with their context (a header's block after it, a trailer's output before it), then the tail
// of the log, up to any byte budget. Pure and deterministic.

import { LinePacker, type Excerpt } from '../../logs/excerpt.js';
import { MAX_RANGE_LINES, MAX_RANGES } from '../evidence.js';
import { FEATURE_COUNT, isTrailer, logFeatures, rangeShape, type CandidateKind, type LogFeatures } from './features.js';

export interface RankedRange {
  /** 1-based, inclusive, at most MAX_RANGE_LINES lines. */
  start: number;
  end: number;
  /** The candidate's line. */
  line: number;
  kind: CandidateKind;
  rule: string;
  score: number;
}

export interface Ranking {
  /** The evidence: at most `max` ranges, best first. */
  ranges: RankedRange[];
  /** The ranges ranked after them, up to EXCERPT_RANGES in all: the excerpt holds them too, budget permitting. */
  more: RankedRange[];
  features: LogFeatures;
}

/** Ranges ranked for the excerpt, evidence included. */
export const EXCERPT_RANGES = 40;

const features = new WeakMap<readonly string[], LogFeatures>();

/** logFeatures of `lines`, computed once per array. */
export function featuresOf(lines: readonly string[]): LogFeatures {
  let f = features.get(lines);
  if (f === undefined) {
    f = logFeatures(lines);
    features.set(lines, f);
  }
  return f;
}

export function dot(w: ArrayLike<number>, x: ArrayLike<number>): number {
  let s = 0;
  for (let j = 0; j < FEATURE_COUNT; j++) s += w[j]! * x[j]!;
  return s;
}

/** Evidence of `lines` ranked by `weights`: at most `max` non-overlapping ranges, best first. */
export function rankLog(lines: readonly string[], weights: ArrayLike<number>, max = MAX_RANGES): Ranking {
  const f = featuresOf(lines);
  const n = lines.length;
  const scored = f.candidates
    .map((c) => ({ c, s: dot(weights, c.x) }))
    .sort((a, b) => b.s - a.s || b.c.line - a.c.line);
  const ranges: RankedRange[] = [];
  for (const { c, s } of scored) {
    if (ranges.some((r) => r.start <= c.line && c.line <= r.end)) continue;
    const shape = rangeShape(c.kind);
    let start = Math.max(1, c.line - shape.before);
    let end = Math.min(n, c.line + shape.after);
    for (const r of ranges) {
      if (r.end < c.line) start = Math.max(start, r.end + 1);
      else if (r.start > c.line) end = Math.min(end, r.start - 1);
    }
    end = Math.min(end, start + MAX_RANGE_LINES - 1);
    ranges.push({ start, end, line: c.line, kind: c.kind, rule: c.rule, score: s });
    if (ranges.length === Math.max(max, EXCERPT_RANGES)) break;
  }
  return { ranges: ranges.slice(0, max), more: ranges.slice(max), features: f };
}

/** How the excerpt spends its budget; fitted on training logs (learn.ts, fitPacking). */
export interface PackOptions {
  /** Share of the budget the tail is guaranteed. */
  tailShare: number;
  /** Share one of the best ranges' context may take in its own direction… */
  windowShare: number;
  /** …and the other way. */
  otherShare: number;
  /** How many of the best ranges get context. */
  firstRanges: number;
  /** Most lines between two of the best ranges of one step that are filled in (0: none). */
  bridgeLines: number;
}

export const DEFAULT_PACKING: Readonly<PackOptions> = Object.freeze({
  tailShare: 0.15,
  windowShare: 0.4,
  otherShare: 0.1,
  firstRanges: 4,
  bridgeLines: 0,
});
/** Most lines of context a range gets beyond itself, and before a header. */
const CONTEXT_LINES = 400;
const HEADER_LEAD = 8;

/**
 * The excerpt of at most `budget` UTF-8 bytes: the last lines of the log within `tailShare` of it; the
 * `firstRanges` best ranges; their context in rank order (after a header to the end of its step, before a
 * trailer to its step's start, CONTEXT_LINES at most and `windowShare` of the budget each); the lines
 * between two of them in one step when at most `bridgeLines` (`windowShare` each); their context the
 * other way (`otherShare`); the other ranges; then the tail further back.
 * Lines longer than maxLineBytesFor(budget) are shortened; separators mark omitted lines (LinePacker).
 */
export function packExcerpt(
  lines: readonly string[],
  ranking: Ranking,
  budget: number,
  packing: PackOptions = DEFAULT_PACKING,
): Excerpt {
  const { tailShare, windowShare, otherShare, firstRanges, bridgeLines } = packing;
  const n = lines.length;
  const pack = new LinePacker(lines, budget);
  const add = (i: number) => pack.add(i);
  const cost = (i: number) => pack.cost(i);
  let tailStart = n;
  const tailBudget = budget * tailShare;
  for (let i = n - 1; i >= 0 && pack.used + cost(i) + pack.separatorCost <= tailBudget && add(i); i--) tailStart = i;

  const { steps, stepOf } = ranking.features.structure;
  const top = ranking.ranges.slice(0, firstRanges);
  // The best ranges themselves first, then their context in rank order, then the other ranges.
  for (const r of top) for (let i = r.start - 1; i < r.end && add(i); i++);
  /** Adds lines from..to (0-based, either direction) while they fit `share` of the budget. */
  const grow = (from: number, to: number, share: number) => {
    let spent = 0;
    const dir = from <= to ? 1 : -1;
    for (let i = from; dir * (to - i) >= 0 && i >= 0 && i < n; i += dir) {
      if (pack.has(i)) continue;
      if (spent + cost(i) > budget * share || !add(i)) return;
      spent += cost(i);
    }
  };
  // Its context: a trailer's output before it, a header's block after it (within its step)…
  const around = top.map((r) => {
    const step = steps[stepOf[r.line - 1]!]!;
    const trailer = isTrailer(r.kind);
    const first = Math.max(step.start - 1, r.start - 1 - CONTEXT_LINES);
    const last = Math.min((step.exit ?? step.end) - 1, r.end - 1 + CONTEXT_LINES);
    if (trailer) grow(r.start - 2, first, windowShare);
    else {
      grow(r.start - 2, Math.max(0, r.start - 1 - HEADER_LEAD), windowShare);
      grow(r.end, last, windowShare);
    }
    return { r, trailer, first, last };
  });
  // The lines between two of the best ranges of one step, when few: one message the ranges cut in pieces.
  if (bridgeLines > 0) {
    const byLine = [...top].sort((a, b) => a.start - b.start);
    for (let k = 1; k < byLine.length; k++) {
      const [a, b] = [byLine[k - 1]!, byLine[k]!];
      const gap = b.start - a.end - 1;
      if (gap > 0 && gap <= bridgeLines && stepOf[a.end - 1] === stepOf[b.start - 1])
        grow(a.end, b.start - 2, windowShare);
    }
  }
  // …then the other way, for a message the range starts or ends in the middle of.
  for (const { r, trailer, first, last } of around)
    if (trailer) grow(r.end, last, otherShare);
    else grow(r.start - 2, first, otherShare);
  for (const r of [...ranking.ranges.slice(firstRanges), ...ranking.more])
    for (let i = r.start - 1; i < r.end && add(i); i++);
  for (let i = tailStart - 1; i >= 0 && add(i); i--);

  return pack.excerpt();
}
