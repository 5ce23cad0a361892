// Evidence: the ranges of a failed job's log that explain the failure, best first. Found anywhere in the
// log from the error markers of core/logs/markers.ts and the layout of a CI log: commands are echoed
// (`$ npm test`) and end with an exit line (`The command "npm test" exited with 1.`, `Process completed
// with exit code 2`, `ERROR: Job failed: exit code 1`), so the explanation of a failure is usually in
// the output of the command that failed, just above the tool's own boilerplate (`npm ERR! code
// ELIFECYCLE`, `make: *** [all] Error 2`, `[ERROR] -> [Help 1]`). General rules only; pure.

import { findMarkers, scoreLine, type ErrorMarker } from '../logs/markers.js';
import type { EvidenceRange } from './proposal.js';

/** Most lines of one range (RemediationProposed.evidence). */
export const MAX_RANGE_LINES = 20;
/** Most ranges of a proposal (RemediationProposed.evidence). */
export const MAX_RANGES = 10;

export interface EvidenceOptions {
  /** Ranges to return, 1..10. Default 10. */
  max?: number;
}

/** A range with the line that makes it evidence, for the heuristic provider and the signature. */
export interface Evidence {
  /** 1-based, inclusive, at most MAX_RANGE_LINES lines. */
  start: number;
  end: number;
  /** The line that explains the failure best (1-based, within the range). */
  line: number;
  /**
   * Marker rule of `line` (markers.ts), `last-output` for the last output of a failed command (or of a
   * log without exit lines), `exit-status` for a failed command's exit line.
   */
  rule: string;
  reason: string;
  score: number;
}

