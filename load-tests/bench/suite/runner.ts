// How the suite runs one benchmark: in its own child process and process group (`npx tsx <script>`,
// environment inherited, the profile's sizes added), with a timeout; its JSON lines and the results file
// it wrote are collected into a Run, and a reference result is put back afterwards. SIGINT / SIGTERM stop
// the benchmark running (its whole process group) before the suite exits.
import { spawn } from 'node:child_process';
import { existsSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { join, relative } from 'node:path';
import { REPO_ROOT } from '../../../services/lib/platform/schemas/catalog.js';
import type { Row } from '../../lib.js';
import { resultsDir } from '../../result-files.js';
import { PROFILE, type Spec } from './specs.js';

/** Where this run writes (BENCH_RESULTS_DIR for the A/B). */
export const RESULTS = resultsDir();

/** One benchmark as the suite ran it (the `benchmarks` of bench.json). */
export interface Run {
  name: string;
  script: string;
  what: string;
  command: string;
  sizes: Record<string, string>;
  status: 'ok' | 'failed' | 'skipped';
  reason?: string;
  started_at: string;
  wall_s: number;
  exit_code: number | null;
  signal: string | null;
  load_avg_1m: [number, number];
  results_file: string | null;
  /** A fixed-name reference file read, then put back as it was before the run. */
  results_file_restored?: boolean;
  stdout_rows: Row[];
  stderr_tail: string[];
  /** The results file's content (the benchmark's own JSON). */
  results: Record<string, unknown> | null;
}

/** A path as the results show it: relative to the repository when inside it. */
export const shown = (file: string): string => (file.startsWith(`${REPO_ROOT}/`) ? relative(REPO_ROOT, file) : file);
export const progress = (msg: string) =>
  process.stderr.write(`[bench ${new Date().toISOString().slice(11, 19)}] ${msg}\n`);
const la = () => Math.round(loadavg()[0]! * 100) / 100;
let current: { pid: number } | undefined;

function killGroup(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pid, signal);
  } catch {
    // already gone
  }
}

for (const sig of ['SIGINT', 'SIGTERM'] as const) {
  process.on(sig, () => {
    if (current) {
      progress(`${sig}: stopping the running benchmark (process group ${current.pid})`);
      killGroup(current.pid, 'SIGTERM');
      const pid = current.pid;
      setTimeout(() => {
        killGroup(pid, 'SIGKILL');
        process.exit(130);
      }, 15_000).unref();
    } else process.exit(130);
  });
}

/** Whether `el` has every field of `row` with the same value. */
const includesRow = (el: unknown, row: Row): boolean =>
  typeof el === 'object' &&
  el !== null &&
  Object.entries(row).every(([k, v]) => JSON.stringify((el as Record<string, unknown>)[k]) === JSON.stringify(v));

/**
 * The results file this child wrote: <name>.json, if modified since it started and holding a row it
 * printed on stdout (someone else may have run the same benchmark meanwhile); else null.
 */
function resultsOf(spec: Spec, sinceMs: number, printed: Row[]): string | null {
  const f = join(RESULTS, `${spec.name}.json`);
  if (!existsSync(f) || statSync(f).mtimeMs < sinceMs) return null;
  const probe = printed.filter((r) => r.what !== 'settings').slice(0, 3);
  if (probe.length === 0) return f;
  try {
    const json = JSON.parse(readFileSync(f, 'utf8')) as Record<string, unknown>;
    const rows = [...((json.rows as unknown[] | undefined) ?? []), ...((json.results as unknown[] | undefined) ?? [])];
    return probe.some((p) => rows.some((el) => includesRow(el, p))) ? f : null;
  } catch {
    return null;
  }
}

