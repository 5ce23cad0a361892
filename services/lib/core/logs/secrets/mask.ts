// What every masking rule shares: the mask, the result shape, and replacing spans of a text by the mask.

export const MASK = '[MASKED]';

export interface RedactResult {
  text: string;
  /** How many secrets were replaced. */
  count: number;
}

/** A secret's position in a text: [start, end). */
export interface Span {
  start: number;
  end: number;
}

/**
 * Replaces each span by MASK (spans in any order). Overlapping or touching spans become one mask, counted
 * once: `[MASKED][MASKED]` would tell how many secrets stood there and where one ended.
 */
export function maskSpans(text: string, spans: Span[]): RedactResult {
  if (spans.length === 0) return { text, count: 0 };
  spans.sort((a, b) => a.start - b.start || b.end - a.end);
  const parts: string[] = [];
  let pos = 0;
  let count = 0;
  for (const s of spans) {
    if (s.end <= s.start) continue;
    if (count > 0 && s.start <= pos) {
      // Overlaps or touches the previous span: extend it.
      if (s.end > pos) pos = s.end;
      continue;
    }
    parts.push(text.slice(pos, s.start), MASK);
    pos = s.end;
    count++;
  }
  parts.push(text.slice(pos));
  return { text: parts.join(''), count };
}

/** Calls `fn(line, offset)` for each line of `text` (without its `\n`). */
export function forEachLine(text: string, fn: (line: string, offset: number) => void): void {
  let start = 0;
  while (start <= text.length) {
    let end = text.indexOf('\n', start);
    if (end < 0) end = text.length;
    fn(text.slice(start, end), start);
    start = end + 1;
  }
}
