// A/B of two commits on the same machine, in one run: `make bench`'s suite (load-tests/bench/run.ts) on a
// worktree of the base commit and on this checkout, alternately, ROUNDS times; then every measurement of
// both as the median over its rounds and the ratio this/base. Alternating spreads whatever else the machine
// does over both sides. The stack must be up (`make up`); each side runs under its own topic prefixes.
//
//   npx tsx load-tests/bench/ab.ts <base-commit> [--rounds 2] [--only write-side,read-side] [--profile quick]
//
// Writes load-tests/results/ab.{json,md} (the current A/B, overwritten by the next) and a row of
// HISTORY.md. Each suite run writes its results into a scratch directory (BENCH_RESULTS_DIR), removed
// afterwards, so that the A/B leaves the current results and HISTORY.md of the benchmarks alone; a base
// commit older than BENCH_RESULTS_DIR writes into its own worktree, removed too.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { REPO_ROOT } from '../../services/lib/platform/schemas/catalog.js';
import { machine } from '../lib.js';
import { writeResults } from '../result-files.js';

interface Measurement {
  bench: string;
  metric: string;
  value: number | null;
  unit: string;
}

function arg(name: string, fallback: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 && process.argv[i + 1] ? process.argv[i + 1]! : fallback;
}

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length === 0 ? null : s.length % 2 ? s[(s.length - 1) / 2]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
};

/** Runs the suite in `dir` and answers its measurements (from the bench JSON it wrote, then removed). */
function runSuite(dir: string, only: string, profile: string, note: string): Measurement[] {
  const scratch = mkdtempSync(join(tmpdir(), 'verity-ab-results-'));
  const own = join(dir, 'load-tests/results'); // where a suite without BENCH_RESULTS_DIR writes
  const before = new Set(existsSync(own) ? readdirSync(own) : []);
  try {
    const suite = { BENCH_PROFILE: profile, BENCH_ONLY: only, BENCH_NOTE: note, BENCH_RESULTS_DIR: scratch };
    const env = { ...process.env, ...suite };
    execFileSync('npx', ['tsx', 'load-tests/bench/run.ts'], { cwd: dir, stdio: ['ignore', 'ignore', 'inherit'], env });
    const fresh = existsSync(own)
      ? readdirSync(own)
          .filter((f) => !before.has(f))
          .map((f) => join(own, f))
      : [];
    const written = [...readdirSync(scratch).map((f) => join(scratch, f)), ...fresh];
    const json = written
      .filter((f) => /\/bench(-[\dT-]+)?\.json$/.test(f))
      .sort((a, b) => statSync(b).mtimeMs - statSync(a).mtimeMs)[0];
    if (!json) throw new Error(`the suite in ${dir} wrote no bench JSON`);
    const out = (JSON.parse(readFileSync(json, 'utf8')) as { measurements: Measurement[] }).measurements;
    for (const f of fresh) rmSync(f, { force: true });
    return out;
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}

function main(): void {
  const base = process.argv[2];
  if (!base || base.startsWith('--'))
    throw new Error(
      'usage: npx tsx load-tests/bench/ab.ts <base-commit> [--rounds 2] [--only write-side,read-side] [--profile quick]',
    );
  const rounds = Number(arg('rounds', '2'));
  const only = arg('only', 'write-side,read-side');
  const profile = arg('profile', 'quick');
  const head = execFileSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: REPO_ROOT, encoding: 'utf8' }).trim();
  const worktree = mkdtempSync(join(tmpdir(), 'verity-ab-'));
  execFileSync('git', ['worktree', 'add', '--detach', worktree, base], { cwd: REPO_ROOT, stdio: 'ignore' });
  symlinkSync(join(REPO_ROOT, 'node_modules'), join(worktree, 'node_modules'));
  symlinkSync(join(REPO_ROOT, '.data'), join(worktree, '.data'));
  const runs: Record<'base' | 'head', Measurement[][]> = { base: [], head: [] };
  try {
    for (let r = 1; r <= rounds; r++) {
      console.error(`[ab] round ${r}/${rounds}: ${base}`);
      runs.base.push(runSuite(worktree, only, profile, `A/B base ${base} round ${r}`));
      console.error(`[ab] round ${r}/${rounds}: ${head}`);
      runs.head.push(runSuite(REPO_ROOT, only, profile, `A/B head ${head} round ${r}`));
    }
  } finally {
    execFileSync('git', ['worktree', 'remove', '--force', worktree], { cwd: REPO_ROOT, stdio: 'ignore' });
  }
  const key = (m: Measurement) => `${m.bench} | ${m.metric}`;
  const keys = [...new Set(runs.head.flat().map(key))];
  const rows = keys.map((k) => {
    const of = (side: 'base' | 'head') =>
      runs[side].flatMap((ms) => ms.filter((m) => key(m) === k && m.value !== null).map((m) => m.value!));
    const [b, h] = [median(of('base')), median(of('head'))];
    const unit = runs.head.flat().find((m) => key(m) === k)!.unit;
    return {
      measurement: k,
      unit,
      base: b,
      head: h,
      ratio: b && h !== null ? Math.round((h / b) * 100) / 100 : null,
      base_runs: of('base'),
      head_runs: of('head'),
    };
  });
  const date = new Date().toISOString();
  const loadAverageEnd = readFileSync('/proc/loadavg', 'utf8').trim();
  const where = machine('Kafka, registry, Postgres, the services under test and the load drivers');
  const command = `npx tsx load-tests/bench/ab.ts ${base} --rounds ${rounds} --only ${only} --profile ${profile}`;
  const json = { machine: where, command, base, head, rounds, only, profile, load_average_end: loadAverageEnd, rows };
  const fmt = (n: number | null) => (n === null ? '—' : Math.round(n).toLocaleString('en-US'));
  const md = [
    `# A/B ${base} → ${head} (${profile} profile, ${rounds} rounds, alternating; medians)`,
    '',
    `\`${command}\`. Same machine (${where}), same stack, one run; each round runs the base, then this checkout.`,
    '',
    '| measurement | unit | base | this | this ÷ base | base runs | this runs |',
    '| --- | --- | ---: | ---: | ---: | --- | --- |',
    ...rows.map((r) => {
      const runsOf = (xs: number[]) => xs.map(fmt).join(', ');
      const cells = [r.measurement, r.unit, fmt(r.base), fmt(r.head), r.ratio ?? '—'];
      cells.push(runsOf(r.base_runs), runsOf(r.head_runs));
      return `| ${cells.join(' | ')} |`;
    }),
    '',
  ].join('\n');
  writeResults('ab', date, json, md);
}

main();
