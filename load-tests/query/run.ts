// Query API benchmark (QUALITY.md "query API": p99 latency of list/detail under concurrent load with 10M
// job rows; indexes used, no seq scans on hot paths).
//   npx tsx load-tests/query/run.ts            (BENCH_JOBS=10000000 by default; =300000 for a smoke run)
// Env: BENCH_JOBS, BENCH_CONCURRENCY (16), BENCH_DURATION_S (20 per route and side), BENCH_ROUNDS (2), BENCH_WARMUP_S
// (3),
// BENCH_VARIANTS (1000 requests per route, cycled), BENCH_DB (verity_bench_query), BENCH_KEEP_DB=1 keeps
// the seeded database (a rerun at the same BENCH_JOBS then reuses it).
// Writes load-tests/results/query.json and .md (the current result) and a row of HISTORY.md.
//
// 1. Seeds a separate database on the same Postgres server (seed.ts): migrations, read-model version
//    created and activated as the projector does, ~BENCH_JOBS job rows loaded set-based, VACUUM ANALYZE.
// 2. Starts the real query service in this process (services/run/query/main.ts startQuery) on that database.
// 3. For each route, builds BENCH_VARIANTS requests from sampled rows (project filters follow the project
//    size, so big projects are asked about more; variant 0 is the biggest project, 1 the median) and sends each
//    once, sequentially, while recording the SQL the service issues through pg (pg.Pool.prototype.query
//    wrapped for that pass only): the baseline replays exactly those statements, with the same values,
//    in the same order (statements the service ran concurrently stay concurrent).
// 4. Load: BENCH_CONCURRENCY closed-loop clients for BENCH_DURATION_S per route, in a worker thread (so
//    the clients do not share the service's event loop), first over HTTP (fetch, keep-alive), then the
//    recorded SQL straight through pg with a pool of 10 connections, the service's pool size (the
//    database ceiling; rows as text, no mapping). Result: p50/p95/p99 and req/s per route, API p99 / SQL p99.
// 5. EXPLAIN (ANALYZE, BUFFERS) of every recorded statement of variants 0 and 1 of each route: any Seq Scan?
// A route not in QUALITY.md's list, GET /v1/remediations, is measured too as context when the release has it.
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { loadavg } from 'node:os';
import { isMainThread, parentPort, Worker, workerData } from 'node:worker_threads';
import { execFileSync } from 'node:child_process';
import pg from 'pg';
import { loadConfig } from '../../services/lib/platform/config/index.js';
import { createPool } from '../../services/lib/platform/db/client.js';
import { REPO_ROOT } from '../../services/lib/platform/schemas/catalog.js';
import { encodeCursor } from '../../services/run/query/index.js';
import { loadQueryConfig } from '../../services/run/query/index.js';
import { startQuery } from '../../services/run/query/index.js';
import { machine } from '../lib.js';
import { writeResults } from '../result-files.js';
import { dropDatabase, ensureSeeded, type SeedInfo } from './seed.js';

const JOBS = Number(process.env.BENCH_JOBS ?? 10_000_000);
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 16);
const DURATION_S = Number(process.env.BENCH_DURATION_S ?? 20);
const WARMUP_S = Number(process.env.BENCH_WARMUP_S ?? 3);
const VARIANTS = Number(process.env.BENCH_VARIANTS ?? 1000);
/** API and SQL alternate in this many rounds per route, so that load from other processes hits both alike. */
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 2);
const DATABASE = process.env.BENCH_DB ?? 'verity_bench_query';
const KEEP_DB = process.env.BENCH_KEEP_DB === '1';
/** The query service's pool (services/run/query/main.ts createPool(…, 10)); the SQL baseline uses the same. */
const POOL = 10;
const TOKEN = 'bench-read-token-0123456789abcdef';

const progress = (msg: string) =>
  process.stderr.write(`[query-bench ${new Date().toISOString().slice(11, 19)}] ${msg}\n`);

// ---------------------------------------------------------------------------------------------------
// Load driver (worker thread): closed-loop clients for a fixed duration; latencies in ms.

/** One recorded statement: what the service passed to pg. */
interface Stmt {
  text: string;
  values: unknown[];
}
/** A request's statements as the service ran them: groups in sequence, the statements of a group concurrently. */
type Steps = Stmt[][];

