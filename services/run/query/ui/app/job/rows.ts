// What the log viewer's virtual list shows (DOM-free): the rows of a parsed log given which sections are
// collapsed, the evidence of a proposal as a note row above each range and a mark on each of its lines,
// and the line anchors of the URL (`#L12`, `#L12-L20`, GitHub's form). Line numbers are 1-based and are
// those of the stored log, as the remediator's evidence uses them.
import type { LogModel } from './log-model.js';

/** An evidence range of a proposal (RemediationProposed.evidence). */
export interface EvidenceRange {
  start_line: number;
  end_line: number;
  reason: string;
}

/** A note shown as its own row above line `before` (0-based): the reason of an evidence range. */
export interface Note {
  before: number;
  text: string;
}

export interface Rows {
  /** Per row: a line index (>= 0), or -(k + 1) for note k. */
  items: Int32Array;
  /** Per line index: its row, or -1 when not shown (hidden, or inside a collapsed section). */
  rowOf: Int32Array;
}

export function buildRows(model: LogModel, collapsed: ReadonlySet<number>, notes: readonly Note[] = []): Rows {
  const n = model.lines.length;
  const notesAt = new Map<number, number[]>();
  notes.forEach((note, k) => notesAt.set(note.before, [...(notesAt.get(note.before) ?? []), k]));
  const items: number[] = [];
  const rowOf = new Int32Array(n).fill(-1);
  for (let i = 0; i < n; i++) {
    const line = model.lines[i]!;
    if (line.hidden) continue;
    for (const k of notesAt.get(i) ?? []) items.push(-(k + 1));
    rowOf[i] = items.length;
    items.push(i);
    if (line.heads >= 0 && collapsed.has(line.heads)) i = model.sections[line.heads]!.end;
  }
  return { items: Int32Array.from(items), rowOf };
}

/** The sections whose body holds line index `i` (to expand them all before jumping to it). */
export function sectionsAround(model: LogModel, i: number): number[] {
  const out: number[] = [];
  model.sections.forEach((s, k) => {
    if (s.header < i && i <= s.end) out.push(k);
  });
  return out;
}

/** The sections collapsed when the log opens: those the log asks for. */
export const initiallyCollapsed = (model: LogModel): Set<number> =>
  new Set(model.sections.flatMap((s, k) => (s.collapsed ? [k] : [])));

/** The row to show for line index `i`: its own, or the nearest shown line before it (a hidden end marker). */
export function rowForLine(rows: Rows, i: number): number {
  for (let j = Math.min(i, rows.rowOf.length - 1); j >= 0; j--) if (rows.rowOf[j]! >= 0) return rows.rowOf[j]!;
  return rows.items.length > 0 ? 0 : -1;
}

export interface LineRange {
  /** 1-based, inclusive, from <= to. */
  from: number;
  to: number;
}

/** `#L12` or `#L12-L20` (also `#L20-L12`, `#L12-20`); null for any other fragment. */
export function parseAnchor(hash: string): LineRange | null {
  const m = /^#?L([1-9]\d{0,8})(?:-L?([1-9]\d{0,8}))?$/.exec(hash);
  if (!m) return null;
  const a = Number(m[1]);
  const b = m[2] === undefined ? a : Number(m[2]);
  return { from: Math.min(a, b), to: Math.max(a, b) };
}

export const anchorOf = (r: LineRange): string => (r.from === r.to ? `#L${r.from}` : `#L${r.from}-L${r.to}`);

/** `r` within a log of `count` lines, or null when it starts past its end. */
export function clampRange(r: LineRange, count: number): LineRange | null {
  if (r.from > count) return null;
  return { from: r.from, to: Math.min(r.to, count) };
}

export interface Evidence {
  /** Per line index of the evidence: its range's number (1-based, in the proposal's order). */
  marks: Map<number, number>;
  /** The ranges that fall in the log (clamped), in the proposal's order, with their reasons. */
  ranges: (LineRange & { reason: string; n: number })[];
  notes: Note[];
}

/**
 * Evidence ranges on a log of `count` lines: ranges past its end are left out (they cannot be shown), the
 * others clamped; a line in two ranges keeps the first range's number.
 */
export function evidenceOf(ranges: readonly EvidenceRange[], count: number): Evidence {
  const marks = new Map<number, number>();
  const kept: Evidence['ranges'] = [];
  ranges.forEach((e, k) => {
    const r = clampRange({ from: Math.min(e.start_line, e.end_line), to: Math.max(e.start_line, e.end_line) }, count);
    if (!r || r.from < 1) return;
    kept.push({ ...r, reason: e.reason, n: k + 1 });
    for (let l = r.from; l <= r.to; l++) if (!marks.has(l - 1)) marks.set(l - 1, k + 1);
  });
  const notes = kept.map((r) => ({ before: r.from - 1, text: `Evidence ${r.n}: ${r.reason} (${rangeText(r)})` }));
  return { marks, ranges: kept, notes };
}

export const rangeText = (r: LineRange): string => (r.from === r.to ? `line ${r.from}` : `lines ${r.from}–${r.to}`);
