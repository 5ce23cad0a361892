// The excerpt of a failed job's log that a model sees: the most informative lines that fit a byte budget.
// The tail of the log gets a guaranteed share; windows around error markers found anywhere in the log
// get the rest, strongest and latest first; what is left extends the tail further back. Pure and
// deterministic; line numbers are those of the log given (sanitizeLog keeps them).

import { Blocks } from './blocks.js';
import { findMarkers, type ErrorMarker } from './markers.js';

export interface ExcerptOptions {
  /** Lines of the tail that are always wanted (budget permitting). Default 200. */
  tailLines?: number;
  /** Budget for `text`, in UTF-8 bytes, separators included. Default 65536. */
  maxBytes?: number;
  /** Lines kept before every marker; by default each kind of marker has its own window. */
  windowBefore?: number;
  /** Lines kept after every marker; by default each kind of marker has its own window. */
  windowAfter?: number;
}

export interface LineRange {
  /** 1-based, inclusive. */
  start: number;
  end: number;
}

export interface Excerpt {
  text: string;
  /** The lines of the log in `text`, as ordered, non-overlapping, non-adjacent 1-based inclusive ranges. */
  ranges: LineRange[];
  /** Whether any line of the log is missing from `text` or shortened in it. */
  truncated: boolean;
}

const DEFAULT_TAIL_LINES = 200;
/** The excerpt's default budget: what a JobFailed event carries of its log. */
export const DEFAULT_MAX_BYTES = 65536;

export { type ErrorMarker } from './markers.js';

/** Error markers of `lines` (line 1 is `lines[0]`) in line order, with their scores. */
export function findErrorMarkers(lines: readonly string[]): { line: number; score: number }[] {
  return findMarkers(lines).map(({ line, score }) => ({ line, score }));
}

/**
 * Weights of the excerpt, chosen on the LogChunks dev split (load-tests/log-excerpt/recall.ts):
 * - `tailShare`: share of the budget the tail is guaranteed (up to `tailLines` lines);
 * - `windowShare`: most of the budget one marker's window may take;
 * - `blockLines`: most lines a window runs on after its marker to the end of the marker's block;
 * - `recency`: ranking bonus of a marker at the very end of the log over one at its start.
 */
const EXCERPT_TUNING: Readonly<{ tailShare: number; windowShare: number; blockLines: number; recency: number }> =
  Object.freeze({
    tailShare: 0.2,
    windowShare: 0.75,
    blockLines: 400,
    recency: 3,
  });

/**
 * Markers in the order they get budget: by score plus up to EXCERPT_TUNING.recency for the position
 * (stronger first, then closer to the end first); ties go to the later line. `lineCount`: lines of the log.
 */
export function rankMarkers(markers: readonly ErrorMarker[], lineCount: number): ErrorMarker[] {
  const n = Math.max(1, lineCount);
  const priority = (m: ErrorMarker) => m.score + (EXCERPT_TUNING.recency * m.line) / n;
  return [...markers].sort((a, b) => priority(b) - priority(a) || b.line - a.line);
}

export function separatorLine(start: number, end: number): string {
  return start === end ? `… [line ${start} omitted] …` : `… [lines ${start}-${end} omitted] …`;
}

/** UTF-8 length of a string without allocating. */
export function utf8Length(s: string): number {
  let n = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x80) n += 1;
    else if (c < 0x800) n += 2;
    else if (c >= 0xd800 && c <= 0xdbff && i + 1 < s.length && (s.charCodeAt(i + 1) & 0xfc00) === 0xdc00) {
      n += 4;
      i++;
    } else n += 3;
  }
  return n;
}

/** The longest prefix of `s` of at most `maxBytes` UTF-8 bytes, not splitting a surrogate pair. */
function utf8Prefix(s: string, maxBytes: number): string {
  let n = 0;
  let i = 0;
  while (i < s.length) {
    const c = s.charCodeAt(i);
    const pair = c >= 0xd800 && c <= 0xdbff && i + 1 < s.length && (s.charCodeAt(i + 1) & 0xfc00) === 0xdc00;
    const len = c < 0x80 ? 1 : c < 0x800 ? 2 : pair ? 4 : 3;
    if (n + len > maxBytes) break;
    n += len;
    i += pair ? 2 : 1;
  }
  return s.slice(0, i);
}

