// A labeller's compact view of failed build logs (docs/FAILURE-CATEGORIES.md): per log its id, the
// labelled chunk with line numbers (at most 60 lines), the 15 lines before it and the log's last 15
// lines, ANSI and other invisible characters stripped. `compactView` is pure; `main` prints logs of the
// sample (data/failure-categories/sample.json) by position, or by id:
//   npx tsx services/tools/experiment/label-view.ts <dataset.jsonl[.gz]> <from>-<to> [--sample file]
//   npx tsx services/tools/experiment/label-view.ts <dataset.jsonl[.gz]> <repo#build_id> …

import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { sanitizeLog } from '../../lib/core/logs/sanitize.js';
import { readDataset } from './dataset.js';
import { logId } from './label-sample.js';

export interface ViewOptions {
  /** Lines shown before the chunk. */
  before?: number;
  /** Most lines of the chunk shown: its first and last halves when it is longer. */
  maxChunk?: number;
  /** Last lines of the log shown (never repeating the chunk). */
  tail?: number;
  /** Longer lines are cut to this many characters. */
  maxLineChars?: number;
}

const DEFAULTS: Required<ViewOptions> = { before: 15, maxChunk: 60, tail: 15, maxLineChars: 300 };

/**
 * The compact view of `log` whose labelled chunk is lines `start`–`end` (1-based, inclusive): sections
 * "before", "chunk" (lines marked `>`) and "tail" (lines marked `|`), numbered as in the log.
 */
export function compactView(log: string, start: number, end: number, options: ViewOptions = {}): string {
  const o = { ...DEFAULTS, ...options };
  const lines = sanitizeLog(log).split('\n');
  if (lines.length > 1 && lines[lines.length - 1] === '') lines.pop();
  const total = lines.length;
  const s = Math.min(Math.max(1, start), total);
  const e = Math.min(Math.max(s, end), total);
  const width = String(total).length;
  const show = (n: number, mark: string): string => {
    const text = lines[n - 1]!;
    const cut =
      text.length > o.maxLineChars
        ? `${text.slice(0, o.maxLineChars)} … (+${text.length - o.maxLineChars} chars)`
        : text;
    return `${String(n).padStart(width)} ${mark} ${cut}`;
  };
  const range = (from: number, to: number, mark: string): string[] => {
    const out: string[] = [];
    for (let n = from; n <= to; n++) out.push(show(n, mark));
    return out;
  };
  const skipped = (count: number, what: string): string => `${' '.repeat(width)}   … ${count} ${what} …`;
  const out: string[] = [];
  const beforeFrom = Math.max(1, s - o.before);
  if (beforeFrom < s) {
    out.push(`--- before: lines ${beforeFrom}–${s - 1}`);
    if (beforeFrom > 1) out.push(skipped(beforeFrom - 1, 'lines'));
    out.push(...range(beforeFrom, s - 1, '|'));
  }
  const length = e - s + 1;
  out.push(`--- chunk: lines ${s}–${e} (${length} line${length === 1 ? '' : 's'})`);
  if (length <= o.maxChunk) out.push(...range(s, e, '>'));
  else {
    const head = Math.ceil(o.maxChunk / 2);
    const tail = o.maxChunk - head;
    out.push(...range(s, s + head - 1, '>'), skipped(length - o.maxChunk, 'lines of the chunk'));
    out.push(...range(e - tail + 1, e, '>'));
  }
  const tailFrom = Math.max(e + 1, total - o.tail + 1);
  if (tailFrom <= total) {
    out.push(`--- end of the log: lines ${tailFrom}–${total}`);
    if (tailFrom > e + 1) out.push(skipped(tailFrom - e - 1, 'lines'));
    out.push(...range(tailFrom, total, '|'));
  } else if (e === total) out.push('--- (the chunk ends the log)');
  return out.join('\n');
}

/** Positions `from`–`to` (inclusive, 0-based) or single positions, or ids; anything else is an error. */
export function parseSelection(args: readonly string[]): { positions: number[]; ids: string[] } {
  const positions: number[] = [];
  const ids: string[] = [];
  for (const arg of args) {
    const m = /^(\d+)(?:-(\d+|end))?$/.exec(arg);
    if (m !== null) {
      const from = Number(m[1]);
      const to = m[2] === undefined ? from : m[2] === 'end' ? Infinity : Number(m[2]);
      if (to < from) throw new Error(`empty range ${arg}`);
      for (let i = from; i <= to && i < 100_000; i++) positions.push(i);
    } else if (arg.includes('#')) ids.push(arg);
    else throw new Error(`not a position, range or repo#build_id: ${arg}`);
  }
  return { positions, ids };
}

async function main(argv: readonly string[]): Promise<void> {
  const args = [...argv];
  let samplePath = 'data/failure-categories/sample.json';
  const at = args.indexOf('--sample');
  if (at >= 0) {
    samplePath = args[at + 1] ?? samplePath;
    args.splice(at, 2);
  }
  const [dataset, ...rest] = args;
  if (dataset === undefined || rest.length === 0) {
    console.error(
      'usage: label-view.ts <dataset.jsonl[.gz]> (<from>-<to>|<from>-end|<n>|<repo#build_id>)… [--sample file]',
    );
    process.exitCode = 2;
    return;
  }
  const { positions, ids } = parseSelection(rest);
  const sample = JSON.parse(readFileSync(samplePath, 'utf8')) as string[];
  const wanted = [...positions.filter((p) => p < sample.length).map((p) => sample[p]!), ...ids];
  const logs = new Map((await readDataset(dataset)).map((l) => [logId(l), l]));
  for (const id of wanted) {
    const log = logs.get(id);
    const position = sample.indexOf(id);
    if (log === undefined) {
      console.log(`=== ${id}: not in ${dataset}\n`);
      continue;
    }
    const total = log.log.replace(/\n$/, '').split('\n').length;
    console.log(`=== [${position >= 0 ? position : '-'}] ${id} · ${total} lines`);
    console.log(compactView(log.log, log.chunk_start_line, log.chunk_end_line), '\n');
  }
}

if (process.argv[1] && fileURLToPath(import.meta.url) === resolve(process.argv[1])) await main(process.argv.slice(2));
