// Context recall of the log excerpt on the LogChunks dev split (Brandt, Panichella, Zaidman, Beller,
// "LogChunks: A Data Set for Build Log Analysis", MSR 2020, doi:10.1145/3379597.3387485, CC BY 4.0).
//
//   npx tsx load-tests/log-excerpt/recall.ts [--budget 16000,32000,65536] [--misses 16000]
//
// For each budget B: the share of logs whose labelled line range lies entirely in the lines of
//   excerpt        buildExcerpt(sanitizeLog(log), { maxBytes: B })   (B in UTF-8 bytes, separators included;
//                  contextRecall of services/tools/experiment/measures.ts, as `verity experiment` measures it)
//   excerpt-strict the same, counting a hit only if no labelled line was shortened (lines longer than
//                  maxLineBytesFor(B) are cut in the excerpt but still count as in its ranges)
//   tail-chars     the last B characters of the raw log (lines wholly inside the window)
//   tail-200-lines the last 200 lines of the raw log (independent of B)
//   tail-chars-sanitized  the last B characters of the sanitised log (how much sanitising alone gains)
//   ceiling        logs whose labelled lines fit in B bytes at all: no excerpt of B bytes can do better
// A label ending past the last line of its log is clamped to it.
// Prints one JSON line per (method, budget) and a Markdown table; writes both to
// load-tests/results/log-excerpt-recall.{json,md} (load-tests/result-files.ts: the current result, and a
// row of HISTORY.md). LOGCHUNKS_PATH overrides the data set path
// (default ../shared/data/logchunks/dev.jsonl.gz from the repository root).

import { dirname, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { LineRange } from '../../services/lib/core/logs/excerpt.js';
import { sanitizeLog } from '../../services/lib/core/logs/sanitize.js';
import { readDataset } from '../../services/tools/experiment/index.js';
import { clampLabel, contextRecall, covers } from '../../services/tools/experiment/index.js';
import { machine } from '../lib.js';
import { writeResults } from '../result-files.js';

interface Result {
  method: string;
  budget: number;
  recall: number;
  hits: number;
  total: number;
  /** Mean time to build one excerpt (excerpt rows only). */
  msPerLog?: number;
}

const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const dataPath = resolve(repoRoot, process.env.LOGCHUNKS_PATH ?? '../shared/data/logchunks/dev.jsonl.gz');

function parseArgs(argv: string[]): { budgets: number[]; misses: number | undefined } {
  let budgets = [16000, 32000, 65536, 100000];
  let misses: number | undefined;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    const value = arg.includes('=') ? arg.slice(arg.indexOf('=') + 1) : argv[i + 1];
    if (arg.startsWith('--budget')) {
      budgets = (value ?? '').split(',').map((s) => Number(s.trim()));
      if (budgets.length === 0 || budgets.some((b) => !Number.isInteger(b) || b <= 0))
        throw new Error(`bad --budget ${value}`);
    } else if (arg.startsWith('--misses')) {
      misses = Number(value);
      if (!Number.isInteger(misses) || misses <= 0) throw new Error(`bad --misses ${value}`);
    } else continue;
    if (!arg.includes('=')) i++;
  }
  return { budgets, misses };
}

/** Offsets (in UTF-16 characters) at which each line starts. */
function lineStarts(log: string): number[] {
  const starts = [0];
  for (let i = log.indexOf('\n'); i >= 0; i = log.indexOf('\n', i + 1)) starts.push(i + 1);
  return starts;
}

/** Lines wholly inside the last `chars` characters of a log. */
function tailCharsRange(starts: readonly number[], length: number, chars: number): LineRange[] {
  const first = starts.findIndex((s) => length - s <= chars);
  return first < 0 ? [] : [{ start: first + 1, end: starts.length }];
}