/** Lines longer than this (in bytes) are shortened in the excerpt: a sixteenth of the budget, 256..4096. */
export function maxLineBytesFor(maxBytes: number): number {
  return Math.max(256, Math.min(4096, Math.floor(maxBytes / 16)));
}

/**
 * The lines of a log an excerpt holds, chosen one by one while they fit `maxBytes` UTF-8 bytes, and the
 * excerpt they make. Each included line costs its bytes (at most maxLineBytesFor(maxBytes): a longer one is
 * shortened) plus a newline; each run of omitted lines one separator line (counted at its longest) plus a
 * newline. The text has one newline fewer than it is charged for. Used by buildExcerpt and by the ranker's
 * packing (remediation/ranker/rank.ts), which choose the lines in their own orders.
 */
export class LinePacker {
  readonly n: number;
  readonly maxLineBytes: number;
  /** What a separator line costs, at its longest. */
  readonly separatorCost: number;
  /** Bytes charged so far. */
  used = 0;
  private readonly bytes: number[];
  private readonly included: Uint8Array;
  private readonly limit: number;
  private gaps: number;
  private count = 0;

  constructor(
    private readonly lines: readonly string[],
    maxBytes: number,
  ) {
    this.n = lines.length;
    this.maxLineBytes = maxLineBytesFor(maxBytes);
    this.bytes = lines.map(utf8Length);
    const widest = Number('9'.repeat(String(this.n).length)); // ≥ every line number, as many digits as n
    this.separatorCost = utf8Length(separatorLine(widest - 1, widest)) + 1;
    this.included = new Uint8Array(this.n);
    this.limit = maxBytes + 1;
    this.gaps = this.n > 0 ? 1 : 0;
  }

  /** What line i (0-based) costs. */
  cost(i: number): number {
    return Math.min(this.bytes[i]!, this.maxLineBytes) + 1;
  }

  has(i: number): boolean {
    return this.included[i] === 1;
  }

  /** Adds line i (0-based) if it fits; true when it is in the excerpt afterwards. */
  add(i: number): boolean {
    if (i < 0 || i >= this.n) return false;
    if (this.included[i] === 1) return true;
    // Gaps are runs of omitted lines; out-of-range neighbours count as included.
    const isIn = (j: number) => j < 0 || j >= this.n || this.included[j] === 1;
    const left = isIn(i - 1);
    const right = isIn(i + 1);
    const gaps = this.gaps + (left && right ? -1 : !left && !right ? 1 : 0);
    if (this.used + this.cost(i) + gaps * this.separatorCost > this.limit) return false;
    this.included[i] = 1;
    this.used += this.cost(i);
    this.gaps = gaps;
    this.count++;
    return true;
  }

  /** The excerpt of the lines added: in log order, a separator for each run of omitted lines. */
  excerpt(): Excerpt {
    const { n, lines, bytes, maxLineBytes } = this;
    const ranges: LineRange[] = [];
    for (let i = 0; i < n; i++) {
      if (this.included[i] !== 1) continue;
      const last = ranges[ranges.length - 1];
      if (last !== undefined && last.end === i) last.end = i + 1;
      else ranges.push({ start: i + 1, end: i + 1 });
    }
    const out: string[] = [];
    let next = 1;
    let shortened = false;
    for (const r of ranges) {
      if (r.start > next) out.push(separatorLine(next, r.start - 1));
      for (let i = r.start - 1; i < r.end; i++) {
        if (bytes[i]! > maxLineBytes) {
          shortened = true;
          out.push(shortenLine(lines[i]!, bytes[i]!, maxLineBytes));
        } else out.push(lines[i]!);
      }
      next = r.end + 1;
    }
    if (ranges.length > 0 && next <= n) out.push(separatorLine(next, n));
    return { text: out.join('\n'), ranges, truncated: shortened || this.count < n };
  }
}

