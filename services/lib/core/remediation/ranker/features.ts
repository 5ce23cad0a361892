// Candidates of a log and their features: every line a rule of families.ts gives a kind, the last output
// of a failed step above its boilerplate, and a failed step's exit line; each with what it is (its kind,
// whether an ecosystem rule matched it) and where it is (in the first failing step, how far above the
// step's exit line and the end of the log, in an attempt that was retried and then passed, in a cleanup
// step after the failure). The weights of the features are learned (learn.ts). Pure.

import { KINDS, ruleOf, type Kind } from './families.js';
import { logStructure, type LogStructure } from './structure.js';

/** What a candidate is: a rule's kind, a failed step's last output, or its exit line. */
export type CandidateKind = Kind | 'last-output' | 'exit';
export const CANDIDATE_KINDS: readonly CandidateKind[] = [...KINDS, 'last-output', 'exit'];

const POSITION_FEATURES = [
  'ecosystem rule',
  'in the first failing step',
  'in a later failing step',
  'in a step after the first failure',
  'in a step before the first failure',
  'in the last step, no step failed',
  'in a cleanup step',
  'close above the exit line',
  'close to the end of the log',
  'share of the log after it',
  'in a retried attempt that later passed',
  'in a retried attempt',
  'first of its kind in its step',
  'last of its kind in its step',
  'strong lines around it',
  'first strong line of the failing step',
  'after a blank line',
  'indented',
  'strong kind in a failing step',
  'trailer below a strong line of its step',
  'strong, the last of its step',
  'strong, the first of its step',
  'strong lines inside its range',
  'trailer with no strong line inside its range',
  'times its rule matches in the log',
] as const;

/** Names of the features, in the order of a candidate's `x`. */
export const FEATURE_NAMES: readonly string[] = [...CANDIDATE_KINDS.map((k) => `kind: ${k}`), ...POSITION_FEATURES];
export const FEATURE_COUNT = FEATURE_NAMES.length;

export interface Candidate {
  /** 1-based line. */
  line: number;
  kind: CandidateKind;
  rule: string;
  x: Float64Array;
}

export interface LogFeatures {
  structure: LogStructure;
  candidates: Candidate[];
}