async function main(): Promise<void> {
  const { budgets, misses } = parseArgs(process.argv.slice(2));
  const samples = await readDataset(dataPath);
  const hits = new Map<string, number>();
  const hit = (method: string, budget: number) =>
    hits.set(`${method}@${budget}`, (hits.get(`${method}@${budget}`) ?? 0) + 1);
  const missed: string[] = [];
  const elapsed = new Map<number, number>();

  for (const s of samples) {
    const rawStarts = lineStarts(s.log);
    // 16 labels of the dev split end past the last line of their log (their chunk text has more line
    // breaks than the log); the label then runs to the end of the log.
    const label = clampLabel({ start: s.chunk_start_line, end: s.chunk_end_line }, rawStarts.length);
    const clean = sanitizeLog(s.log);
    const cleanStarts = lineStarts(clean);
    if (cleanStarts.length !== rawStarts.length)
      throw new Error(`sanitizeLog changed the line count of ${s.repo} ${s.build_id}`);
    if (rawStarts.length - label.start < 200) hit('tail-200-lines', 0);
    const cleanLines = clean.split('\n');
    const labelBytes = Buffer.byteLength(cleanLines.slice(label.start - 1, label.end).join('\n'), 'utf8');
    for (const budget of budgets) {
      if (labelBytes <= budget) hit('ceiling', budget);
      const started = performance.now();
      const recall = contextRecall(cleanLines, label, budget);
      elapsed.set(budget, (elapsed.get(budget) ?? 0) + performance.now() - started);
      if (Buffer.byteLength(recall.excerpt.text, 'utf8') > budget)
        throw new Error(`excerpt over budget ${budget} for ${s.repo} ${s.build_id}`);
      if (recall.hit) hit('excerpt', budget);
      if (recall.strict) hit('excerpt-strict', budget);
      if (!recall.hit && budget === misses) {
        missed.push(
          JSON.stringify({
            repo: s.repo,
            build: s.build_id,
            lines: rawStarts.length,
            chunk: [label.start, label.end],
            chunkBytes: Buffer.byteLength(
              clean.slice(cleanStarts[label.start - 1], cleanStarts[label.end] ?? clean.length),
            ),
            ranges: recall.excerpt.ranges.map((r) => `${r.start}-${r.end}`).join(','),
          }),
        );
      }
      if (covers(tailCharsRange(rawStarts, s.log.length, budget), label)) hit('tail-chars', budget);
      if (covers(tailCharsRange(cleanStarts, clean.length, budget), label)) hit('tail-chars-sanitized', budget);
    }
  }

  const total = samples.length;
  const results: Result[] = [];
  const record = (method: string, budget: number, key = budget) => {
    const h = hits.get(`${method}@${key}`) ?? 0;
    const result: Result = { method, budget, recall: Number((h / total).toFixed(4)), hits: h, total };
    if (method === 'excerpt') result.msPerLog = Number(((elapsed.get(budget) ?? 0) / total).toFixed(2));
    results.push(result);
  };
  for (const budget of budgets) {
    record('excerpt', budget);
    record('excerpt-strict', budget);
    record('tail-chars', budget);
    record('tail-chars-sanitized', budget);
    record('tail-200-lines', budget, 0);
    record('ceiling', budget);
  }
  for (const r of results) console.log(JSON.stringify(r));

  const get = (method: string, budget: number) => results.find((r) => r.method === method && r.budget === budget)!;
  const pct = (x: number) => `${(x * 100).toFixed(1)}%`;
  const table = [
    `Context recall on LogChunks dev (${total} logs): labelled lines wholly inside the context.`,
    '',
    '| budget B | excerpt (≤ B bytes) | excerpt, no labelled line cut | tail (last B chars) | excerpt / tail | tail of sanitised log | last 200 lines | ceiling: labels ≤ B bytes |',
    '| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |',
    ...budgets.map((b) => {
      const e = get('excerpt', b);
      const t = get('tail-chars', b);
      return `| ${b} | ${pct(e.recall)} (${e.hits}) | ${pct(get('excerpt-strict', b).recall)} | ${pct(t.recall)} (${t.hits}) | ${t.hits === 0 ? 'n/a' : (e.hits / t.hits).toFixed(3)} | ${pct(get('tail-chars-sanitized', b).recall)} | ${pct(get('tail-200-lines', b).recall)} | ${pct(get('ceiling', b).recall)} |`;
    }),
    '',
    `Excerpt: sanitizeLog then buildExcerpt with the defaults (tail 200 lines); B counts UTF-8 bytes for the excerpt and characters for the tails. A log counts when its labelled lines lie wholly inside the context (labels ending past the last line are clamped). Mean time per excerpt: ${budgets.map((b) => `${get('excerpt', b).msPerLog} ms at ${b}`).join(', ')}.`,
    '',
    'Data: LogChunks (Brandt et al., MSR 2020, doi:10.1145/3379597.3387485), CC BY 4.0.',
  ].join('\n');
  for (const m of missed) console.error(m);

  const command = ['npx tsx load-tests/log-excerpt/recall.ts', ...process.argv.slice(2)].join(' ');
  const dataset = relative(repoRoot, dataPath);
  const json = { machine: machine('the benchmark'), command, dataset, logs: total, results };
  writeResults('log-excerpt-recall', new Date().toISOString(), json, `${table}\n`);
}

await main();
