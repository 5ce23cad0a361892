// Log sanitising: what a model (or a person) should read of a CI job log is what a terminal would show,
// without invisible characters that could hide or reorder text (Trojan-Source style bidi controls,
// zero-width characters, HTML comments that a Markdown view hides). Pure; line count is kept, so line
// numbers of the sanitised text are the line numbers of the original log.

// ANSI escape sequences (ECMA-48). Every alternative starts with ESC (or the 8-bit CSI) and uses
// disjoint character classes, so matching is linear; none crosses a newline.
const ESCAPE_SEQUENCE = new RegExp(
  [
    '\\x1b\\[[\\x30-\\x3f]*[\\x20-\\x2f]*[\\x40-\\x7e]', // CSI: ESC [ params intermediates final
    '\\x9b[\\x30-\\x3f]*[\\x20-\\x2f]*[\\x40-\\x7e]', // 8-bit CSI
    '\\x1b\\][^\\x07\\x1b\\n]*(?:\\x07|\\x1b\\\\)?', // OSC … BEL or ST (cut at end of line if unterminated)
    '\\x1b[PX^_][^\\x1b\\n]*(?:\\x1b\\\\)?', // DCS, SOS, PM, APC … ST
    '\\x1b[\\x20-\\x2f]+[\\x30-\\x7e]', // nF: ESC intermediates final (charset selection etc.)
    '\\x1b[\\x30-\\x7e]', // Fp, Fe, Fs: ESC + one byte (ESC 7, ESC M, ESC c, …)
  ].join('|'),
  'g',
);

// C0 controls except \t \n (and \r, handled per line below), DEL, C1 controls; the soft hyphen U+00AD,
// the Arabic letter mark U+061C (a bidi mark, like LRM/RLM), the Mongolian vowel separator U+180E;
// zero-width characters U+200B–U+200F, bidi embeddings/overrides U+202A–U+202E, invisible operators
// U+2060–U+2064, bidi isolates U+2066–U+2069 (the other half of the Trojan-Source set), the BOM / ZWNBSP
// U+FEFF, and the Unicode tag characters U+E0000–U+E007F (invisible ASCII look-alikes that models read).
const INVISIBLE =
  // eslint-disable-next-line no-control-regex
  /[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\xad\u061c\u180e\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u2069\ufeff\u{e0000}-\u{e007f}]/gu;

// GitHub Actions' raw job logs start every line with its time (`2024-01-02T03:04:05.1234567Z `), which
// its log view hides; left in, no rule anchored at a line's start (`##[group]`, `FAIL`, `error:`) would
// match. Removed when the log's first line has one.
const GITHUB_TIMESTAMP = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(?:\.\d{1,9})?Z /gm;
/** The same at the text's start only (no flags: the first line, and no lastIndex state). */
const GITHUB_TIMESTAMPED = new RegExp(GITHUB_TIMESTAMP.source);

/**
 * Returns `text` as a terminal would finally show it, minus hidden content:
 * - GitHub Actions' per-line timestamps, when the first line has one;
 * - ANSI escape sequences (CSI, OSC, DCS/SOS/PM/APC, other ESC sequences) are removed;
 * - control characters other than `\n` and `\t` (C0, DEL, C1), soft hyphens, zero-width,
 *   invisible-operator, bidi control and Unicode tag characters are removed;
 * - carriage-return overwrites: of a line `a\rb\rc` only `c` is kept (the text after the last `\r`; a
 *   trailing `\r` with nothing after it keeps the segment before it, as a terminal would still show it);
 * - HTML comments `<!-- … -->` are removed; one spanning several lines is replaced by as many newlines as
 *   it contained. An unterminated `<!--` loses its opener only, so nothing after it can be hidden by a
 *   Markdown or HTML view while the text itself stays readable.
 *
 * The number of lines (`\n`) never changes, so line N of the result is line N of the input.
 */
export function sanitizeLog(text: string): string {
  let out = text.replace(ESCAPE_SEQUENCE, '').replace(INVISIBLE, '');
  if (GITHUB_TIMESTAMPED.test(out)) out = out.replace(GITHUB_TIMESTAMP, '');
  if (out.includes('\r')) out = out.split('\n').map(lastCarriageReturnSegment).join('\n');
  if (out.includes('<!--')) out = stripHtmlComments(out);
  return out;
}

function lastCarriageReturnSegment(line: string): string {
  if (!line.includes('\r')) return line;
  const segments = line.split('\r');
  for (let i = segments.length - 1; i >= 0; i--) {
    const segment = segments[i]!;
    if (segment !== '') return segment;
  }
  return '';
}

function stripHtmlComments(text: string): string {
  const parts: string[] = [];
  let pos = 0;
  for (;;) {
    const open = text.indexOf('<!--', pos);
    if (open < 0) break;
    parts.push(text.slice(pos, open));
    const close = text.indexOf('-->', open + 4);
    if (close < 0) {
      // Unterminated, and so is every later opener: drop the openers only, keep the text after them.
      parts.push(
        text
          .slice(open + 4)
          .split('<!--')
          .join(''),
      );
      return parts.join('');
    }
    parts.push('\n'.repeat(countNewlines(text, open, close)));
    pos = close + 3;
  }
  parts.push(text.slice(pos));
  return parts.join('');
}

function countNewlines(text: string, from: number, to: number): number {
  let n = 0;
  for (let i = text.indexOf('\n', from); i >= 0 && i < to; i = text.indexOf('\n', i + 1)) n++;
  return n;
}