/** Most candidates kept of one log: the strongest by a fixed prior, so time stays bounded. */
export const MAX_CANDIDATES = 400;
const STRONG = new Set<CandidateKind>(['error', 'test-fail', 'assert', 'section', 'crash', 'env', 'trace']);
const TRAILERS = new Set<CandidateKind>(['summary', 'noise', 'exit', 'last-output']);
// Blank lines and the CI system's own bookkeeping are nobody's output.
const BOOKKEEPING = /^\s*$|^(?:travis_(?:time|fold):|section_(?:start|end):|##\[(?:end)?group\]|::(?:end)?group::)/;
const WEAK = new Set<CandidateKind>(['word', 'warning', 'noise']);

/** Candidates of `lines` with their features. */
export function logFeatures(lines: readonly string[]): LogFeatures {
  const n = lines.length;
  const structure = logStructure(lines);
  const { steps, stepOf, firstFailing, lastFailing, retried, retryPassed } = structure;
  const raw: { line: number; kind: CandidateKind; rule: string; family: string }[] = [];
  const exitLines = new Set<number>();
  for (const s of steps) if (s.exit !== undefined) exitLines.add(s.exit);
  for (let i = 0; i < n; i++) {
    if (exitLines.has(i + 1)) continue;
    const rule = ruleOf(lines[i]!);
    if (rule !== undefined) raw.push({ line: i + 1, kind: rule.kind, rule: rule.id, family: rule.family });
  }
  const failed = (k: number) => (steps[k]?.status ?? 0) !== 0 || k === firstFailing;
  const noise = new Set(raw.filter((c) => c.kind === 'noise').map((c) => c.line));
  // The last output of a failed step (or of the last step when none failed) above its boilerplate.
  steps.forEach((s, k) => {
    if (!(failed(k) || (firstFailing < 0 && k === steps.length - 1))) return;
    if (s.exit !== undefined && (s.status ?? 0) !== 0)
      raw.push({ line: s.exit, kind: 'exit', rule: 'exit', family: 'ci' });
    let last = (s.exit ?? s.end + 1) - 1;
    while (last > s.start && (noise.has(last) || BOOKKEEPING.test(lines[last - 1]!) || exitLines.has(last))) last--;
    if (last >= s.start) raw.push({ line: last, kind: 'last-output', rule: 'last-output', family: 'ci' });
  });
  raw.sort((a, b) => a.line - b.line);

  const strongAt = new Uint8Array(n + 2);
  for (const c of raw) if (STRONG.has(c.kind)) strongAt[c.line] = 1;
  const strongPrefix = new Int32Array(n + 2);
  for (let i = 1; i <= n + 1; i++) strongPrefix[i] = strongPrefix[i - 1]! + (strongAt[i] ?? 0);
  const strongAround = (line: number) =>
    strongPrefix[Math.min(n, line + 5)]! - strongPrefix[Math.max(0, line - 6)]! - strongAt[line]!;
  const lastOfKind = new Map<string, number>();
  for (const c of raw) lastOfKind.set(`${stepOf[c.line - 1]}:${c.kind}`, c.line);
  const seenFirst = new Set<string>();
  const firstStrong = new Map<number, number>();
  const lastStrong = new Map<number, number>();
  for (const c of raw) {
    if (!STRONG.has(c.kind)) continue;
    const k = stepOf[c.line - 1]!;
    if (!firstStrong.has(k)) firstStrong.set(k, c.line);
    lastStrong.set(k, c.line);
  }
  const ruleCount = new Map<string, number>();
  for (const c of raw) ruleCount.set(c.rule, (ruleCount.get(c.rule) ?? 0) + 1);
  const strongIn = (from: number, to: number) =>
    strongPrefix[Math.max(0, Math.min(n, to))]! - strongPrefix[Math.max(0, Math.min(n, from - 1))]!;
  const firstStrongOfFailing = raw.find((c) => STRONG.has(c.kind) && stepOf[c.line - 1] === firstFailing)?.line;
  const kindIndex = new Map(CANDIDATE_KINDS.map((k, i) => [k, i]));
  const base = CANDIDATE_KINDS.length;

  const candidates: (Candidate & { prior: number })[] = raw.map((c) => {
    const x = new Float64Array(FEATURE_COUNT);
    x[kindIndex.get(c.kind)!] = 1;
    const k = stepOf[c.line - 1]!;
    const step = steps[k]!;
    const inFailing = failed(k);
    const key = `${k}:${c.kind}`;
    const first = !seenFirst.has(key);
    seenFirst.add(key);
    const toExit = step.exit !== undefined && step.exit >= c.line ? step.exit - c.line : -1;
    const v = [
      c.family !== 'generic' && c.family !== 'ci' ? 1 : 0,
      k === firstFailing ? 1 : 0,
      inFailing && k !== firstFailing ? 1 : 0,
      firstFailing >= 0 && k > firstFailing && !inFailing ? 1 : 0,
      firstFailing >= 0 && k < firstFailing ? 1 : 0,
      firstFailing < 0 && lastFailing < 0 && k === steps.length - 1 ? 1 : 0,
      step.cleanup ? 1 : 0,
      toExit >= 0 ? Math.exp(-toExit / 30) : 0,
      Math.exp(-(n - c.line) / 60),
      (n - c.line) / Math.max(1, n),
      retryPassed[c.line - 1]! ? 1 : 0,
      retried[c.line - 1]! ? 1 : 0,
      first ? 1 : 0,
      lastOfKind.get(key) === c.line ? 1 : 0,
      Math.min(1, strongAround(c.line) / 5),
      c.line === firstStrongOfFailing ? 1 : 0,
      c.line > 1 && !/\S/.test(lines[c.line - 2]!) ? 1 : 0,
      /^\s/.test(lines[c.line - 1]!) ? 1 : 0,
      inFailing && STRONG.has(c.kind) ? 1 : 0,
      isTrailer(c.kind) && (firstStrong.get(k) ?? Infinity) < c.line ? 1 : 0,
      STRONG.has(c.kind) && lastStrong.get(k) === c.line ? 1 : 0,
      STRONG.has(c.kind) && firstStrong.get(k) === c.line ? 1 : 0,
      Math.min(
        1,
        (strongIn(c.line - rangeShape(c.kind).before, c.line + rangeShape(c.kind).after) - strongAt[c.line]!) / 5,
      ),
      isTrailer(c.kind) && strongIn(c.line - rangeShape(c.kind).before, c.line) === 0 ? 1 : 0,
      Math.log1p(ruleCount.get(c.rule)!) / 5,
    ];
    v.forEach((value, j) => (x[base + j] = value));
    const prior = (WEAK.has(c.kind) ? 0 : 2) + (inFailing ? 2 : 0) + x[base + 8]!;
    return { line: c.line, kind: c.kind, rule: c.rule, x, prior };
  });
  let kept = candidates;
  if (candidates.length > MAX_CANDIDATES) {
    kept = [...candidates].sort((a, b) => b.prior - a.prior || b.line - a.line).slice(0, MAX_CANDIDATES);
    kept.sort((a, b) => a.line - b.line);
  }
  return { structure, candidates: kept.map(({ line, kind, rule, x }) => ({ line, kind, rule, x })) };
}

/** Lines before and after the key line of a candidate's range: a header's details follow it, a trailer's precede it. */
export function rangeShape(kind: CandidateKind): { before: number; after: number } {
  return isTrailer(kind) ? { before: 16, after: 3 } : { before: 4, after: 15 };
}

/** Whether a kind closes what it is about (a count, boilerplate, an exit): its explanation is above it. */
export const isTrailer = (kind: CandidateKind): boolean => TRAILERS.has(kind);
