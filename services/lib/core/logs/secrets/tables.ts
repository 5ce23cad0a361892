// Credentials in text tables (the AWS CLI's `--output table`, Markdown-like `| key | value |` tables):
// - a row whose cell names a credential followed by a cell that looks like one (`|| SecretAccessKey | … ||`)
//   masks that cell;
// - a header row naming a credential column (`| AccessKeyId | SecretAccessKey | Status |`) masks that
//   column in the following rows with the same number of cells, until the table ends (a line that is not a
//   table line). Separator lines (`+----+`, `|+---+|`) belong to the table.
// A row without its closing `|` (output cut or wrapped) ends with an open cell: the rest of the line. It is
// a cell like the others, and a cut row may have fewer cells than its header.

import { isPlaceholder, keyStrength, looksSecret } from './keys.js';
import { forEachLine, maskSpans, type RedactResult, type Span } from './mask.js';

interface Cell {
  start: number;
  end: number;
  text: string;
}

/**
 * The cells of a `|`-separated row (their trimmed text and its offsets in the line), and whether the row is
 * open: its last cell runs to the end of the line, without a closing `|`.
 */
function cells(line: string): { cells: Cell[]; open: boolean } {
  const out: Cell[] = [];
  let i = line.indexOf('|');
  while (i >= 0 && i < line.length) {
    while (line[i] === '|') i++;
    let next = line.indexOf('|', i);
    const last = next < 0;
    if (last) next = line.length;
    let s = i;
    let e = next;
    while (s < e && (line[s] === ' ' || line[s] === '\t')) s++;
    while (e > s && (line[e - 1] === ' ' || line[e - 1] === '\t')) e--;
    if (last) return { cells: s < e ? [...out, { start: s, end: e, text: line.slice(s, e) }] : out, open: s < e };
    out.push({ start: s, end: e, text: line.slice(s, e) });
    i = next;
  }
  return { cells: out, open: false };
}

const TABLE_LINE = /^\s*(?:\||\+[-=+])/;
const SEPARATOR_LINE = /^[\s|+=-]*$/;

export function maskTables(text: string): RedactResult {
  if (!text.includes('|')) return { text, count: 0 };
  const spans: Span[] = [];
  let columns: { width: number; index: Set<number> } | undefined;
  forEachLine(text, (line, offset) => {
    if (!TABLE_LINE.test(line)) {
      columns = undefined;
      return;
    }
    if (SEPARATOR_LINE.test(line)) return;
    const { cells: cs, open } = cells(line);
    if (cs.length === 0) return;
    const named = new Set<number>();
    for (let i = 0; i < cs.length; i++) {
      const c = cs[i]!;
      if (keyStrength(c.text) === undefined || /\s/.test(c.text)) continue;
      const value = cs[i + 1];
      if (value && isPlaceholder(value.text)) continue; // masked already
      if (value && looksSecret(value.text)) spans.push({ start: offset + value.start, end: offset + value.end });
      else named.add(i);
    }
    if (named.size > 0) {
      columns = { width: cs.length, index: named };
      return;
    }
    if (columns && (columns.width === cs.length || (open && cs.length < columns.width)))
      for (const i of columns.index) {
        const c = cs[i];
        if (c && c.text.length >= 4 && !isPlaceholder(c.text))
          spans.push({ start: offset + c.start, end: offset + c.end });
      }
  });
  return maskSpans(text, spans);
}