interface DriverInput {
  mode: 'http' | 'sql';
  durationMs: number;
  concurrency: number;
  baseUrl?: string;
  token?: string;
  paths?: string[];
  dbUrl?: string;
  steps?: Steps[];
}

interface DriverOutput {
  latencies: number[];
  errors: number;
  firstError: string | null;
  wallMs: number;
}

async function drive(input: DriverInput): Promise<DriverOutput> {
  const latencies: number[] = [];
  let errors = 0;
  let firstError: string | null = null;
  let next = 0;
  const fail = (msg: string) => {
    errors++;
    firstError ??= msg;
  };
  let pool: pg.Pool | undefined;
  let one: () => Promise<void>;
  if (input.mode === 'http') {
    const paths = input.paths!;
    const headers = { authorization: `Bearer ${input.token}` };
    one = async () => {
      const res = await fetch(input.baseUrl + paths[next++ % paths.length]!, { headers });
      await res.arrayBuffer();
      if (res.status !== 200) fail(`HTTP ${res.status}`);
    };
  } else {
    pool = new pg.Pool({ connectionString: input.dbUrl, max: POOL });
    const raw = { getTypeParser: () => (v: string) => v };
    const steps = input.steps!;
    // Open the pool's connections before the clock starts (the service's pool is warm too).
    await Promise.all(Array.from({ length: POOL }, () => pool!.query('SELECT 1')));
    one = async () => {
      for (const group of steps[next++ % steps.length]!) {
        await Promise.all(
          group.map((s) => pool!.query({ text: s.text, values: s.values, rowMode: 'array', types: raw })),
        );
      }
    };
  }
  const t0 = performance.now();
  const end = t0 + input.durationMs;
  await Promise.all(
    Array.from({ length: input.concurrency }, async () => {
      while (performance.now() < end) {
        const s = performance.now();
        try {
          await one();
        } catch (err) {
          fail((err as Error).message);
        }
        latencies.push(performance.now() - s);
      }
    }),
  );
  const wallMs = performance.now() - t0;
  await pool?.end();
  return { latencies, errors, firstError, wallMs };
}

function runDriver(input: DriverInput): Promise<DriverOutput> {
  return new Promise((resolve, reject) => {
    // The worker runs this file again (TypeScript): it registers tsx's loader first, which workers do not inherit.
    const api = pathToFileURL(join(REPO_ROOT, 'node_modules/tsx/dist/esm/api/index.mjs')).href;
    const code = `(async () => { (await import(${JSON.stringify(api)})).register(); await import(${JSON.stringify(import.meta.url)}); })().catch((e) => { throw e; });`;
    const w = new Worker(code, { eval: true, workerData: input });
    w.once('message', (m: DriverOutput) => resolve(m));
    w.once('error', reject);
    w.once('exit', (code) => code !== 0 && reject(new Error(`driver worker exited with ${code}`)));
  });
}

// ---------------------------------------------------------------------------------------------------
// Recording the SQL the service issues for one request.

interface Recorded extends Stmt {
  start: number;
  end: number;
}

let recording: Recorded[] | undefined;

function installRecorder(): () => void {
  const proto = pg.Pool.prototype as unknown as { query: (...args: unknown[]) => unknown };
  const original = proto.query;
  proto.query = function (this: pg.Pool, ...args: unknown[]) {
    const result = original.apply(this, args);
    if (recording) {
      const [a0, a1] = args;
      const text = typeof a0 === 'string' ? a0 : (a0 as { text: string }).text;
      const values = (
        Array.isArray(a1)
          ? a1
          : typeof a0 === 'object' && a0 !== null
            ? ((a0 as { values?: unknown[] }).values ?? [])
            : []
      ) as unknown[];
      const rec: Recorded = { text, values, start: performance.now(), end: Infinity };
      recording.push(rec);
      if (result && typeof (result as Promise<unknown>).then === 'function') {
        (result as Promise<unknown>).then(
          () => (rec.end = performance.now()),
          () => (rec.end = performance.now()),
        );
      }
    }
    return result;
  };
  return () => {
    proto.query = original;
  };
}

/** Statements started before the previous group finished ran concurrently with it. */
function toSteps(recs: Recorded[]): Steps {
  const steps: Steps = [];
  let groupEnd = -Infinity;
  for (const r of recs) {
    const s = { text: r.text, values: r.values };
    if (steps.length > 0 && r.start < groupEnd) {
      steps.at(-1)!.push(s);
      groupEnd = Math.max(groupEnd, r.end);
    } else {
      steps.push([s]);
      groupEnd = r.end;
    }
  }
  return steps;
}