// The exit line of a CI step: Travis CI (`The command "x" exited with 1.`, its `" exited with 1.` ending a
// multi-line command), GitHub Actions, GitLab CI, Azure Pipelines, Jenkins, CircleCI and Buildkite.
const STEP_EXIT =
  /^(?:The command .*|\s*")\s*exited with (\d+)\.?\s*$|\bProcess completed with exit code (\d+)|\bJob failed: exit code (\d+)|^##\[error\].* exited with code '?(\d+)|\bscript returned exit code (\d+)|^Exited with code (?:exit status )?(\d+)|\bThe command exited with status (\d+)/;
// The first line of a Travis CI exit line that quotes a multi-line command.
const QUOTED_COMMAND = /^The command "/;
/** Most lines of a command quoted by an exit line. */
const MAX_QUOTED_LINES = 100;
// The start of a command's output: an echoed command or a CI system's section marker.
const COMMAND = /^\s*\$ \S|^(?:travis_fold:start:|section_start:|##\[group\]|::group::)/;
// Lines a tool prints after the explanation of a failure, saying only that it failed, where its log is
// or how to get help; and CI bookkeeping. They are skipped when looking for a failed command's output.
const BOILERPLATE = new RegExp(
  [
    '^\\s*$',
    '^(?:travis_(?:time|fold):|section_(?:start|end):|##\\[(?:end)?group\\]|::(?:end)?group::)',
    '^npm ERR! (?:code ELIFECYCLE|errno |syscall |Exit status|Failed at the|This is (?:probably|most likely)|Tell the author|You can get (?:their|information)|npm (?:owner|bugs)|There is likely|A complete log|\\s|Test failed\\.|\\S+@\\S+ [\\w:.-]+: |Linux |argv |node v|npm {1,2}v|If you need help|Please include)',
    '^npm ERR!\\s*$',
    '^\\s*(?:error Command failed with exit code|info Visit https://yarnpkg)',
    '^\\s*(?:g?make|ninja)(?:\\[\\d+\\])?: (?:\\*\\*\\*|Leaving directory|Entering directory)',
    '^\\S*(?:Makefile|\\.mk):\\d+: recipe for target',
    '^\\[(?:ERROR|INFO)\\] (?:-> \\[Help|To see the full stack|Re-run Maven|For more information about|\\[Help \\d|-{8,}|BUILD FAILURE|Total time|Finished at|Final Memory)',
    '^\\[(?:ERROR|INFO)\\]\\s*$',
    '^\\s*\\* (?:Try|Get more help)|^\\s*> Run with --(?:stacktrace|info|debug|scan)|^\\s*Run with --scan|^BUILD FAILED in ',
    '^Done\\. Your build exited with',
    '^\\(See full trace by running task with --trace\\)',
    '^ERROR: Job failed|^Cleaning up (?:project directory|file based variables)',
    '^##\\[error\\]Process completed with exit code',
  ].join('|'),
);

const REASONS: Record<string, string> = {
  'last-output': 'last output of the failed command',
  'exit-status': 'exit line',
  'build-failed': 'build failure',
  traceback: 'stack trace head',
  'failure-section': 'list of failures',
  'compiler-error': 'compiler error',
  crash: 'crash',
  fail: 'failing test',
  werror: 'warnings treated as errors',
  make: 'make error',
  'error-tag': 'error message',
  exception: 'exception',
  'test-mark': 'failing test',
  'failure-count': 'failure count',
  assertion: 'assertion',
  environment: 'environment error',
  'http-status': 'HTTP error',
  'numbered-failure': 'failing test',
  'error-word-strong': 'error line',
  'error-word': 'error line',
  warning: 'warning',
};

/** The exit status of a CI step announced by a line, or undefined. */
export function exitStatus(line: string): number | undefined {
  const m = STEP_EXIT.exec(line.length > 2000 ? line.slice(0, 2000) : line);
  if (m === null) return undefined;
  return Number(m.slice(1).find((g) => g !== undefined));
}

export function isBoilerplate(line: string): boolean {
  return BOILERPLATE.test(line.length > 2000 ? line.slice(0, 2000) : line);
}

/** A step of the log: lines `start` to `end` (1-based), from the previous step's end to its own exit line. */
interface Step {
  start: number;
  end: number;
  /** First line of the command's output (after its echo, if any; the last echo counts). */
  output: number;
  /** First line of the exit line (a quoted multi-line command makes it several), or end + 1 if none. */
  exit: number;
  /** Exit status, undefined when the log ends first. */
  status: number | undefined;
  failed: boolean;
}

/** An exit status meaning the command was stopped (timeout(1)'s 124, or 128 + a signal: 137 SIGKILL, 143 SIGTERM). */
function killed(status: number | undefined): boolean {
  return status !== undefined && (status === 124 || (status > 128 && status < 160));
}

/**
 * The log cut into steps at exit lines: each step runs from the line after the previous exit line to its
 * own; its output starts after its last command echo (or section start). A log that ends without an exit
 * line ends in a step too.
 */
function stepsOf(lines: readonly string[]): Step[] {
  const steps: Step[] = [];
  let from = 1;
  let command = 0;
  for (let i = 1; i <= lines.length; i++) {
    const text = lines[i - 1]!;
    if (COMMAND.test(text)) command = i;
    const status = exitStatus(text);
    if (status === undefined) continue;
    let exit = i;
    if (text.trimStart().startsWith('"')) {
      for (let j = i - 1; j >= Math.max(from, i - MAX_QUOTED_LINES); j--) {
        if (!QUOTED_COMMAND.test(lines[j - 1]!)) continue;
        exit = j;
        break;
      }
    }
    steps.push({
      start: from,
      end: i,
      output: command > 0 && command < exit ? command + 1 : from,
      exit,
      status,
      failed: status !== 0,
    });
    from = i + 1;
    command = 0;
  }
  if (from <= lines.length)
    steps.push({
      start: from,
      end: lines.length,
      output: command > 0 ? command + 1 : from,
      exit: lines.length + 1,
      status: undefined,
      failed: false,
    });
  return steps;
}

/** The exit status of the last failed step of a log (line 1 is `lines[0]`), or undefined if no step failed. */
export function exitStatusOfLog(lines: readonly string[]): number | undefined {
  return stepsOf(lines)
    .filter((s) => s.failed)
    .pop()?.status;
}

/**
 * The range of a cluster of markers from line `first` to line `last` (at most MAX_RANGE_LINES apart),
 * grown with the context its strongest marker `best` usually has: the lines after a header (an error
 * message, a failing test), the lines before a trailer (a failure count, a build summary).
 */
function grow(first: number, last: number, best: ErrorMarker, lineCount: number): { start: number; end: number } {
  let room = MAX_RANGE_LINES - (last - first + 1);
  const trailer = best.before > best.after;
  const lead = Math.min(room, trailer ? best.before : Math.min(best.before, 3), first - 1);
  room -= lead;
  const tail = Math.min(room, trailer ? Math.min(best.after, 1) : best.after, lineCount - last);
  return { start: first - lead, end: last + tail };
}

/** A short reason for evidence found by marker rule `rule` on line `text`. */
function reasonOf(rule: string, text: string): string {
  if (rule === 'compiler-error' && !/[\w.)]:\d+|\(\d+,\d+\)|\berror [A-Z]+\d+:/.test(text.slice(0, 400)))
    return 'error message';
  return REASONS[rule] ?? 'error line';
}

// Markers that only announce or count a failure explained elsewhere (`BUILD FAILED`, `3 failures`,
// `make: *** [all] Error 2`, a bare `FAIL`): weaker evidence than the explanation they follow.
const SUMMARY_RULES = new Set(['exit-status', 'build-failed', 'failure-count', 'make']);
const FAILURE_WORDS = /\b(?:fail(?:ed|ures?|ing)?|errors?|tests?|result|status|build|task)\b|[^A-Za-z]+/gi;
const SUMMARY_PENALTY = 3;

/** Strength of a marker as evidence: its score, less if it only announces a failure. */
function strength(m: ErrorMarker, text: string): number {
  const bare = m.rule === 'fail' && text.slice(0, 400).replace(FAILURE_WORDS, '').length < 3;
  return SUMMARY_RULES.has(m.rule) || bare ? m.score - SUMMARY_PENALTY : m.score;
}

/** A line that makes a range evidence. */
interface Anchor {
  line: number;
  rule: string;
}

interface Candidate extends Evidence {
  /** The lines that make the range evidence, strongest first; the key line is the first one left uncovered. */
  anchors: Anchor[];
}

/**
 * Candidate evidence of `lines` (line 1 is `lines[0]`), ranked best first, non-overlapping, at most
 * `max` ranges of at most MAX_RANGE_LINES lines.
 */
export function findEvidence(lines: readonly string[], opts: EvidenceOptions = {}): Evidence[] {
  const max = Math.max(1, Math.min(MAX_RANGES, Math.floor(opts.max ?? MAX_RANGES)));
  const n = lines.length;
  if (n === 0) return [];
  const steps = stepsOf(lines);
  const stepAt = new Int32Array(n + 2);
  steps.forEach((s, k) => stepAt.fill(k, s.start, s.end + 1));
  const failedSteps = steps.filter((s) => s.failed);
  const lastStep = steps[steps.length - 1]!;
  // Where the failure most likely is: the failed steps, or the last step when no exit line says which.
  const suspect = (s: Step) => s.failed || (failedSteps.length === 0 && s === lastStep);
  const stepBonus = (s: Step) =>
    s === failedSteps[failedSteps.length - 1] || s === failedSteps[0] || (failedSteps.length === 0 && s === lastStep)
      ? 3
      : suspect(s)
        ? 2
        : 0;

  const candidates: Candidate[] = [];
  const markers = findMarkers(lines).filter(
    (m) => exitStatus(lines[m.line - 1]!) === undefined && !isBoilerplate(lines[m.line - 1]!),
  );

  // Marker clusters: markers at most 3 lines apart, within one range.
  let cluster: ErrorMarker[] = [];
  const flush = () => {
    if (cluster.length === 0) return;
    const strengths = new Map(cluster.map((m) => [m.line, strength(m, lines[m.line - 1]!)]));
    const ranked = [...cluster].sort((a, b) => strengths.get(b.line)! - strengths.get(a.line)! || a.line - b.line);
    const best = ranked[0]!;
    const r = grow(cluster[0]!.line, cluster[cluster.length - 1]!.line, best, n);
    const bonus = stepBonus(steps[stepAt[best.line]!]!) + Math.min(2, (cluster.length - 1) * 0.5) + best.line / n;
    candidates.push({
      ...r,
      line: best.line,
      rule: best.rule,
      reason: reasonOf(best.rule, lines[best.line - 1]!),
      score: strengths.get(best.line)! + bonus,
      anchors: ranked.map(({ line, rule }) => ({ line, rule })),
    });
    cluster = [];
  };
  for (const m of markers) {
    const head = cluster[0];
    const prev = cluster[cluster.length - 1];
    if (head !== undefined && prev !== undefined && (m.line - prev.line > 3 || m.line - head.line >= MAX_RANGE_LINES))
      flush();
    cluster.push(m);
  }
  flush();

  // The last output of every suspect step, above its boilerplate, and the exit line of a failed one.
  for (const s of steps) {
    if (!suspect(s)) continue;
    let last = s.exit - 1;
    while (last >= s.output && (isBoilerplate(lines[last - 1]!) || scoreLine(lines[last - 1]!)?.rule === 'exit-status'))
      last--;
    const bonus = stepBonus(s);
    if (s.failed) {
      // An exit line is weak evidence, unless the command was stopped (a timeout, the OOM killer).
      const exit = { line: s.end, rule: 'exit-status' };
      candidates.push({
        start: Math.max(s.exit, s.end - MAX_RANGE_LINES + 1),
        end: s.end,
        ...exit,
        reason: REASONS['exit-status']!,
        score: (killed(s.status) ? 10 : 5) + bonus,
        anchors: [exit],
      });
    }
    if (last < s.output) continue;
    const output = { line: last, rule: 'last-output' };
    const reason = s.failed ? REASONS['last-output']! : 'end of the log';
    candidates.push({
      start: Math.max(s.output, last - MAX_RANGE_LINES + 1),
      end: last,
      ...output,
      reason,
      score: 9 + bonus,
      anchors: [output],
    });
  }

  candidates.sort((a, b) => b.score - a.score || b.line - a.line);
  const chosen: Evidence[] = [];
  for (const c of candidates) {
    const free = uncovered(c, chosen);
    if (free === undefined) continue;
    chosen.push(free);
    if (chosen.length === max) break;
  }
  return chosen;
}

/**
 * The part of candidate `c` that no range of `chosen` covers, around its strongest anchor left uncovered
 * (which becomes its key line); undefined when every anchor is covered.
 */
function uncovered(c: Candidate, chosen: readonly Evidence[]): Evidence | undefined {
  const covered = (line: number) => chosen.some((o) => o.start <= line && line <= o.end);
  const anchor = c.anchors.find((a) => !covered(a.line));
  if (anchor === undefined) return undefined;
  let { start, end } = c;
  for (const o of chosen) {
    if (o.end < anchor.line) start = Math.max(start, o.end + 1);
    else if (o.start > anchor.line) end = Math.min(end, o.start - 1);
  }
  const reason = anchor.line === c.line ? c.reason : (REASONS[anchor.rule] ?? c.reason);
  return { start, end, line: anchor.line, rule: anchor.rule, reason, score: c.score };
}

/** Evidence ranges of a log (line 1 is `lines[0]`), best first: the RemediationProposed `evidence`. */
export function extractEvidence(lines: readonly string[], opts: EvidenceOptions = {}): EvidenceRange[] {
  return findEvidence(lines, opts).map((e) => ({ start_line: e.start, end_line: e.end, reason: e.reason }));
}
