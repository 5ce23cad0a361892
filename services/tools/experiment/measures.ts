// Measures of remediation quality on labelled logs (QUALITY.md, "AI remediation quality"). A label is
// the 1-based inclusive line range a person marked as explaining the failure (LogChunks). Pure.

import { maxLineBytesFor, type Excerpt, type LineRange } from '../../lib/core/logs/excerpt.js';
import type { EvidenceRange } from '../../lib/core/remediation/proposal.js';
import { rankedExcerpt } from '../../lib/core/remediation/ranker/model.js';

/** Budget of the context sent to a model, in UTF-8 bytes of the excerpt. */
export const CONTEXT_BUDGET = 16000;

/** A label ending past the last line of its log (its chunk had more line breaks than the log) runs to the end. */
export function clampLabel(label: LineRange, lineCount: number): LineRange {
  return { start: label.start, end: Math.min(label.end, lineCount) };
}

/** Whether the label lies wholly inside one of `ranges`. */
export function covers(ranges: readonly LineRange[], label: LineRange): boolean {
  return ranges.some((r) => r.start <= label.start && label.end <= r.end);
}

export interface ContextRecall {
  /** The labelled lines are all in the excerpt. */
  hit: boolean;
  /** …and none of them was shortened in it. */
  strict: boolean;
  excerpt: Excerpt;
}

/**
 * Context recall of one log: does the excerpt of at most `budget` bytes a model is sent (the fitted
 * ranker's, on the log's lines, line 1 is `lines[0]`) contain the labelled lines?
 */
export function contextRecall(lines: readonly string[], label: LineRange, budget = CONTEXT_BUDGET): ContextRecall {
  const excerpt = rankedExcerpt(lines, budget);
  const l = clampLabel(label, lines.length);
  if (!covers(excerpt.ranges, l)) return { hit: false, strict: false, excerpt };
  const cut = lines.slice(l.start - 1, l.end).some((line) => Buffer.byteLength(line, 'utf8') > maxLineBytesFor(budget));
  return { hit: true, strict: !cut, excerpt };
}

/** Whether one of the first `k` evidence ranges overlaps the label. */
export function evidenceHit(evidence: readonly EvidenceRange[], label: LineRange, k: number): boolean {
  return evidence.slice(0, k).some((e) => e.start_line <= label.end && label.start <= e.end_line);
}

/** The p-th percentile (0..100, nearest rank) of `values`; NaN when there are none. */
export function percentile(values: readonly number[], p: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))]!;
}

/** A share with its counts; `rate` is NaN when nothing was counted. */
export interface Share {
  hits: number;
  n: number;
  rate: number;
}

export function share(hits: number, n: number): Share {
  return { hits, n, rate: n === 0 ? Number.NaN : hits / n };
}
