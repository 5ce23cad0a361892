// What the learned part of the category classifier sees of a log: which rules (rules.ts) match where,
// the rules' verdict on the best ranges and on the log's tail, the log's format family (formats.ts),
// where its evidence lies, the words of the best range and of the failing command (the CI's own
// `The command "…" exited with n.` line: which tool failed says much of why). The lines classified are the
// evidence the heuristic finds (extractEvidence, best first), never a labelled chunk: the same at
// training and at prediction. A log's features are a set of string keys (binary). Pure.

import { extractEvidence } from '../evidence.js';
import { detectFormat } from '../formats.js';
import type { EvidenceRange } from '../proposal.js';
import { ruleVerdict, rulesOf } from './rules.js';

/** Lines at the end of the log read as its tail. */
export const TAIL_LINES = 30;

/** Where a rule matched: the best evidence range, ranges 2–3, ranges 4–10, the log's tail outside them. */
export type Place = 'top1' | 'top3' | 'rest' | 'tail';

/** The evidence ranges' lines, grouped by place (a line in several ranges counts in the best one). */
export function linesByPlace(lines: readonly string[], evidence: readonly EvidenceRange[]): Record<Place, string[]> {
  const out: Record<Place, string[]> = { top1: [], top3: [], rest: [], tail: [] };
  const seen = new Set<number>();
  evidence.forEach((e, k) => {
    const place: Place = k === 0 ? 'top1' : k < 3 ? 'top3' : 'rest';
    for (let i = e.start_line; i <= e.end_line && i <= lines.length; i++) {
      if (seen.has(i)) continue;
      seen.add(i);
      out[place].push(lines[i - 1]!);
    }
  });
  for (let i = Math.max(1, lines.length - TAIL_LINES + 1); i <= lines.length; i++)
    if (!seen.has(i)) out.tail.push(lines[i - 1]!);
  return out;
}

/** The feature keys of a log, given its evidence (the heuristic's, best first). */
export function featuresOf(lines: readonly string[], evidence: readonly EvidenceRange[]): string[] {
  const keys = new Set<string>(['bias', `format:${detectFormat(lines)}`]);
  const places = linesByPlace(lines, evidence);
  for (const place of ['top1', 'top3', 'rest', 'tail'] as const) {
    for (const line of places[place]) for (const r of rulesOf(line)) keys.add(`${place}:${r.id}`);
  }
  // The rules' verdict: the first of the best three ranges with a matching line decides, by precedence.
  let verdict: string | undefined;
  for (const e of evidence.slice(0, 3)) {
    const v = ruleVerdict(lines.slice(e.start_line - 1, e.end_line));
    if (v !== undefined) {
      verdict = v.category;
      break;
    }
  }
  keys.add(`verdict:${verdict ?? 'none'}`);
  // The rules' verdict on the log's last lines (a job stops at the step that failed, so its end often
  // names the cause even when the best ranges lie elsewhere).
  const tail = ruleVerdict(lines.slice(-TAIL_LINES));
  if (tail !== undefined) keys.add(`tail-verdict:${tail.category}`);
  for (const w of wordsOf(places.top1)) keys.add(`w:${w}`);
  for (const w of wordsOf(failingCommands(lines))) keys.add(`cmd:${w}`);
  const top = evidence[0];
  if (top === undefined) keys.add('evidence:none');
  else {
    const fromEnd = lines.length - top.end_line;
    keys.add(fromEnd < TAIL_LINES ? 'top1-at:end' : fromEnd < 300 ? 'top1-at:near-end' : 'top1-at:far');
    keys.add(`top1-lines:${Math.min(4, Math.ceil(Math.log2(top.end_line - top.start_line + 1)))}`);
  }
  return [...keys].sort();
}

/** The features of a log with the heuristic's evidence. */
export function logFeatures(lines: readonly string[]): string[] {
  return featuresOf(lines, extractEvidence(lines));
}

/** The words of some lines: lower-case runs of 3–20 letters (numbers, paths' digits and hashes are noise). */
export function wordsOf(lines: readonly string[]): string[] {
  const out = new Set<string>();
  for (const line of lines)
    for (const m of line
      .slice(0, 2000)
      .toLowerCase()
      .matchAll(/[a-z]{3,20}/g))
      out.add(m[0]);
  return [...out];
}

/** Travis CI's report of a step that failed: `The command "npm test" exited with 1.` */
const FAILED_COMMAND = /^The command "(.{1,300})" (?:exited with [1-9]\d*|failed)/;

/** The commands the CI reports as failed, in the log's last lines. */
export function failingCommands(lines: readonly string[]): string[] {
  const out: string[] = [];
  for (const line of lines.slice(-TAIL_LINES)) {
    const m = FAILED_COMMAND.exec(line.trim());
    if (m) out.push(m[1]!);
  }
  return out;
}

/** Whether a feature key says a rule matched somewhere (`top1:…`, `top3:…`, `rest:…`, `tail:…`). */
export const isRuleFeature = (key: string): boolean => /^(?:top1|top3|rest|tail):/.test(key);