// ---------------------------------------------------------------------------------------------------
// Routes and their request variants.

interface Sample {
  pipelines: { id: string; project: string; createdAt: string }[];
  jobs: string[];
  biggest: string;
  /** The project of median size (variant 1 of project-scoped routes). */
  median: string;
  projects: { project: string; pipelines: number }[];
}

interface Route {
  name: string;
  route: string;
  paths: string[];
  /** Not in QUALITY.md's list (context); skipped when this release has no such route. */
  optional?: boolean;
}

const enc = encodeURIComponent;
const STATUSES = ['failed', 'running', 'canceled', 'success'];

function routes(s: Sample, n: number): Route[] {
  const pick = <T>(a: T[], i: number): T => a[(i * 7919 + 13) % a.length]!; // deterministic spread
  const project = (i: number) => (i === 0 ? s.biggest : i === 1 ? s.median : pick(s.pipelines, i).project);
  const inProject = (project: string) => s.pipelines.filter((p) => p.project === project);
  const cursorIn = (i: number, scoped: boolean) => {
    // A cursor at a random depth: the position of a sampled pipeline (of the biggest project for variant 0, the median
    // one for 1).
    const p = scoped && i < 2 ? pick(inProject(i === 0 ? s.biggest : s.median), 1) : pick(s.pipelines, i);
    return { project: p.project, cursor: encodeCursor({ createdAt: p.createdAt, pipelineId: p.id }) };
  };
  const make = (name: string, route: string, f: (i: number) => string): Route => ({
    name,
    route,
    paths: Array.from({ length: n }, (_, i) => f(i)),
  });
  return [
    make('list, every project, first page', 'GET /v1/pipelines', () => '/v1/pipelines'),
    make(
      'list, every project, cursor page',
      'GET /v1/pipelines?cursor=',
      (i) => `/v1/pipelines?cursor=${cursorIn(i, false).cursor}`,
    ),
    make(
      'list by project, first page',
      'GET /v1/pipelines?project=',
      (i) => `/v1/pipelines?project=${enc(project(i))}`,
    ),
    make('list by project, cursor page', 'GET /v1/pipelines?project=&cursor=', (i) => {
      const c = cursorIn(i, true);
      return `/v1/pipelines?project=${enc(c.project)}&cursor=${c.cursor}`;
    }),
    make(
      'list by project + status',
      'GET /v1/pipelines?project=&status=',
      (i) => `/v1/pipelines?project=${enc(project(i))}&status=${STATUSES[i % STATUSES.length]}`,
    ),
    make(
      'list by status, every project',
      'GET /v1/pipelines?status=',
      (i) => `/v1/pipelines?status=${STATUSES[i % STATUSES.length]}`,
    ),
    make('pipeline detail', 'GET /v1/pipelines/{id}', (i) => `/v1/pipelines/${pick(s.pipelines, i).id}`),
    make('job detail', 'GET /v1/jobs/{id}', (i) => `/v1/jobs/${pick(s.jobs, i)}`),
    make('project stats (7d)', 'GET /v1/projects/{id}/stats', (i) => `/v1/projects/${enc(project(i))}/stats`),
    {
      ...make(
        'remediation proposals by project (context)',
        'GET /v1/remediations?project=',
        (i) => `/v1/remediations?project=${enc(project(i))}`,
      ),
      optional: true,
    },
  ];
}

async function sample(pool: pg.Pool, seed: SeedInfo): Promise<Sample> {
  const pct = (want: number, of: number) => Math.min(100, Math.max(0.0001, (want / Math.max(1, of)) * 100)).toFixed(4);
  const p = await pool.query<{ id: string; project: string; created_at: string }>(
    `SELECT pipeline_id AS id, project_id AS project, created_at::text FROM "${seed.schema}".pipelines TABLESAMPLE BERNOULLI (${pct(6000, seed.pipelines)})`,
  );
  const j = await pool.query<{ id: string }>(
    `SELECT job_id AS id FROM "${seed.schema}".jobs TABLESAMPLE BERNOULLI (${pct(6000, seed.jobs)})`,
  );
  const projects = await pool.query<{ project: string; pipelines: number }>(
    'SELECT project_id AS project, count(*)::int AS pipelines FROM rm.pipelines GROUP BY 1 ORDER BY 2 DESC',
  );
  return {
    pipelines: p.rows.map((r) => ({ id: r.id, project: r.project, createdAt: r.created_at })),
    jobs: j.rows.map((r) => r.id),
    biggest: projects.rows[0]!.project,
    median: projects.rows[Math.floor(projects.rows.length / 2)]!.project,
    projects: projects.rows,
  };
}

