// Command lines as shell words: the split, a word's value, a command's name, short option clusters.
import type { Span } from './mask.js';

export interface Word {
  start: number;
  end: number;
  raw: string;
}

/** Shell-like words of a line with their offsets; a quoted stretch stays inside its word. */
export function shellWords(line: string): Word[] {
  const words: Word[] = [];
  const n = line.length;
  let i = 0;
  while (i < n) {
    while (i < n && (line[i] === ' ' || line[i] === '\t')) i++;
    if (i >= n) break;
    const start = i;
    while (i < n && line[i] !== ' ' && line[i] !== '\t') {
      const c = line[i];
      if (c === '"' || c === "'") {
        const close = line.indexOf(c, i + 1);
        i = close < 0 ? n : close + 1;
      } else i++;
    }
    words.push({ start, end: i, raw: line.slice(start, i) });
  }
  return words;
}

/** The value of a word (or of its tail from `skip`), without surrounding quotes. */
export function valueOf(w: Word, skip = 0): Span & { value: string } {
  const raw = w.raw.slice(skip);
  const start = w.start + skip;
  const q = raw[0];
  if (raw.length >= 2 && (q === '"' || q === "'") && raw[raw.length - 1] === q)
    return { start: start + 1, end: w.end - 1, value: raw.slice(1, -1) };
  return { start, end: w.end, value: raw };
}

export const SEPARATORS = new Set(['|', '||', '&&', ';', '&']);

/**
 * A command's name as the tables know it: without quotes and directory (`/` or `\\`), and without a Windows
 * `.exe`/`.cmd`/`.bat` suffix, whose names are case-blind (`SQLCMD.EXE` is `sqlcmd`).
 */
export function commandName(raw: string): string {
  const base = raw.replace(/^["']|["']$/g, '').replace(/^.*[\\/]/, '');
  const win = /^(.+)\.(?:exe|cmd|bat)$/i.exec(base);
  return win ? win[1]!.toLowerCase() : base;
}
export const namesOf = (ws: Word[]) => new Set(ws.filter((w) => !w.raw.startsWith('-')).map((w) => commandName(w.raw)));

/**
 * A cluster of short options (`-bBC10`, `-fsSLu`): its letters up to and including the first that takes a
 * value (one of `takesValue`), that letter, and where its value starts (the word's length: the next word).
 */
export function shortCluster(
  raw: string,
  takesValue: string,
): { letters: string; flag?: string; valueAt: number } | undefined {
  if (raw.length < 2 || raw[0] !== '-' || raw[1] === '-') return undefined;
  for (let i = 1; i < raw.length; i++) {
    const c = raw[i]!;
    if (takesValue.includes(c)) return { letters: raw.slice(1, i + 1), flag: c, valueAt: i + 1 };
    if (!/[A-Za-z0-9]/.test(c)) return undefined;
  }
  return { letters: raw.slice(1), valueAt: raw.length };
}