function shortenLine(line: string, bytes: number, maxLineBytes: number): string {
  const note = ` … [${bytes} bytes, cut]`;
  return utf8Prefix(line, Math.max(0, maxLineBytes - utf8Length(note))) + note;
}

/**
 * Builds the excerpt of `log` that fits `maxBytes` UTF-8 bytes:
 * 1. the last `tailLines` lines, within EXCERPT_TUNING.tailShare of the budget (from the end backwards);
 * 2. a window around every error marker (findErrorMarkers), in rank order (rankMarkers: stronger, then
 *    later first): the marker line, the lines after it, the lines before it, then — for a message that
 *    runs on, like a failing test's report or a stack trace — the rest of its block (blocks.ts), as far
 *    as the budget goes and at most EXCERPT_TUNING.windowShare of it. Windows are the marker kind's own
 *    `before`/`after` lines, or `windowBefore`/`windowAfter` lines for every marker when given;
 * 3. whatever budget is left extends the tail further back.
 * Included lines are emitted in log order; every run of omitted lines becomes one separator line
 * `… [lines a-b omitted] …`. Lines longer than maxLineBytesFor(maxBytes) are shortened (and `truncated`
 * is set). The total, separators and newlines included, never exceeds `maxBytes`.
 */
export function buildExcerpt(log: string, opts: ExcerptOptions = {}): Excerpt {
  const lines = log.split('\n');
  return excerptOfLines(lines, findMarkers(lines), opts);
}

/** buildExcerpt of a log already split into lines, with its markers already found (findMarkers). */
export function excerptOfLines(
  lines: readonly string[],
  found: readonly ErrorMarker[],
  opts: ExcerptOptions = {},
): Excerpt {
  const tailLines = Math.max(0, Math.floor(opts.tailLines ?? DEFAULT_TAIL_LINES));
  const maxBytes = Math.max(0, Math.floor(opts.maxBytes ?? DEFAULT_MAX_BYTES));
  const n = lines.length;
  const pack = new LinePacker(lines, maxBytes);
  const add = (i: number) => pack.add(i);

  // 1. Guaranteed tail.
  const tailBudget = Math.floor(maxBytes * EXCERPT_TUNING.tailShare);
  let tailStart = n; // first included line of the contiguous tail (0-based)
  for (let i = n - 1; i >= 0 && n - i <= tailLines; i--) {
    if (pack.used + pack.cost(i) + (i > 0 ? pack.separatorCost : 0) > tailBudget + 1 || !add(i)) break;
    tailStart = i;
  }

  // 2. Marker windows in rank order: the marker line, the lines after it, the lines before it, then for
  // messages that run on the rest of the marker's block; one window takes at most windowShare of the budget.
  const blocks = new Blocks(lines);
  const windowCap = Math.floor(maxBytes * EXCERPT_TUNING.windowShare);
  for (const m of rankMarkers(found, n)) {
    const at = m.line - 1;
    if (!add(at)) continue;
    const before = opts.windowBefore ?? m.before;
    const after = opts.windowAfter ?? m.after;
    const blockAfter =
      opts.windowAfter === undefined && m.extend === 'block' ? blocks.end(at, EXCERPT_TUNING.blockLines) - at : 0;
    let spent = pack.cost(at);
    const take = (i: number): boolean => {
      if (spent + pack.cost(i) > windowCap || !add(i)) return false;
      spent += pack.cost(i);
      return true;
    };
    let i = at + 1;
    while (i <= Math.min(n - 1, at + after) && take(i)) i++;
    const afterComplete = i > Math.min(n - 1, at + after);
    for (let j = at - 1; j >= Math.max(0, at - before) && take(j); j--);
    if (afterComplete) while (i <= Math.min(n - 1, at + blockAfter) && take(i)) i++;
  }

  // 3. The rest extends the tail backwards.
  for (let i = tailStart - 1; i >= 0; i--) if (!add(i)) break;

  return pack.excerpt();
}