// ---------------------------------------------------------------------------------------------------
// Statistics, EXPLAIN.

interface Latency {
  requests: number;
  errors: number;
  first_error: string | null;
  req_per_s: number;
  p50_ms: number;
  p95_ms: number;
  p99_ms: number;
  max_ms: number;
  mean_ms: number;
}

function merge(outs: DriverOutput[]): DriverOutput {
  return {
    latencies: outs.flatMap((o) => o.latencies),
    errors: outs.reduce((n, o) => n + o.errors, 0),
    firstError: outs.find((o) => o.firstError)?.firstError ?? null,
    wallMs: outs.reduce((n, o) => n + o.wallMs, 0),
  };
}

function summarize(o: DriverOutput): Latency {
  const a = Float64Array.from(o.latencies).sort();
  const q = (p: number) =>
    a.length === 0 ? NaN : a[Math.min(a.length - 1, Math.max(0, Math.ceil((p / 100) * a.length) - 1))]!;
  const r2 = (x: number) => Math.round(x * 100) / 100;
  return {
    requests: a.length,
    errors: o.errors,
    first_error: o.firstError,
    req_per_s: Math.round((a.length / o.wallMs) * 1000),
    p50_ms: r2(q(50)),
    p95_ms: r2(q(95)),
    p99_ms: r2(q(99)),
    max_ms: r2(a.at(-1) ?? NaN),
    mean_ms: r2(a.reduce((s, x) => s + x, 0) / Math.max(1, a.length)),
  };
}

interface PlanNode {
  'Node Type': string;
  'Relation Name'?: string;
  'Index Name'?: string;
  'Index Cond'?: string;
  Filter?: string;
  'Rows Removed by Filter'?: number;
  'Actual Rows'?: number;
  'Shared Hit Blocks'?: number;
  'Shared Read Blocks'?: number;
  Plans?: PlanNode[];
}

interface Explained {
  route: string;
  variant: number;
  path: string;
  sql: string;
  values: unknown[];
  plan: string;
  seq_scan: boolean;
  sort: boolean;
  execution_ms: number;
  rows_removed_by_filter: number;
  shared_hit: number;
  shared_read: number;
  nodes: PlanNode;
}

const flatten = (n: PlanNode): PlanNode[] => [n, ...(n.Plans ?? []).flatMap(flatten)];

async function explain(pool: pg.Pool, route: string, variant: number, path: string, s: Stmt): Promise<Explained> {
  const r = await pool.query<{ 'QUERY PLAN': [{ Plan: PlanNode; 'Execution Time': number }] }>(
    `EXPLAIN (ANALYZE, BUFFERS, FORMAT JSON) ${s.text}`,
    s.values,
  );
  const top = r.rows[0]!['QUERY PLAN'][0];
  const nodes = flatten(top.Plan);
  const describe = (n: PlanNode) =>
    `${n['Node Type']}${n['Index Name'] ? ` using ${n['Index Name']}` : ''}${n['Relation Name'] ? ` on ${n['Relation Name']}` : ''}${n['Rows Removed by Filter'] ? ` (${n['Rows Removed by Filter']} rows removed by filter)` : ''}`;
  return {
    route,
    variant,
    path,
    sql: s.text,
    values: s.values,
    plan: nodes.map(describe).join(' → '),
    seq_scan: nodes.some((n) => n['Node Type'] === 'Seq Scan'),
    sort: nodes.some((n) => /Sort/.test(n['Node Type'])),
    execution_ms: Math.round(top['Execution Time'] * 100) / 100,
    rows_removed_by_filter: nodes.reduce((t, n) => t + (n['Rows Removed by Filter'] ?? 0), 0),
    shared_hit: top.Plan['Shared Hit Blocks'] ?? 0,
    shared_read: top.Plan['Shared Read Blocks'] ?? 0,
    nodes: top.Plan,
  };
}

/**
 * The state of the code measured: HEAD, and a digest of the query, projector and read-model sources (the tree may have
 * uncommitted changes).
 */
