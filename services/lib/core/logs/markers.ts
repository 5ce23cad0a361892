// Error markers: lines of a CI log that announce or summarise a failure, scored by how strongly they
// do. General rules only (build tools, compilers, test runners, shells, runtimes of many languages), no
// project-specific strings. Pure.

export interface ErrorMarker {
  /** 1-based line number. */
  line: number;
  /** Strength, 1 (weak hint) to 10 (a failing command or build). */
  score: number;
  /** Id of the rule that matched. */
  rule: string;
  /** Lines before and after the marker that usually belong to its message. */
  before: number;
  after: number;
  /**
   * `block`: the message usually runs on after the marker to the end of its block (a failing test's
   * report, a stack trace; see blocks.ts), so the window does too; `fixed`: the window only.
   */
  extend: Extend;
}

export type Extend = 'block' | 'fixed';

interface MarkerRule {
  id: string;
  re: RegExp | ((text: string) => boolean);
  score: number;
  before: number;
  after: number;
  extend: Extend;
}

// Windows: a "header" (an error message, a failing test's title) is followed by its details; a
// "trailer" (exit status, build summary) follows the output that explains it; a "section" header
// (`There were 3 failures:`, `=== FAILURES ===`) is followed by a long list.
const HEADER = { before: 3, after: 20, extend: 'block' } as const;
const TRAILER = { before: 20, after: 3, extend: 'fixed' } as const;
const SECTION = { before: 2, after: 60, extend: 'block' } as const;
const INLINE = { before: 5, after: 10, extend: 'fixed' } as const;

/**
 * Rules, strongest first; a line gets the first rule that matches. Each is tried on at most
 * MAX_MARKER_SCAN characters of a line, after neutralising counts of zero (`0 errors`, `Failures: 0`)
 * and command-line flags (`--fail-fast`, `-Werror`), so every regex runs in time bounded per line.
 */
