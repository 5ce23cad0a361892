// Where a benchmark's result goes: load-tests/results/<bench>.json and <bench>.md (and its charts,
// <bench>-<chart>.svg) hold the current result and are overwritten by each run; each run also appends
// one row to load-tests/results/HISTORY.md (date, commit, profile, headline, ratio, machine).
// BENCH_RESULTS_DIR writes all of them elsewhere (the A/B runs each suite into a scratch directory).
import { execFileSync } from 'node:child_process';
import { appendFileSync, existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { REPO_ROOT } from '../services/lib/platform/schemas/catalog.js';
import { headline } from './headlines.js';

export const HISTORY = 'HISTORY.md';

/** load-tests/results, or BENCH_RESULTS_DIR. */
export const resultsDir = (): string =>
  process.env.BENCH_RESULTS_DIR ? resolve(process.env.BENCH_RESULTS_DIR) : join(REPO_ROOT, 'load-tests/results');

/** The commit measured and how many files differed from it (`git status --porcelain` lines). */
export function codeState(): { commit: string; uncommitted_changes: number } {
  const git = (...args: string[]) => execFileSync('git', args, { cwd: REPO_ROOT, encoding: 'utf8' }).trim();
  try {
    const changes = git('status', '--porcelain').split('\n').filter(Boolean).length;
    return { commit: git('rev-parse', 'HEAD'), uncommitted_changes: changes };
  } catch {
    return { commit: 'unknown', uncommitted_changes: 0 };
  }
}

/** The suite's profile when the suite runs the benchmark (it sets BENCH_PROFILE), else "standalone". */
export const profile = (): string => process.env.BENCH_PROFILE ?? 'standalone';

const HEADER = [
  '# Benchmark history',
  '',
  'One row per benchmark run, oldest first, appended by the benchmark itself (load-tests/result-files.ts).',
  "Each benchmark's current result is `<bench>.md` / `<bench>.json` beside this file, overwritten by its",
  'next run; what each measures and how to rerun it: [docs/BENCHMARKS.md](../../docs/BENCHMARKS.md).',
  'Ratios are to baselines measured in the same run; absolute figures depend on what else the shared',
  'machine ran (see each result). Profile: the suite profile (`make bench` full, `make bench-quick` quick)',
  'or standalone; "not recorded" where the result file does not say. Rows up to 2026-12-06 were made from',
  'the dated per-run files kept until then; "≤ date": that result has no date, the time is the commit that',
  'last changed its file.',
  '',
  '| date (UTC) | benchmark | commit | profile | headline | ratio vs baseline | machine |',
  '| --- | --- | --- | --- | --- | --- | --- |',
];

const cell = (s: string) => s.replace(/\|/g, '\\|').replace(/\n/g, ' ');

/** The commit a result names: the suite's git, rebuild's and query's code, the A/B's head. */
function commitOf(json: Record<string, unknown>): string {
  const g = json.git as { commit?: string; uncommitted_changes?: number } | undefined;
  if (g?.commit && g.commit !== 'unknown') {
    return `${g.commit.slice(0, 8)}${g.uncommitted_changes ? ` (+${g.uncommitted_changes} uncommitted)` : ''}`;
  }
  const code = json.code as { head?: string } | undefined;
  const head = code?.head ?? (typeof json.head === 'string' ? json.head : undefined);
  return head ? head.slice(0, 8) : 'not recorded';
}

/** The HISTORY.md row of one result. `date` overrides the JSON's (results written without one). */
export function historyRow(name: string, json: Record<string, unknown>, date?: string): string {
  const h = headline(name, json);
  const when = date ?? (typeof json.date === 'string' ? json.date.slice(0, 16).replace('T', ' ') : 'not recorded');
  const machine = typeof json.machine === 'string' ? json.machine.split(';')[0]! : 'not recorded';
  const prof = typeof json.profile === 'string' ? json.profile : 'not recorded';
  return `| ${[when, name, commitOf(json), prof, h.figures, h.ratio, machine].map(cell).join(' | ')} |`;
}

/** Appends rows to HISTORY.md in `dir`, writing its header first when the file is new. */
export function appendHistory(dir: string, rows: string[]): void {
  const file = join(dir, HISTORY);
  if (!existsSync(file)) writeFileSync(file, `${HEADER.join('\n')}\n`);
  appendFileSync(file, rows.map((r) => `${r}\n`).join(''));
}

/**
 * Writes the current result of benchmark `name` — <name>.json (with date, commit and profile added
 * when absent), <name>.md and <name>-<chart>.svg for each chart — appends its row to HISTORY.md and
 * prints the Markdown.
 */
export function writeResults(
  name: string,
  date: string,
  json: Record<string, unknown>,
  md: string,
  charts: Record<string, string> = {},
): void {
  const dir = resultsDir();
  mkdirSync(dir, { recursive: true });
  const full = { date, git: codeState(), profile: profile(), ...json };
  writeFileSync(join(dir, `${name}.json`), `${JSON.stringify(full, null, 2)}\n`);
  writeFileSync(join(dir, `${name}.md`), md.endsWith('\n') ? md : `${md}\n`);
  for (const [chart, svg] of Object.entries(charts)) writeFileSync(join(dir, `${name}-${chart}.svg`), svg);
  appendHistory(dir, [historyRow(name, full)]);
  console.log(`\n${md}`);
}
