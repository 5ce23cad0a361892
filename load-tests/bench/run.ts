// The benchmark suite (issue 6, `make bench`): runs every benchmark of QUALITY.md in sequence, each in
// its own child process (`npx tsx …`, environment inherited) with its baseline measured in the same
// run, then writes load-tests/results/bench.json and .md (every measurement with its ratio, the
// QUALITY.md targets met / not met) and two SVG charts: bench-throughput.svg (msgs/s per stage beside
// its raw Kafka baseline) and bench-lag.svg (end-to-end lag p50/p99 at 25% and 75% load). Like every
// benchmark's, these are the current result, overwritten by the next run; each run also appends a row
// to load-tests/results/HISTORY.md (load-tests/result-files.ts). So does each benchmark it runs: a quick
// run replaces the current full-size results of the benchmarks it runs (their HISTORY.md rows remain).
//
//   BENCH_PROFILE=quick npx tsx load-tests/bench/run.ts     small sizes, ~5–8 minutes on a 2-core box
//   BENCH_PROFILE=full  npx tsx load-tests/bench/run.ts     the sizes the issues name (default; ~1 hour,
//                                                           most of it seeding 10M job rows and 1M events)
// Env: BENCH_ONLY=write-side,rebuild (run only these), BENCH_SKIP=query, BENCH_NOTE="…" (context written
// into the results, e.g. what else ran on the machine), BENCH_KEEP_FIXED=1 (see below). A size variable
// already set in the environment (BENCH_PIPELINES, BENCH_EVENTS, BENCH_JOBS, …) wins over the profile's.
//
// Measurements come from the results file each benchmark just wrote (load-tests/results/<name>.json,
// modified after the child started and holding a row it printed), else from the JSON lines it printed on
// stdout. A benchmark that fails is recorded (exit code, last stderr lines) and the others still run; the
// suite then exits 1. The log-excerpt results (log-excerpt-recall.json, log-excerpt-evidence.json) are the
// repository's reference results over the whole data set: the suite reads the new ones and puts the old
// ones back (BENCH_KEEP_FIXED=1 leaves the new ones; the runs' HISTORY.md rows stay either way).
// Not run here: load-tests/stack-footprint.sh (it stops and restarts the stack; its latest recorded
// line is reported) and the soak (`make soak`, load-tests/bench/soak.ts; its latest result is reported).
import { spawn } from 'node:child_process';
import { existsSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { join, relative } from 'node:path';
import { REPO_ROOT } from '../../services/lib/platform/schemas/catalog.js';
import { fmt } from '../format.js';
import { machine, type Row } from '../lib.js';
import { codeState, resultsDir, writeResults } from '../result-files.js';
import { div, num, type Figures, type Num } from './figures.js';
import { lagChart, throughputChart } from './result-charts.js';

type Profile = 'quick' | 'full';
const PROFILE: Profile = (process.env.BENCH_PROFILE ?? 'full') as Profile;
if (PROFILE !== 'quick' && PROFILE !== 'full')
  throw new Error(`BENCH_PROFILE must be quick or full, got ${process.env.BENCH_PROFILE}`);
/** Where this run writes (BENCH_RESULTS_DIR for the A/B). */
const RESULTS = resultsDir();
/** Where the soak and stack footprint results this run reports are. */
const REPO_RESULTS = join(REPO_ROOT, 'load-tests/results');

interface Spec {
  name: string;
  script: string;
  what: string;
  args: Record<Profile, string[]>;
  env: Record<Profile, Record<string, string>>;
  /** Its results (<name>.json and .md) are reference results: put back as they were after the run. */
  reference?: true;
  timeoutMin: Record<Profile, number>;
}

const SPECS: Spec[] = [
  {
    name: 'write-side',
    script: 'load-tests/write-side/run.ts',
    what: 'raw kafkajs produce/consume vs ingest (bulk, single) vs the decider with and without transactions',
    args: { quick: [], full: [] },
    env: { quick: { BENCH_PIPELINES: '600' }, full: { BENCH_PIPELINES: '3000' } },
    timeoutMin: { quick: 8, full: 30 },
  },
  {
    name: 'read-side',
    script: 'load-tests/read-side/run.ts',
    what: 'projector vs raw consume vs a naive row-per-event projector vs a set-based upsert ceiling',
    args: { quick: [], full: [] },
    env: {
      quick: { BENCH_PIPELINES: '1000', BENCH_NAIVE_EVENTS: '1000' },
      full: { BENCH_PIPELINES: '20000', BENCH_NAIVE_EVENTS: '5000' },
    },
    timeoutMin: { quick: 8, full: 40 },
  },
  {
    name: 'end-to-end',
    script: 'load-tests/end-to-end/run.ts',
    what: 'sustained rate through real ingest, decider and projector; lag p50/p99 at 25% and 75% of it',
    args: { quick: [], full: [] },
    env: {
      quick: { BENCH_PIPELINES: '600', BENCH_SECONDS: '10' },
      full: { BENCH_PIPELINES: '2000', BENCH_SECONDS: '20' },
    },
    timeoutMin: { quick: 8, full: 40 },
  },
  {
    name: 'rebuild',
    script: 'load-tests/rebuild/run.ts',
    what: '`verity rebuild` path from offset 0 vs raw consume of the same topic',
    args: { quick: [], full: [] },
    env: { quick: { BENCH_EVENTS: '50000' }, full: { BENCH_EVENTS: '1000000' } },
    timeoutMin: { quick: 8, full: 50 },
  },
  {
    name: 'query',
    script: 'load-tests/query/run.ts',
    what: 'query API p50/p95/p99 under concurrent load vs the same SQL straight through pg; EXPLAIN of every statement',
    args: { quick: [], full: [] },
    env: {
      // Its own database name, so that it never meets a query benchmark run by hand (verity_bench_query).
      quick: {
        BENCH_JOBS: '100000',
        BENCH_CONCURRENCY: '8',
        BENCH_DURATION_S: '3',
        BENCH_ROUNDS: '1',
        BENCH_WARMUP_S: '1',
        BENCH_VARIANTS: '200',
        BENCH_DB: 'verity_bench_suite_query',
      },
      full: { BENCH_JOBS: '10000000', BENCH_DB: 'verity_bench_suite_query' },
    },
    timeoutMin: { quick: 10, full: 90 },
  },
  {
    name: 'log-excerpt-recall',
    script: 'load-tests/log-excerpt/recall.ts',
    what: 'context recall of the failure excerpt vs a plain tail on LogChunks dev',
    args: { quick: ['--budget', '16000'], full: [] },
    env: { quick: {}, full: {} },
    reference: true,
    timeoutMin: { quick: 5, full: 15 },
  },
  {
    name: 'log-excerpt-evidence',
    script: 'load-tests/log-excerpt/evidence.ts',
    what: 'evidence hit@k vs the last 20 lines and the top-3 raw markers on LogChunks dev',
    args: { quick: [], full: [] },
    env: { quick: {}, full: {} },
    reference: true,
    timeoutMin: { quick: 5, full: 15 },
  },
];

interface Run {
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
const shown = (file: string): string => (file.startsWith(`${REPO_ROOT}/`) ? relative(REPO_ROOT, file) : file);
const progress = (msg: string) => process.stderr.write(`[bench ${new Date().toISOString().slice(11, 19)}] ${msg}\n`);
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

function runOne(spec: Spec): Promise<Run> {
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

// ---------------------------------------------------------------------------------------------------
// Figures: the numbers the tables, targets and charts are made of, read from each run.

const rowsOf = (r: Run | undefined): Row[] => (r ? ((r.results?.rows as Row[] | undefined) ?? r.stdout_rows) : []);
const find = (rows: Row[], what: string, pred: (r: Row) => boolean = () => true) =>
  rows.find((r) => r.what === what && pred(r));
const perS = (rows: Row[], what: string, pred?: (r: Row) => boolean): Num => num(find(rows, what, pred)?.per_s);

function figures(runs: Map<string, Run>): Figures {
  const ws = rowsOf(runs.get('write-side'));
  const rawProduces = ws.filter((r) => r.what === 'raw_produce');
  const rs = rowsOf(runs.get('read-side'));
  const e2e = rowsOf(runs.get('end-to-end'));
  const rb = rowsOf(runs.get('rebuild'));
  const qr = runs.get('query')?.results;
  const qRoutes = ((qr?.results as Record<string, unknown>[] | undefined) ??
    rowsOf(runs.get('query')).filter((r) => r.what === 'route')) as Record<string, Record<string, unknown>>[];
  const recallRows = ((runs.get('log-excerpt-recall')?.results?.results as Row[] | undefined) ??
    rowsOf(runs.get('log-excerpt-recall'))) as unknown as Record<string, unknown>[];
  const evRows = ((runs.get('log-excerpt-evidence')?.results?.results as Row[] | undefined) ??
    rowsOf(runs.get('log-excerpt-evidence'))) as unknown as Record<string, unknown>[];
  const recallOf = (method: string, budget: number) =>
    num(recallRows.find((r) => r.method === method && r.budget === budget)?.recall);
  const budgets = [...new Set(recallRows.filter((r) => r.method === 'excerpt').map((r) => r.budget as number))].sort(
    (a, b) => a - b,
  );
  const hit3 = (method: string) => num(evRows.find((r) => r.method === method)?.['hit@3']);
  const lo = find(e2e, 'open_loop_25');
  const hi = find(e2e, 'open_loop_75');
  const max = find(e2e, 'max');
  const rbRow = find(rb, 'rebuild');
  const rm = find(rb, 'read_model');
  const wsPipelines = runs.get('write-side')?.sizes.BENCH_PIPELINES;
  return {
    ws: {
      raw_produce: num(rawProduces[0]?.per_s),
      raw_consume: perS(ws, 'raw_consume'),
      consume_decode: perS(ws, 'consume_decode'),
      ingest_bulk: perS(ws, 'ingest_bulk'),
      ingest_single: perS(ws, 'ingest_single'),
      // The raw produce measured in the ingest phase (its own baseline), else the last one printed.
      ingest_raw_produce: perS(ws, 'raw_produce', (r) => r.phase === 'ingest') ?? num(rawProduces.at(-1)?.per_s),
      decider_eos: perS(ws, 'decider_eos'),
      decider_no_txn: perS(ws, 'decider_no_txn'),
      pipelines: wsPipelines ? Number(wsPipelines) : null,
    },
    rs: {
      raw_consume: perS(rs, 'raw_consume'),
      projector: perS(rs, 'projector'),
      ceiling: perS(rs, 'set_based_ceiling'),
      naive: perS(rs, 'naive_row_per_event'),
      events: num(find(rs, 'events')?.events),
    },
    e2e: {
      reports_per_s: num(max?.reports_per_s),
      events_per_s: num(max?.events_per_s),
      rate25: num(lo?.target_reports_per_s),
      p50_25: num(lo?.lag_p50_ms),
      p99_25: num(lo?.lag_p99_ms),
      rate75: num(hi?.target_reports_per_s),
      p50_75: num(hi?.lag_p50_ms),
      p99_75: num(hi?.lag_p99_ms),
    },
    rb: {
      raw_consume: perS(rb, 'raw_consume'),
      consume_decode: perS(rb, 'consume_decode'),
      rebuild: num(rbRow?.per_s),
      events: num(rbRow?.events),
      read_model_ok: typeof rm?.ok === 'boolean' ? rm.ok : null,
    },
    q: {
      jobs: num((qr?.seed as Record<string, unknown> | undefined)?.jobs),
      seq_scans: num(qr?.seq_scans),
      statements: Array.isArray(qr?.explains) ? (qr.explains as unknown[]).length : null,
      routes: qRoutes.map((r) => ({
        name: String(r.name),
        route: String(r.route),
        api_p50: num(r.api?.p50_ms),
        api_p99: num(r.api?.p99_ms),
        sql_p99: num(r.sql?.p99_ms),
        api_rps: num(r.api?.req_per_s),
        errors: (num(r.api?.errors) ?? 0) + (num(r.sql?.errors) ?? 0),
      })),
    },
    recall: budgets.map((b) => ({
      budget: b,
      excerpt: recallOf('excerpt', b),
      tail: recallOf('tail-chars', b),
      tail200: recallOf('tail-200-lines', b),
    })),
    evidence: { evidence: hit3('evidence'), last20: hit3('last-20-lines'), markers: hit3('marker-top-3') },
  };
}

/** One row of the suite's table: a measurement with its baseline measured in the same run. */
interface Measurement {
  bench: string;
  metric: string;
  value: Num;
  unit: string;
  baseline: string;
  baseline_value: Num;
  ratio: Num;
  target: string;
}

function measurements(f: Figures, runs: Map<string, Run>): Measurement[] {
  const out: Measurement[] = [];
  const add = (
    bench: string,
    metric: string,
    value: Num,
    unit: string,
    baseline: string,
    baselineValue: Num,
    target: string,
    ratio: Num = div(value, baselineValue),
  ) => {
    if (!runs.has(bench)) return;
    out.push({
      bench,
      metric,
      value,
      unit,
      baseline: baselineValue === null && baseline === '—' ? '—' : `${baseline} ${fmt(baselineValue)}`,
      baseline_value: baselineValue,
      ratio,
      target,
    });
  };
  const { ws, rs, e2e, rb, q } = f;
  add('write-side', 'raw kafkajs produce, intake mix', ws.raw_produce, 'msgs/s', '—', null, 'baseline', null);
  add('write-side', 'raw kafkajs consume, intake mix', ws.raw_consume, 'msgs/s', '—', null, 'baseline', null);
  add(
    'write-side',
    'consume + registry decode + Ajv',
    ws.consume_decode,
    'msgs/s',
    'raw consume',
    ws.raw_consume,
    'context',
  );
  add('write-side', 'ingest bulk NDJSON', ws.ingest_bulk, 'reports/s', 'raw produce', ws.ingest_raw_produce, '≥ 0.50');
  add(
    'write-side',
    'ingest single POST, 32 concurrent',
    ws.ingest_single,
    'reports/s',
    'raw produce',
    ws.ingest_raw_produce,
    'context',
  );
  add('write-side', 'decider EOS', ws.decider_eos, 'reports/s', 'raw consume', ws.raw_consume, '≥ 0.40');
  add(
    'write-side',
    'decider EOS vs without transactions',
    ws.decider_eos,
    'reports/s',
    'no-txn decider',
    ws.decider_no_txn,
    '≥ 0.80',
  );
  add('read-side', 'raw kafkajs consume, canonical events', rs.raw_consume, 'events/s', '—', null, 'baseline', null);
  add('read-side', 'projector, exactly once', rs.projector, 'events/s', 'raw consume', rs.raw_consume, '≥ 0.50');
  add(
    'read-side',
    'projector vs set-based upsert ceiling',
    rs.projector,
    'events/s',
    'set-based ceiling',
    rs.ceiling,
    '≥ 0.25',
  );
  add(
    'read-side',
    'projector vs naive row-per-event projector',
    rs.projector,
    'events/s',
    'naive projector',
    rs.naive,
    '≥ 10',
  );
  add(
    'end-to-end',
    'sustained end-to-end (bulk ingest → decider EOS → projector EOS)',
    e2e.reports_per_s,
    'reports/s',
    'raw produce (write-side, this run)',
    ws.raw_produce,
    'context',
  );
  add(
    'end-to-end',
    'sustained end-to-end, canonical events',
    e2e.events_per_s,
    'events/s',
    'headline target',
    5000,
    '≥ 1 (5,000 events/s)',
  );
  add('end-to-end', `lag p50 at 25% load (${fmt(e2e.rate25)} reports/s)`, e2e.p50_25, 'ms', '—', null, 'report', null);
  add('end-to-end', `lag p99 at 25% load`, e2e.p99_25, 'ms', '—', null, 'report', null);
  add('end-to-end', `lag p50 at 75% load (${fmt(e2e.rate75)} reports/s)`, e2e.p50_75, 'ms', '—', null, 'report', null);
  add('end-to-end', 'lag p99 at 75% load', e2e.p99_75, 'ms', 'p99 at 25% load', e2e.p99_25, '≤ 3');
  add('rebuild', 'raw kafkajs consume, canonical events', rb.raw_consume, 'events/s', '—', null, 'baseline', null);
  add(
    'rebuild',
    'raw consume + registry decode/validate',
    rb.consume_decode,
    'events/s',
    'raw consume',
    rb.raw_consume,
    'context',
  );
  add(
    'rebuild',
    `\`verity rebuild\` path, ${fmt(rb.events)} events (join + build + swap + drop)`,
    rb.rebuild,
    'events/s',
    'raw consume',
    rb.raw_consume,
    '≥ 0.50',
  );
  for (const r of q.routes)
    add(
      'query',
      `${r.name} \`${r.route}\` API p99 (${fmt(r.api_rps)} req/s, ${r.errors ?? 0} errors)`,
      r.api_p99,
      'ms',
      'same SQL through pg, p99',
      r.sql_p99,
      'context',
    );
  add(
    'query',
    `statements with a Seq Scan (EXPLAIN ANALYZE, ${fmt(q.jobs)} job rows, ${fmt(q.statements)} statements)`,
    q.seq_scans,
    'statements',
    '—',
    null,
    '0',
    null,
  );
  for (const r of f.recall)
    add(
      'log-excerpt-recall',
      `excerpt recall at ${r.budget} bytes`,
      r.excerpt,
      'share',
      'tail (last B chars)',
      r.tail,
      r.budget === 16000 ? '≥ 0.97 absolute' : 'context',
    );
  add(
    'log-excerpt-evidence',
    'evidence hit@3',
    f.evidence.evidence,
    'share',
    'top-3 raw markers',
    f.evidence.markers,
    '≥ 0.80 absolute',
  );
  add(
    'log-excerpt-evidence',
    'evidence hit@3 vs the last 20 lines',
    f.evidence.evidence,
    'share',
    'last 20 lines',
    f.evidence.last20,
    'context',
  );
  return out;
}

interface Target {
  what: string;
  metric: string;
  value: Num;
  ratio: Num;
  target: string;
  met: boolean | null;
  reason?: string;
  note?: string;
  source: string;
}

/** The current soak result (`make soak` writes it; the suite does not run it). */
function latestSoak(): { file: string; json: Record<string, unknown> } | null {
  const f = join(REPO_RESULTS, 'soak.json');
  if (!existsSync(f)) return null;
  return { file: 'load-tests/results/soak.json', json: JSON.parse(readFileSync(f, 'utf8')) as Record<string, unknown> };
}

function targets(f: Figures, runs: Map<string, Run>): Target[] {
  const unavailable = (bench: string): string => {
    const r = runs.get(bench);
    if (!r) return `${bench} not run (BENCH_ONLY / BENCH_SKIP)`;
    if (r.status === 'skipped') return `${bench} skipped: ${r.reason}`;
    if (r.status === 'failed') return `${bench} failed (${r.reason})`;
    return `${bench} printed no such measurement`;
  };
  const t = (
    what: string,
    metric: string,
    bench: string,
    value: Num,
    ratio: Num,
    target: string,
    test: (x: number) => boolean,
    note?: string,
  ): Target => {
    const x = ratio ?? value;
    const base = { what, metric, value, ratio, target, source: bench, ...(note ? { note } : {}) };
    return x === null ? { ...base, met: null, reason: unavailable(bench) } : { ...base, met: test(x) };
  };
  const { ws, rs, e2e, rb, q } = f;
  const small = (n: Num, want: number, unit: string) =>
    n !== null && n < want
      ? `measured at ${fmt(n)} ${unit} (${PROFILE} profile); the target names ${fmt(want)}`
      : undefined;
  const soak = latestSoak();
  const soakServices =
    (soak?.json.services as { service: string; slope_mib_per_min: number | null; verdict: string }[] | undefined) ?? [];
  const soakFlat = soakServices.length > 0 ? soakServices.every((s) => s.verdict === 'flat') : null;
  const worst = soakServices
    .filter((s) => s.slope_mib_per_min !== null)
    .sort((a, b) => Math.abs(b.slope_mib_per_min!) - Math.abs(a.slope_mib_per_min!))[0];
  const worstSlope = worst ? worst.slope_mib_per_min : null;
  return [
    {
      what: 'raw Kafka ceiling',
      metric: 'kafkajs produce / consume msgs/s, same broker, same mix',
      value: ws.raw_produce,
      ratio: null,
      target: 'the baseline the rest is compared to',
      met: null,
      reason: 'a baseline: no target of its own',
      note: `raw produce ${fmt(ws.raw_produce)}, raw consume ${fmt(ws.raw_consume)} msgs/s (write-side); raw consume of canonical events ${fmt(rs.raw_consume)} (read-side), ${fmt(rb.raw_consume)} (rebuild)`,
      source: 'write-side',
    },
    t(
      'ingest HTTP → Kafka',
      'bulk NDJSON reports/s ÷ raw produce',
      'write-side',
      ws.ingest_bulk,
      div(ws.ingest_bulk, ws.ingest_raw_produce),
      '≥ 0.50',
      (x) => x >= 0.5,
    ),
    t(
      'decider (EOS)',
      'reports decided/s ÷ raw consume',
      'write-side',
      ws.decider_eos,
      div(ws.decider_eos, ws.raw_consume),
      '≥ 0.40',
      (x) => x >= 0.4,
    ),
    t(
      'decider (EOS)',
      'reports decided/s ÷ same decider without transactions',
      'write-side',
      ws.decider_eos,
      div(ws.decider_eos, ws.decider_no_txn),
      '≥ 0.80',
      (x) => x >= 0.8,
    ),
    t(
      'projector',
      'events applied/s ÷ raw consume',
      'read-side',
      rs.projector,
      div(rs.projector, rs.raw_consume),
      '≥ 0.50',
      (x) => x >= 0.5,
    ),
    t(
      'projector',
      'events applied/s ÷ set-based batched-upsert ceiling',
      'read-side',
      rs.projector,
      div(rs.projector, rs.ceiling),
      '≥ 0.25',
      (x) => x >= 0.25,
    ),
    t(
      'projector',
      'events applied/s ÷ naive row-per-event projector',
      'read-side',
      rs.projector,
      div(rs.projector, rs.naive),
      '≥ 10',
      (x) => x >= 10,
    ),
    t(
      'end-to-end lag',
      'p99 at 75% load ÷ p99 at 25% load (ms)',
      'end-to-end',
      e2e.p99_75,
      div(e2e.p99_75, e2e.p99_25),
      '≤ 3',
      (x) => x <= 3,
      e2e.p99_25 === null
        ? undefined
        : `p50/p99 ${fmt(e2e.p50_25)}/${fmt(e2e.p99_25)} ms at 25% (${fmt(e2e.rate25)} reports/s), ${fmt(e2e.p50_75)}/${fmt(e2e.p99_75)} ms at 75% (${fmt(e2e.rate75)} reports/s)`,
    ),
    t(
      'headline',
      'sustained end-to-end events/s, all on one 2-core machine',
      'end-to-end',
      e2e.events_per_s,
      div(e2e.events_per_s, 5000),
      '≥ 5,000 events/s',
      (x) => x >= 1,
    ),
    t(
      'rebuild',
      'full read-model rebuild events/s ÷ raw consume',
      'rebuild',
      rb.rebuild,
      div(rb.rebuild, rb.raw_consume),
      '≥ 0.50 (1M events)',
      (x) => x >= 0.5,
      small(rb.events, 1_000_000, 'events'),
    ),
    t(
      'query API',
      'statements with a Seq Scan on list/detail routes (EXPLAIN ANALYZE)',
      'query',
      q.seq_scans,
      null,
      '0 (indexes used)',
      (x) => x === 0,
      [
        small(q.jobs, 10_000_000, 'job rows'),
        q.routes.length
          ? `worst API p99 ${fmt(Math.max(...q.routes.map((r) => r.api_p99 ?? 0)))} ms over ${q.routes.length} routes`
          : '',
      ]
        .filter(Boolean)
        .join('; ') || undefined,
    ),
    soak
      ? {
          what: 'memory',
          metric: 'RSS slope per service over the second half of a soak (MiB/min)',
          value: worstSlope,
          ratio: null,
          target: 'flat (|slope| < 1 MiB/min) over 10 minutes',
          met: soakFlat,
          ...(soakFlat === null ? { reason: `${soak.file} has no service series` } : {}),
          note: `steepest: ${worst?.service ?? '?'} ${fmt(worstSlope)} MiB/min; ${soakServices.map((s) => `${s.service} ${s.verdict}`).join(', ')}; from ${soak.file} (${String(soak.json.minutes)} min, ${String(soak.json.date)}), not this run: \`make soak\``,
          source: 'soak',
        }
      : {
          what: 'memory',
          metric: 'RSS of each service under sustained load',
          value: null,
          ratio: null,
          target: 'flat over a 10-minute soak',
          met: null,
          reason: 'measured by `make soak` (load-tests/bench/soak.ts); no soak.json yet',
          source: 'soak',
        },
    t(
      'context recall (AI quality)',
      'excerpt recall at B = 16,000 on LogChunks dev',
      'log-excerpt-recall',
      f.recall.find((r) => r.budget === 16000)?.excerpt ?? null,
      null,
      '≥ 0.97',
      (x) => x >= 0.97,
      (() => {
        const r = f.recall.find((x) => x.budget === 16000);
        return r ? `plain tail ${fmt(r.tail)}, last 200 lines ${fmt(r.tail200)} (same run)` : undefined;
      })(),
    ),
    t(
      'evidence hit@3 (AI quality)',
      'a top-3 evidence range overlaps the labelled lines',
      'log-excerpt-evidence',
      f.evidence.evidence,
      null,
      '≥ 0.80',
      (x) => x >= 0.8,
      f.evidence.evidence === null
        ? undefined
        : `top-3 raw markers ${fmt(f.evidence.markers)}, last 20 lines ${fmt(f.evidence.last20)} (same run)`,
    ),
    {
      what: 'CRUD alternative',
      metric: 'write throughput vs a CRUD control plane updating Postgres rows per report',
      value: null,
      ratio: null,
      target: 'Verity does not lose',
      met: null,
      reason:
        'no benchmark of a CRUD control plane yet (the naive row-per-event projector of read-side is the nearest)',
      source: '—',
    },
  ];
}

// ---------------------------------------------------------------------------------------------------

function latestFootprint(): Record<string, unknown> | null {
  const f = join(REPO_RESULTS, 'stack-footprint.jsonl');
  if (!existsSync(f)) return null;
  const last = readFileSync(f, 'utf8').trim().split('\n').filter(Boolean).at(-1);
  return last ? (JSON.parse(last) as Record<string, unknown>) : null;
}

const cell = (v: Num, unit = '') => (v === null ? '—' : `${fmt(v)}${unit}`);
const metCell = (m: boolean | null) => (m === true ? '**met**' : m === false ? '**not met**' : 'n/a');

async function main(): Promise<void> {
  const only = process.env.BENCH_ONLY?.split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  const skip = new Set(
    process.env.BENCH_SKIP?.split(',')
      .map((s) => s.trim())
      .filter(Boolean) ?? [],
  );
  const unknown = [...(only ?? []), ...skip].filter((n) => !SPECS.some((s) => s.name === n));
  if (unknown.length)
    throw new Error(`unknown benchmark(s) ${unknown.join(', ')}; known: ${SPECS.map((s) => s.name).join(', ')}`);
  const specs = SPECS.filter((s) => (!only || only.includes(s.name)) && !skip.has(s.name));
  const started = new Date();
  const code = codeState();
  const [commit, dirty] = [code.commit, code.uncommitted_changes];
  const loadStart = loadavg().map((x) => Math.round(x * 100) / 100);
  progress(
    `profile ${PROFILE}: ${specs.map((s) => s.name).join(', ')}; commit ${commit.slice(0, 12)} (${dirty} uncommitted changes); load average ${loadStart.join(' ')}`,
  );

  const runs = new Map<string, Run>();
  for (const spec of specs) runs.set(spec.name, await runOne(spec));

  const wallS = Math.round((Date.now() - started.getTime()) / 1000);
  const loadEnd = loadavg().map((x) => Math.round(x * 100) / 100);
  const f = figures(runs);
  const table = measurements(f, runs);
  const goals = targets(f, runs);
  const failed = [...runs.values()].filter((r) => r.status === 'failed');
  const date = started.toISOString();
  const where = machine('Kafka, registry, Postgres, the services under test and the load drivers');
  const note =
    process.env.BENCH_NOTE ??
    'The machine is shared: other sessions may run tests and builds at the same time (see the load averages); absolute numbers are context, ratios to baselines measured in the same run are the result.';
  const footprint = latestFootprint();
  const names = { throughput: 'bench-throughput.svg', lag: 'bench-lag.svg' }; // written by writeResults
  const subtitle = `${PROFILE} profile, ${date.slice(0, 16).replace('T', ' ')} UTC, commit ${commit.slice(0, 8)}; ${where.split(';')[0]}`;

  const json = {
    date,
    profile: PROFILE,
    command: `BENCH_PROFILE=${PROFILE} npx tsx load-tests/bench/run.ts`,
    wall_s: wallS,
    machine: where,
    load_average: { start: loadStart, end: loadEnd },
    context: note,
    git: code,
    ok: failed.length === 0,
    failed: failed.map((r) => r.name),
    targets: goals,
    measurements: table,
    figures: f,
    benchmarks: [...runs.values()],
    not_run: {
      stack_footprint: {
        why: 'load-tests/stack-footprint.sh stops and restarts the stack; run it by itself',
        latest: footprint,
      },
      soak: { why: 'a separate command: make soak (load-tests/bench/soak.ts)', latest: latestSoak()?.file ?? null },
    },
    charts: { throughput: `load-tests/results/${names.throughput}`, lag: `load-tests/results/${names.lag}` },
  };

  const md = [
    `# Benchmark suite — ${date}`,
    '',
    `Profile **${PROFILE}** (\`BENCH_PROFILE=${PROFILE} npx tsx load-tests/bench/run.ts\`, whole run ${Math.floor(wallS / 60)} min ${wallS % 60} s). Machine: ${where}. Code: commit \`${commit.slice(0, 12)}\`${dirty ? ` with ${dirty} uncommitted change(s) in the tree` : ''}. Load average (1/5/15 min) ${loadStart.join(' / ')} at the start, ${loadEnd.join(' / ')} at the end. ${note}`,
    '',
    ...(PROFILE === 'quick'
      ? [
          'The **quick** profile runs small sizes to check that everything works: a raw consume of a few thousand records takes milliseconds, so ratios to raw consume, and targets stated at 1M events or 10M job rows, are indicative only; `BENCH_PROFILE=full` gives the verdict.',
          '',
        ]
      : []),
    failed.length
      ? `**${failed.length} benchmark(s) failed: ${failed.map((r) => r.name).join(', ')}** (details below).`
      : 'Every benchmark ran to completion.',
    '',
    '## QUALITY.md targets',
    '',
    '| what | metric | value | ratio | target | met | note |',
    '| --- | --- | ---: | ---: | --- | --- | --- |',
    ...goals.map(
      (g) =>
        `| ${g.what} | ${g.metric} | ${cell(g.value)} | ${cell(g.ratio)} | ${g.target} | ${metCell(g.met)} | ${[g.reason, g.note].filter(Boolean).join('; ')} |`,
    ),
    '',
    '## Every benchmark, with its baseline measured in the same run',
    '',
    '| benchmark | metric | value | unit | baseline (same run) | ratio | target |',
    '| --- | --- | ---: | --- | --- | ---: | --- |',
    ...table.map(
      (m) =>
        `| ${m.bench} | ${m.metric} | ${cell(m.value)} | ${m.unit} | ${m.baseline} | ${cell(m.ratio)} | ${m.target} |`,
    ),
    '',
    '## Runs',
    '',
    '| benchmark | command | status | wall s | load avg 1 min before → after | results file |',
    '| --- | --- | --- | ---: | --- | --- |',
    ...[...runs.values()].map(
      (r) =>
        `| ${r.name} | \`${r.command}\` | ${r.status}${r.reason ? ` (${r.reason})` : ''} | ${r.wall_s} | ${r.load_avg_1m[0]} → ${r.load_avg_1m[1]} | ${r.results_file ? `\`${r.results_file}\`${r.results_file_restored ? ' (reference file: read, then put back as it was; BENCH_KEEP_FIXED=1 keeps the new one)' : ''}` : '—'} |`,
    ),
    '',
    ...failed.flatMap((r) => [`### ${r.name} failed: ${r.reason}`, '', '```', ...r.stderr_tail.slice(-15), '```', '']),
    '## Not run by the suite',
    '',
    `- Stack footprint (\`load-tests/stack-footprint.sh\`): it stops and restarts the stack. Latest recorded: ${footprint ? `\`${JSON.stringify(footprint)}\`` : 'none'}.`,
    `- Memory soak (\`make soak\`, load-tests/bench/soak.ts): ${latestSoak()?.file ?? 'no result yet'}.`,
    '',
    '## Charts',
    '',
    `![throughput per stage](${names.throughput})`,
    '',
    `![lag against load](${names.lag})`,
    '',
  ].join('\n');

  for (const m of table) console.log(JSON.stringify({ what: 'measurement', ...m }));
  for (const { what: row, ...g } of goals) console.log(JSON.stringify({ what: 'target', row, ...g }));
  const charts = { throughput: throughputChart(f, subtitle, PROFILE === 'quick'), lag: lagChart(f, subtitle) };
  writeResults('bench', date, json, md, charts);
  progress(`wrote bench.json, .md, ${names.throughput}, ${names.lag} and a HISTORY.md row in ${shown(RESULTS)}`);
  process.exitCode = failed.length ? 1 : 0;
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