function codeState(): Record<string, string> {
  const head = (() => {
    try {
      return execFileSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: REPO_ROOT, encoding: 'utf8' }).trim();
    } catch {
      return 'unknown';
    }
  })();
  const files = [
    'services/run/query/routes.ts',
    'services/run/query/pipelines.ts',
    'services/run/query/jobs.ts',
    'services/run/query/stats.ts',
    'services/run/query/main.ts',
    'services/lib/readmodel/tables.ts',
    'services/lib/readmodel/versions.ts',
  ];
  const h = createHash('sha256');
  for (const f of files) h.update(readFileSync(join(REPO_ROOT, f)));
  return { head, sources_sha256: h.digest('hex').slice(0, 16), sources: files.join(' ') };
}

// ---------------------------------------------------------------------------------------------------

async function main(): Promise<void> {
  for (const [k, v] of Object.entries({
    BENCH_JOBS: JOBS,
    BENCH_CONCURRENCY: CONCURRENCY,
    BENCH_DURATION_S: DURATION_S,
    BENCH_VARIANTS: VARIANTS,
  })) {
    if (!Number.isFinite(v) || v < 1) throw new Error(`${k} must be a positive number`);
  }
  const started = Date.now();
  const mainUrl = loadConfig().databaseUrl;
  const seed = await ensureSeeded(mainUrl, DATABASE, JOBS, progress);
  const service = await startQuery(
    loadQueryConfig({
      ...process.env,
      DATABASE_URL: seed.url,
      QUERY_PORT: '0',
      QUERY_TOKENS: `bench:${TOKEN}:*`,
      QUERY_STREAM: 'off',
      QUERY_FEEDBACK: 'off',
      LOG_LEVEL: 'warn',
    }),
  );
  const baseUrl = `http://127.0.0.1:${service.port}`;
  const pool = createPool(seed.url, 2);
  const restore = installRecorder();
  let restored = false;
  try {
    progress(`query service on ${baseUrl} over ${seed.database}; sampling rows`);
    const s = await sample(pool, seed);
    progress(
      `sampled ${s.pipelines.length} pipelines, ${s.jobs.length} jobs; biggest project ${s.biggest} (${s.projects[0]!.pipelines} pipelines), smallest ${s.projects.at(-1)!.project} (${s.projects.at(-1)!.pipelines})`,
    );

    // Record the SQL of every variant (one request at a time, so every statement belongs to it).
    const list = routes(s, VARIANTS);
    const recorded: { route: Route; steps: Steps[]; statements: number[]; bytes: number[] }[] = [];
    routes: for (const r of list) {
      const steps: Steps[] = [];
      const statements: number[] = [];
      const bytes: number[] = [];
      for (const path of r.paths) {
        recording = [];
        const res = await fetch(baseUrl + path, { headers: { authorization: `Bearer ${TOKEN}` } });
        const body = await res.arrayBuffer();
        const recs = recording;
        recording = undefined;
        if (res.status === 404 && r.optional) {
          progress(`skipped ${r.name}: ${r.route} answers 404 in this release`);
          continue routes;
        }
        if (res.status !== 200)
          throw new Error(`${path} answered ${res.status}: ${Buffer.from(body).toString('utf8').slice(0, 300)}`);
        if (recs.some((x) => x.end === Infinity)) await new Promise((resolve) => setTimeout(resolve, 5));
        steps.push(toSteps(recs));
        statements.push(recs.length);
        bytes.push(body.byteLength);
      }
      recorded.push({ route: r, steps, statements, bytes });
      progress(
        `recorded ${r.name}: ${statements[0]} statement(s) per request (${steps[0]!.map((g) => g.length).join(' then ')}), ~${Math.round(bytes.reduce((a, b) => a + b, 0) / bytes.length)} B per answer`,
      );
    }
    restore();
    restored = true;

    // Load, route by route: warm-up, then API and SQL baseline alternating.
    const results: Record<string, unknown>[] = [];
    const loads: number[] = [loadavg()[0]!];
    for (const { route, steps, statements, bytes } of recorded) {
      progress(
        `${route.name}: warm-up ${WARMUP_S} s, API ${DURATION_S} s, SQL ${DURATION_S} s at concurrency ${CONCURRENCY}`,
      );
      await runDriver({
        mode: 'http',
        durationMs: WARMUP_S * 1000,
        concurrency: CONCURRENCY,
        baseUrl,
        token: TOKEN,
        paths: route.paths,
      });
      const apiOut: DriverOutput[] = [];
      const sqlOut: DriverOutput[] = [];
      const slice = (DURATION_S * 1000) / ROUNDS;
      for (let round = 0; round < ROUNDS; round++) {
        apiOut.push(
          await runDriver({
            mode: 'http',
            durationMs: slice,
            concurrency: CONCURRENCY,
            baseUrl,
            token: TOKEN,
            paths: route.paths,
          }),
        );
        sqlOut.push(
          await runDriver({ mode: 'sql', durationMs: slice, concurrency: CONCURRENCY, dbUrl: seed.url, steps }),
        );
      }
      const api = summarize(merge(apiOut));
      const sql = summarize(merge(sqlOut));
      loads.push(loadavg()[0]!);
      const row = {
        what: 'route',
        name: route.name,
        route: route.route,
        statements_per_request: statements[0],
        avg_answer_bytes: Math.round(bytes.reduce((a, b) => a + b, 0) / bytes.length),
        api,
        sql,
        p99_ratio_api_over_sql: Math.round((api.p99_ms / sql.p99_ms) * 100) / 100,
        throughput_ratio_api_over_sql: Math.round((api.req_per_s / sql.req_per_s) * 100) / 100,
      };
      console.log(JSON.stringify(row));
      progress(
        `  API p50 ${api.p50_ms} p99 ${api.p99_ms} ms ${api.req_per_s}/s (errors ${api.errors}) · SQL p50 ${sql.p50_ms} p99 ${sql.p99_ms} ms ${sql.req_per_s}/s (errors ${sql.errors})`,
      );
      results.push(row);
    }

    // EXPLAIN (ANALYZE, BUFFERS) of the recorded statements of variants 0 (biggest project) and 1.
    progress('EXPLAIN (ANALYZE, BUFFERS) of the recorded statements');
    const explains: Explained[] = [];
    for (const { route, steps } of recorded) {
      for (const v of [0, 1]) {
        for (const stmt of steps[v]!.flat()) explains.push(await explain(pool, route.name, v, route.paths[v]!, stmt));
      }
    }
    for (const e of explains)
      console.log(
        JSON.stringify({
          what: 'explain',
          route: e.route,
          variant: e.variant,
          seq_scan: e.seq_scan,
          execution_ms: e.execution_ms,
          plan: e.plan,
        }),
      );
    const seqScans = explains.filter((e) => e.seq_scan);

    const date = new Date().toISOString();
    const wallS = Math.round((Date.now() - started) / 1000);
    const code = codeState();
    const settings = {
      concurrency: CONCURRENCY,
      duration_s: DURATION_S,
      rounds: ROUNDS,
      warmup_s: WARMUP_S,
      variants_per_route: VARIANTS,
      load_average_1m: loads,
      service_pool: POOL,
      sql_pool: POOL,
      page_size_default: loadQueryConfig({}).pageSizeDefault,
    };
    const sz = seed.size;
    const fmt = (l: Latency) => `${l.p50_ms} / ${l.p95_ms} / ${l.p99_ms}`;
    const md = [
      `# Query API benchmark — ${date}`,
      '',
      `Machine: ${machine('Kafka, registry, Postgres, the query service and the load clients')}. Command: \`${process.env.BENCH_JOBS ? `BENCH_JOBS=${process.env.BENCH_JOBS} ` : ''}npx tsx load-tests/query/run.ts\` (whole run ${wallS} s). Code: HEAD ${code.head}, sources digest ${code.sources_sha256} (uncommitted changes included).`,
      '',
      `Data: database \`${seed.database}\` (separate from \`verity\`, same server; ${KEEP_DB ? 'kept' : 'dropped afterwards'}), read-model version ${seed.version} (\`${seed.schema}\`, active, served through the \`rm\` views): **${seed.jobs.toLocaleString('en-US')} job rows**, ${seed.pipelines.toLocaleString('en-US')} pipelines, ${seed.flaky_jobs.toLocaleString('en-US')} flaky jobs over 90 days, 200 projects (biggest \`${s.biggest}\` ${s.projects[0]!.pipelines.toLocaleString('en-US')} pipelines, smallest ${s.projects.at(-1)!.pipelines.toLocaleString('en-US')}). ${seed.reused ? `Reused from an earlier run (loaded in ${Math.round(seed.load_ms / 1000)} s then)` : `Loaded in ${Math.round(seed.load_ms / 1000)} s`} (${Object.entries(
        seed.phases_ms,
      )
        .filter(([k]) => k.endsWith('_ms'))
        .map(([k, v]) => `${k.replace(/_ms$/, '')} ${Math.round(v / 1000)} s`)
        .join(', ')}). Derived rows: ${
        Object.entries(seed.phases_ms)
          .filter(([k]) => k.startsWith('rows_'))
          .map(([k, v]) => `${k.slice(5)} ${v.toLocaleString('en-US')}`)
          .join(', ') || 'none'
      }. Sizes: database ${sz.database}, jobs ${sz.jobs}, pipelines ${sz.pipelines}.`,
      '',
      `Load: ${CONCURRENCY} concurrent closed-loop clients per route for ${DURATION_S} s (after ${WARMUP_S} s of warm-up), ${VARIANTS} request variants per route cycled (project filters weighted by project size; variant 0 is the biggest project, variant 1 the median one), in a worker thread; API and SQL alternate in ${ROUNDS} rounds of ${DURATION_S / ROUNDS} s each. Load average (1 min) of the machine over the run ${Math.min(...loads).toFixed(1)}–${Math.max(...loads).toFixed(1)} on 2 cores (other work on the machine included). API: the real query service (startQuery, pool of ${POOL}) over HTTP keep-alive with a \`*\` read token. SQL baseline: the very statements the service issued for the same variants (recorded from pg), replayed straight through pg (pool of ${POOL}, rows as text), with the same sequencing: the database ceiling.`,
      '',
      '| route | statements / request | API p50 / p95 / p99 ms | API req/s | SQL p50 / p95 / p99 ms | SQL req/s | p99 API / SQL | errors |',
      '| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |',
      ...results.map((r) => {
        const api = r.api as Latency;
        const sql = r.sql as Latency;
        return `| ${r.name} \`${r.route}\` | ${r.statements_per_request} | ${fmt(api)} | ${api.req_per_s} | ${fmt(sql)} | ${sql.req_per_s} | ${(r.p99_ratio_api_over_sql as number).toFixed(2)} | ${api.errors + sql.errors} |`;
      }),
      '',
      `## EXPLAIN (ANALYZE, BUFFERS) over ${seed.jobs.toLocaleString('en-US')} job rows`,
      '',
      `Every statement the service issued for variants 0 (biggest project, \`${s.biggest}\`) and 1 (median project, \`${s.median}\`, ${s.projects.find((p) => p.project === s.median)!.pipelines.toLocaleString('en-US')} pipelines) of each route. Seq Scan: **${seqScans.length === 0 ? 'none' : `${seqScans.length} statement(s)`}** (target: none).`,
      '',
      '| route | variant | plan | Seq Scan | Sort | exec ms | rows removed by filter | buffers hit / read |',
      '| --- | ---: | --- | :---: | :---: | ---: | ---: | ---: |',
      ...explains.map(
        (e) =>
          `| ${e.route} | ${e.variant} \`${e.path.length > 60 ? `${e.path.slice(0, 57)}…` : e.path}\` | ${e.plan} | ${e.seq_scan ? '**yes**' : 'no'} | ${e.sort ? 'yes' : 'no'} | ${e.execution_ms} | ${e.rows_removed_by_filter} | ${e.shared_hit} / ${e.shared_read} |`,
      ),
      '',
    ].join('\n');
    writeResults(
      'query',
      date,
      {
        machine: machine(),
        command: 'npx tsx load-tests/query/run.ts',
        wall_s: wallS,
        code,
        settings,
        seed,
        sample: { biggest: s.biggest, projects: s.projects },
        results,
        seq_scans: seqScans.length,
        explains,
      },
      md,
    );
  } finally {
    if (!restored) restore();
    await service.stop().catch(() => undefined);
    await pool.end().catch(() => undefined);
    if (!KEEP_DB) {
      progress(`dropping ${DATABASE} (BENCH_KEEP_DB=1 keeps it)`);
      await dropDatabase(mainUrl, DATABASE).catch((e: Error) => progress(`dropping ${DATABASE} failed: ${e.message}`));
    }
  }
}

if (isMainThread) {
  main().then(
    () => process.exit(0),
    (err: unknown) => {
      console.error(err);
      process.exit(1);
    },
  );
} else {
  drive(workerData as DriverInput).then(
    (out) => parentPort!.postMessage(out),
    (err: unknown) => {
      throw err;
    },
  );
}
