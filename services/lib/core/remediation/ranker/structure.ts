// The structure of a CI log, as the CI systems themselves print it: steps opened by a section marker
// (GitLab `section_start:…`, GitHub Actions `##[group]`/`::group::`, Travis CI `travis_fold:start:…`) or
// an echoed command (`$ cmd`, npm's `> pkg@1.0.0 test /dir`, GitHub's `[command]…`), each closed
// by the next one; the exit status a step reports (Travis `The command "…" exited with N.`, GitHub
// `Process completed with exit code N`, GitLab `ERROR: Job failed: exit code N`, `exited with code N`,
// make's `*** […] Error N`); retried attempts (`travis_retry`: `The command "…" failed. Retrying, N of
// 3.`); and the first failing step. Formats from the CI systems' documentation, not from any log. Pure.

/** One step of a log: 1-based inclusive lines. */
export interface Step {
  start: number;
  end: number;
  /** The step's exit line (1-based), when it prints one. */
  exit?: number;
  /** Exit status of the exit line; 0 when it reports success. */
  status?: number;
  /** A cleanup step: a section named after_*, cleanup, post, teardown, or a step after the job failed. */
  cleanup: boolean;
}

export interface LogStructure {
  steps: Step[];
  /** Step index of each line (0-based line index). */
  stepOf: Int32Array;
  /** Index of the first step that failed, or -1 when no exit line says so. */
  firstFailing: number;
  /** Index of the last step that failed, or -1. */
  lastFailing: number;
  /** 1 for a line of an attempt that was retried (it failed, and the command ran again). */
  retried: Uint8Array;
  /** Whether a later attempt of a retried command passed (no failure after the last retry message). */
  retryPassed: Uint8Array;
}

const SECTION_START = /^(?:section_start:\d+:(\S+)|##\[group\](.*)|::group::(.*)|travis_fold:start:(\S+))/;
const SECTION_END = /^(?:section_end:\d+:|##\[endgroup\]|::endgroup::|travis_fold:end:)/;
// Not `+ cmd` (set -x): a diff's added lines look the same.
const COMMAND_ECHO = /^(?:\$ \S|> \S+@\S+ \S+|##\[command\]|\[command\])/;
const CLEANUP_NAME = /\b(?:after_(?:script|failure|success)|cleanup|clean_up|post|teardown|upload|cache)\b/i;

// Exit lines: the status is the first group that matched.
const EXIT_LINE =
  /^The command "[\s\S]*" exited with (\d+)\.?\s*$|^\s*" exited with (\d+)\.?\s*$|\bProcess completed with exit code (\d+)|\bJob failed: (?:exit code|command terminated with exit code) (\d+)|\bexited with (?:exit )?code:? '?(\d+)|\bexited with (\d+)\.?\s*$|\bscript returned exit code (\d+)|^Command exited with non-zero status (\d+)|^Exited with code (?:exit status )?(\d+)|\b(?:g?make|ninja)(?:\[\d+\])?: \*\*\* \[[^\]]*\] Error (\d+)/;
const JOB_FAILED = /^ERROR: Job failed\b|^##\[error\]Process completed with exit code [1-9]/;
const RETRYING = /^The command "[\s\S]*" failed\. Retrying, \d+ of \d+\.?\s*$/;
const RETRY_GAVE_UP = /^The command "[\s\S]*" failed \d+ times\.?\s*$/;
const MAX_SCAN = 2000;

/** The exit status a line reports, or undefined when it is no exit line. */
export function exitOf(line: string): number | undefined {
  const m = EXIT_LINE.exec(line.length > MAX_SCAN ? line.slice(0, MAX_SCAN) : line);
  if (m === null) return undefined;
  return Number(m.slice(1).find((g) => g !== undefined));
}

/** The name of a section a line opens, '' for an echoed command, undefined otherwise. */
export function stepOpener(line: string): string | undefined {
  const s = SECTION_START.exec(line);
  if (s !== null) return (s[1] ?? s[2] ?? s[3] ?? s[4] ?? '').trim();
  return COMMAND_ECHO.test(line) ? '' : undefined;
}

/** The structure of `lines` (line 1 is `lines[0]`). */
export function logStructure(lines: readonly string[]): LogStructure {
  const n = lines.length;
  const steps: Step[] = [];
  const stepOf = new Int32Array(n);
  const retried = new Uint8Array(n);
  const retryPassed = new Uint8Array(n);
  let section = '';
  let current: Step = { start: 1, end: 0, cleanup: false };
  const open = (line: number) => {
    if (current.end >= current.start) steps.push(current);
    current = { start: line, end: line - 1, cleanup: CLEANUP_NAME.test(section) };
  };
  let attemptStart = -1;
  let pendingRetry: { from: number; to: number } | undefined;
  const closeRetry = (passed: boolean) => {
    if (pendingRetry === undefined) return;
    if (passed) retryPassed.fill(1, pendingRetry.from, pendingRetry.to + 1);
    pendingRetry = undefined;
  };
  let jobFailedAt = -1;
  for (let i = 0; i < n; i++) {
    const text = lines[i]!;
    const opener = stepOpener(text);
    if (opener !== undefined) {
      if (opener !== '') section = opener;
      // An echoed command right after its section header belongs to the same step.
      const fresh = current.end - current.start < 1 && current.exit === undefined && current.end >= current.start;
      if (!(opener === '' && fresh)) open(i + 1);
      attemptStart = i;
    } else if (SECTION_END.test(text)) section = '';
    current.end = i + 1;
    stepOf[i] = steps.length;
    if (RETRYING.test(text)) {
      const from = attemptStart >= 0 ? attemptStart : current.start - 1;
      retried.fill(1, from, i + 1);
      pendingRetry = { from: pendingRetry?.from ?? from, to: i };
      attemptStart = i + 1;
      continue;
    }
    if (RETRY_GAVE_UP.test(text)) closeRetry(false);
    const status = exitOf(text);
    if (status !== undefined && current.exit === undefined) {
      current.exit = i + 1;
      current.status = status;
      closeRetry(status === 0);
    }
    if (JOB_FAILED.test(text) && jobFailedAt < 0) jobFailedAt = i;
  }
  closeRetry(true);
  if (current.end >= current.start) steps.push(current);
  const failing = steps.flatMap((s, k) => ((s.status ?? 0) !== 0 ? [k] : []));
  let firstFailing = failing[0] ?? -1;
  // A job-level failure line (GitLab's `ERROR: Job failed`) closes the job, not the step that failed:
  // without a failed step before it, the last non-cleanup step with output before it failed.
  if (jobFailedAt >= 0 && (firstFailing < 0 || (steps[firstFailing]!.exit ?? 0) - 1 >= jobFailedAt)) {
    for (let k = stepOf[jobFailedAt]! - (steps[stepOf[jobFailedAt]!]!.start - 1 === jobFailedAt ? 1 : 0); k >= 0; k--) {
      const s = steps[k]!;
      if (s.cleanup || s.end - s.start < 1) continue;
      firstFailing = k;
      break;
    }
  }
  const lastFailing = failing.length > 0 ? Math.max(failing[failing.length - 1]!, firstFailing) : firstFailing;
  return { steps, stepOf, firstFailing, lastFailing, retried, retryPassed };
}
