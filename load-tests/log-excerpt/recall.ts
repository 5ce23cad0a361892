// Context recall of the log excerpt on the LogChunks dev split (Brandt, Panichella, Zaidman, Beller,
// "LogChunks: A Data Set for Build Log Analysis", MSR 2020, doi:10.1145/3379597.3387485, CC BY 4.0).
//
//   npx tsx load-tests/log-excerpt/recall.ts [--budget 16000,32000,65536] [--misses 16000]
//
// For each budget B: the share of logs whose labelled line range lies entirely in the lines of
//   excerpt        buildExcerpt(sanitizeLog(log), { maxBytes: B })   (B in UTF-8 bytes, separators included)
//   excerpt-strict the same, counting a hit only if no labelled line was shortened (lines longer than
//                  maxLineBytesFor(B) are cut in the excerpt but still count as in its ranges)
//   tail-chars     the last B characters of the raw log (lines wholly inside the window)
//   tail-200-lines the last 200 lines of the raw log (independent of B)
//   tail-chars-sanitized  the last B characters of the sanitised log (how much sanitising alone gains)
// A label ending past the last line of its log is clamped to it.
// Prints one JSON line per (method, budget) and a Markdown table; writes both to
// load-tests/results/log-excerpt-recall.{json,md}. LOGCHUNKS_PATH overrides the data set path
// (default ../shared/data/logchunks/dev.jsonl.gz from the repository root).

import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gunzipSync } from 'node:zlib';
import { buildExcerpt, maxLineBytesFor, type LineRange } from '../../services/core/logs/excerpt.js';
import { sanitizeLog } from '../../services/core/logs/sanitize.js';

interface Sample {
  repo: string;
  buildId: string;
  log: string;
  start: number;
  end: number;
}

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
      if (budgets.length === 0 || budgets.some((b) => !Number.isInteger(b) || b <= 0)) throw new Error(`bad --budget ${value}`);
    } else if (arg.startsWith('--misses')) {
      misses = Number(value);
      if (!Number.isInteger(misses) || misses <= 0) throw new Error(`bad --misses ${value}`);
    } else continue;
    if (!arg.includes('=')) i++;
  }
  return { budgets, misses };
}

function loadSamples(path: string): Sample[] {
  const text = gunzipSync(readFileSync(path)).toString('utf8');
  return text
    .split('\n')
    .filter((l) => l.trim() !== '')
    .map((l) => {
      const row = JSON.parse(l) as Record<string, unknown>;
      return {
        repo: String(row.repo),
        buildId: String(row.build_id),
        log: String(row.log),
        start: Number(row.chunk_start_line),
        end: Number(row.chunk_end_line),
      };
    });
}

const contains = (ranges: readonly LineRange[], start: number, end: number) => ranges.some((r) => r.start <= start && end <= r.end);

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

function main(): void {
  const { budgets, misses } = parseArgs(process.argv.slice(2));
  const samples = loadSamples(dataPath);
  const hits = new Map<string, number>();
  const hit = (method: string, budget: number) => hits.set(`${method}@${budget}`, (hits.get(`${method}@${budget}`) ?? 0) + 1);
  const missed: string[] = [];
  const elapsed = new Map<number, number>();

  for (const s of samples) {
    const rawStarts = lineStarts(s.log);
    // 16 labels of the dev split end past the last line of their log (their chunk text has more line
    // breaks than the log); the label then runs to the end of the log.
    s.end = Math.min(s.end, rawStarts.length);
    const clean = sanitizeLog(s.log);
    const cleanStarts = lineStarts(clean);
    if (cleanStarts.length !== rawStarts.length) throw new Error(`sanitizeLog changed the line count of ${s.repo} ${s.buildId}`);
    if (rawStarts.length - s.start < 200) hit('tail-200-lines', 0);
    const cleanLines = clean.split('\n');
    for (const budget of budgets) {
      const started = performance.now();
      const excerpt = buildExcerpt(clean, { maxBytes: budget });
      elapsed.set(budget, (elapsed.get(budget) ?? 0) + performance.now() - started);
      if (Buffer.byteLength(excerpt.text, 'utf8') > budget) throw new Error(`excerpt over budget ${budget} for ${s.repo} ${s.buildId}`);
      if (contains(excerpt.ranges, s.start, s.end)) {
        hit('excerpt', budget);
        const cut = cleanLines.slice(s.start - 1, s.end).some((l) => Buffer.byteLength(l, 'utf8') > maxLineBytesFor(budget));
        if (!cut) hit('excerpt-strict', budget);
      } else if (budget === misses) {
        missed.push(
          JSON.stringify({
            repo: s.repo,
            build: s.buildId,
            lines: rawStarts.length,
            chunk: [s.start, s.end],
            chunkBytes: Buffer.byteLength(clean.slice(cleanStarts[s.start - 1], cleanStarts[s.end] ?? clean.length)),
            ranges: excerpt.ranges.map((r) => `${r.start}-${r.end}`).join(','),
          }),
        );
      }
      if (contains(tailCharsRange(rawStarts, s.log.length, budget), s.start, s.end)) hit('tail-chars', budget);
      if (contains(tailCharsRange(cleanStarts, clean.length, budget), s.start, s.end)) hit('tail-chars-sanitized', budget);
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
  }
  for (const r of results) console.log(JSON.stringify(r));

  const get = (method: string, budget: number) => results.find((r) => r.method === method && r.budget === budget)!;
  const pct = (x: number) => `${(x * 100).toFixed(1)}%`;
  const table = [
    `Context recall on LogChunks dev (${total} logs): labelled lines wholly inside the context.`,
    '',
    '| budget B | excerpt (≤ B bytes) | excerpt, no labelled line cut | tail (last B chars) | excerpt / tail | tail of sanitised log | last 200 lines |',
    '| ---: | ---: | ---: | ---: | ---: | ---: | ---: |',
    ...budgets.map((b) => {
      const e = get('excerpt', b);
      const t = get('tail-chars', b);
      return `| ${b} | ${pct(e.recall)} (${e.hits}) | ${pct(get('excerpt-strict', b).recall)} | ${pct(t.recall)} (${t.hits}) | ${t.hits === 0 ? 'n/a' : (e.hits / t.hits).toFixed(3)} | ${pct(get('tail-chars-sanitized', b).recall)} | ${pct(get('tail-200-lines', b).recall)} |`;
    }),
    '',
    `Excerpt: sanitizeLog then buildExcerpt with the defaults (tail 200 lines); B counts UTF-8 bytes for the excerpt and characters for the tails. A log counts when its labelled lines lie wholly inside the context (labels ending past the last line are clamped). Mean time per excerpt: ${budgets.map((b) => `${get('excerpt', b).msPerLog} ms at ${b}`).join(', ')}.`,
    '',
    'Data: LogChunks (Brandt et al., MSR 2020, doi:10.1145/3379597.3387485), CC BY 4.0.',
  ].join('\n');
  console.log(`\n${table}`);
  for (const m of missed) console.error(m);

  const outDir = resolve(repoRoot, 'load-tests/results');
  mkdirSync(outDir, { recursive: true });
  const json = { dataset: relative(repoRoot, dataPath), logs: total, results };
  writeFileSync(resolve(outDir, 'log-excerpt-recall.json'), `${JSON.stringify(json, null, 2)}\n`);
  writeFileSync(resolve(outDir, 'log-excerpt-recall.md'), `${table}\n`);
}

main();