export function runOne(spec: Spec): Promise<Run> {
  const sizes = Object.fromEntries(Object.entries(spec.env[PROFILE]).map(([k, v]) => [k, process.env[k] ?? v]));
  const args = spec.args[PROFILE];
  const command = `${Object.entries(sizes)
    .map(([k, v]) => `${k}=${v} `)
    .join('')}npx tsx ${spec.script}${args.length ? ` ${args.join(' ')}` : ''}`;
  const base = {
    name: spec.name,
    script: spec.script,
    what: spec.what,
    command,
    sizes,
    started_at: new Date().toISOString(),
  };
  if (!existsSync(join(REPO_ROOT, spec.script))) {
    return Promise.resolve({
      ...base,
      status: 'skipped',
      reason: `${spec.script} does not exist in this tree`,
      wall_s: 0,
      exit_code: null,
      signal: null,
      load_avg_1m: [la(), la()],
      results_file: null,
      stdout_rows: [],
      stderr_tail: [],
      results: null,
    });
  }
  // Reference results: remembered, to be put back after the suite has read the new ones.
  const fixed = spec.reference ? ['json', 'md'].map((ext) => join(RESULTS, `${spec.name}.${ext}`)) : [];
  const before = new Map(fixed.filter((f) => existsSync(f)).map((f) => [f, readFileSync(f)]));
  const loadBefore = la();
  const t0 = Date.now();
  progress(`${spec.name}: ${command}`);
  return new Promise((resolve) => {
    const child = spawn('npx', ['tsx', spec.script, ...args], {
      cwd: REPO_ROOT,
      env: { ...process.env, ...sizes, BENCH_PROFILE: PROFILE }, // the profile each result records
      stdio: ['ignore', 'pipe', 'pipe'],
      detached: true, // its own process group: a timeout or Ctrl-C stops the benchmark and everything it started
    });
    current = { pid: child.pid! };
    const rows: Row[] = [];
    const tail: string[] = [];
    const lines = (stream: NodeJS.ReadableStream, onLine: (l: string) => void) => {
      let buf = '';
      stream.on('data', (d: Buffer) => {
        buf += d.toString('utf8');
        const parts = buf.split('\n');
        buf = parts.pop()!;
        parts.forEach(onLine);
      });
      stream.on('end', () => buf && onLine(buf));
    };
    lines(child.stdout!, (l) => {
      process.stderr.write(`  [${spec.name}] ${l}\n`);
      if (l.startsWith('{')) {
        try {
          rows.push(JSON.parse(l) as Row);
        } catch {
          // a line that only looks like JSON
        }
      }
    });
    lines(child.stderr!, (l) => {
      process.stderr.write(`  [${spec.name}!] ${l}\n`);
      tail.push(l);
      if (tail.length > 30) tail.shift();
    });
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      progress(`${spec.name}: timed out after ${spec.timeoutMin[PROFILE]} min, stopping it`);
      killGroup(child.pid!, 'SIGTERM');
      setTimeout(() => killGroup(child.pid!, 'SIGKILL'), 15_000).unref();
    }, spec.timeoutMin[PROFILE] * 60_000);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      current = undefined;
      const file = resultsOf(spec, t0, rows);
      let results: Record<string, unknown> | null = null;
      if (file) {
        try {
          results = JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>;
        } catch (err) {
          tail.push(`bench: could not parse ${file}: ${(err as Error).message}`);
        }
      }
      const restore = process.env.BENCH_KEEP_FIXED !== '1' && before.size > 0;
      if (restore) for (const [f, content] of before) writeFileSync(f, content);
      const ok = code === 0 && !timedOut && (results !== null || rows.length > 0);
      const reason = timedOut
        ? `timed out after ${spec.timeoutMin[PROFILE]} min`
        : code !== 0
          ? `exit ${code ?? signal}`
          : ok
            ? undefined
            : 'no results file and no JSON lines';
      const wall = Math.round((Date.now() - t0) / 100) / 10;
      progress(`${spec.name}: ${ok ? 'ok' : `FAILED (${reason})`} in ${wall} s${file ? `, ${shown(file)}` : ''}`);
      resolve({
        ...base,
        status: ok ? 'ok' : 'failed',
        ...(reason ? { reason } : {}),
        wall_s: wall,
        exit_code: code,
        signal,
        load_avg_1m: [loadBefore, la()],
        results_file: file ? shown(file) : null,
        ...(restore && file ? { results_file_restored: true } : {}),
        stdout_rows: rows,
        stderr_tail: ok ? [] : tail,
        results,
      });
    });
  });
}