const RULES: readonly MarkerRule[] = [
  // A command, step or build that failed.
  {
    id: 'exit-status',
    re: /\bexited with (?:code |status )?[1-9]\d*|\bexit (?:code|status)[: ]+[1-9]|\bnon-zero exit (?:code|status)|\breturned non-zero|\bcompleted with exit code [1-9]/i,
    score: 10,
    ...TRAILER,
  },
  {
    id: 'build-failed',
    re: /\bBUILD FAIL(?:URE|ED)\b|\bBuild failed\b|\bFAILURES!|\bTESTS? FAILED\b|\bCommand failed\b/i,
    score: 10,
    ...TRAILER,
  },
  { id: 'traceback', re: /^\s*Traceback \(most recent call last\)/, score: 10, before: 3, after: 40, extend: 'block' },
  {
    id: 'failure-section',
    re: /\bThere (?:was|were) \d+ (?:failures?|errors?)\b|(?<!=)=+ (?:FAILURES|ERRORS) =+|^\s*(?:Failures|Errors|Failed tests|Failing tests):\s*$/i,
    score: 9,
    ...SECTION,
  },
  // Compiler and linter diagnostics: `file:line[:col]: error …`, `error[E0308]:`, `error TS2345:`.
  {
    id: 'compiler-error',
    re: /^\s*[^\s:]{1,300}(?::\d+){1,2}:? ?(?:fatal )?error\b|^\s*(?:fatal )?error(?:\[\w+\]| [A-Z]+\d+)?:|: (?:fatal )?error [A-Z]+\d+:/i,
    score: 9,
    before: 3,
    after: 12,
    extend: 'block',
  },
  {
    id: 'crash',
    re: /^\s*(?:panic|fatal error|FATAL|fatal|Fatal error|PHP Fatal error):|\bpanicked at\b|\bSegmentation fault\b|\bcore dumped\b|\baborted!|\bAbort(?:ed|ing)\b/,
    score: 9,
    ...HEADER,
  },
  { id: 'fail', re: /--- FAIL\b|\bFAIL(?:ED|URES?)?\b|\[FAIL(?:ED)?\]/, score: 9, ...HEADER },
  // A compiler failing on warnings (`cc1: all warnings being treated as errors`, GHC's `Failing due to -Werror.`).
  {
    id: 'werror',
    re: /\bwarnings? (?:being )?treated as errors\b|\bFailing due to\b/i,
    score: 8,
    before: 15,
    after: 10,
    extend: 'fixed',
  },
  { id: 'make', re: /\b(?:make|ninja|gmake)(?:\[\d+\])?: \*\*\*|^\s*\*\*\* \[/, score: 8, ...TRAILER },
  {
    id: 'error-tag',
    re: /^\s*(?:\[\s*(?:error|ERROR|Error|ERR)\s*\]|ERROR\b|Error:|error:|E: |npm ERR!|ERR!)|\bERR!/,
    score: 8,
    ...HEADER,
  },
  {
    id: 'exception',
    re: /\b[A-Z]\w*(?:Error|Exception)(?::|\s*$)|^\s*(?:[\w$]+\.)*[A-Z]\w*(?:Error|Exception)\b|\bException in thread\b|\b[Ee]rror:|\b[Ee]rrors? found\b|\bUncaught\b|\bUnhandled\b/,
    score: 8,
    ...HEADER,
  },
  { id: 'test-mark', re: /^E {3}|^\s*not ok\b|[✗✖✘×] |^\s*\[-\] /, score: 8, before: 12, after: 15, extend: 'block' },
  {
    id: 'failure-count',
    re: /\b[1-9]\d* (?:failing|failed|failures?|errors?|broken)\b|\b(?:Failures|Errors|Failed|Failing): *[1-9]/i,
    score: 8,
    ...TRAILER,
  },
  {
    id: 'assertion',
    re: (t) => /\bAssertion(?:Error)?\b|\bassert(?:ion)? failed\b/i.test(t) || expectationWithOutcome(t),
    score: 7,
    before: 5,
    after: 20,
    extend: 'block',
  },
  {
    id: 'environment',
    re: /\bcommand not found\b|\bNo such file\b|\b(?:Could not|Cannot|Can't|Unable to|Failed to) (?:resolve|find|load|open|locate|connect|install|download|fetch|read|write|create|run|execute|start|compile|parse|determine|satisfy|build|match)\b|\bundefined (?:reference|symbol|method|variable|index)\b|\bPermission denied\b|\bConnection refused\b|\btimed out\b|\bKilled\b|\bOOM\b|\bout of memory\b|\bdeadline exceeded\b/i,
    score: 7,
    ...INLINE,
  },
  {
    id: 'http-status',
    re: /\bHTTP\/[\d.]+"? [45]\d\d\b|\b[45]\d\d (?:Not Found|Forbidden|Unauthorized|Bad Request|Internal Server Error|Bad Gateway|Service Unavailable|Gateway Time-?out|Too Many Requests)\b|(?:^|\s)[45]\d\d\s+https?:\/\/|\bstatus(?: code)?:? [45]\d\d\b/i,
    score: 6,
    before: 3,
    after: 10,
    extend: 'block',
  },
  { id: 'numbered-failure', re: /^\s*\d{1,4}\) \S/, score: 6, before: 1, after: 25, extend: 'block' },
  {
    id: 'error-word-strong',
    re: /\bERRORS?\b|\bfailed\b|\bfailure\b|\bfatal\b|\bFailed\b|\bFailure\b|\bnot found\b|\bunresolved\b|\bexceeded\b/,
    score: 6,
    ...INLINE,
  },
  {
    id: 'error-word',
    re: /\berror\b|\berrors\b|\bfail\b|\binvalid\b|\bunexpected\b|\bviolations?\b|\bdenied\b|\bcrash(?:ed)?\b|\bmissing\b|\btimeout\b|Error\b|Exception\b/i,
    score: 4,
    ...INLINE,
  },
  { id: 'warning', re: /\bwarning\b|\bdeprecat/i, score: 2, before: 2, after: 5, extend: 'fixed' },
];

/** `expected X but got Y`, `expected a to equal b`: the outcome within 200 characters of the first `expected`. */
function expectationWithOutcome(text: string): boolean {
  const at = text.search(/\bexpected\b/i);
  return at >= 0 && /\b(?:but|got|received|actual|to (?:equal|be))\b/i.test(text.slice(at + 8, at + 8 + 200 + 16));
}

/** Only the start of a (possibly huge) line is searched for markers. */
const MAX_MARKER_SCAN = 2000;

// Counts of zero and command-line flags do not mark a failure.
const NEUTRAL =
  /\b(?:0|no|zero) (?:errors?|failures?|failed|failing|warnings?|problems?|issues?|offen[cs]es?)\b|\b(?:errors?|failures?|failed|fail|warnings?)\s*(?:=>|[=:])\s*0\b|(?:^|\s)--?[A-Za-z][\w-]*(?:=\S*)?/gi;
// A success report (`✓ handles errors`, `test_error ... ok`) is a weak hint at most, unless it also counts failures.
const SUCCESS = /\b(?:PASS(?:ED)?|passed|passing|succeeded|successful(?:ly)?|OK)\b|[✓✔]/;
const FAILURE_COUNT = /\b[1-9]\d* (?:failing|failed|failures?|errors?)\b/i;
// A warning (`[warn] …`, `warning: …`, `file:1:2: warning: …`) is not a failure, whatever it mentions.
const WARNING_LINE = /^\s*(?:\[\s*warn(?:ing)?\s*\]|warn(?:ing)?\b|WARN(?:ING)?\b)|:\d+(?::\d+)?: warning\b/i;

/** The marker rule matching a line, or undefined. */
export function scoreLine(line: string): Omit<ErrorMarker, 'line'> | undefined {
  const text = (line.length > MAX_MARKER_SCAN ? line.slice(0, MAX_MARKER_SCAN) : line).replace(NEUTRAL, ' ');
  for (const rule of RULES) {
    if (!(typeof rule.re === 'function' ? rule.re(text) : rule.re.test(text))) continue;
    let score = rule.score;
    if (score < 10 && WARNING_LINE.test(text)) score = Math.min(score, 3);
    if (score < 10 && SUCCESS.test(text) && !FAILURE_COUNT.test(text)) score = Math.min(score, 2);
    return { score, rule: rule.id, before: rule.before, after: rule.after, extend: rule.extend };
  }
  return undefined;
}

/**
 * Lines that look like error markers, in line order, each with its score, rule and usual window. Line
 * numbers are 1-based (line 1 is `lines[0]`).
 */
export function findMarkers(lines: readonly string[]): ErrorMarker[] {
  const markers: ErrorMarker[] = [];
  for (let i = 0; i < lines.length; i++) {
    const hit = scoreLine(lines[i]!);
    if (hit !== undefined) markers.push({ line: i + 1, ...hit });
  }
  return markers;
}

/** A line reporting success (`PASS x`, `--- PASS:`, `✓ y`, `OK (0.2s)`) and no failure. */
export function isSuccessLine(line: string): boolean {
  const text = line.length > MAX_MARKER_SCAN ? line.slice(0, MAX_MARKER_SCAN) : line;
  return SUCCESS.test(text) && !FAILURE_COUNT.test(text) && !/\bFAIL|\bfail|\berror|\bERROR/.test(text);
}
