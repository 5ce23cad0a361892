// The query benchmark's result: query.json (settings, seed, sample, every route's row, every EXPLAIN) and
// query.md (the data and load described, the latency table API vs SQL, the EXPLAIN table), written with
// writeResults. `code` records HEAD and a digest of the sources measured, uncommitted changes included.
import { createHash } from 'node:crypto';
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { REPO_ROOT } from '../../services/lib/platform/schemas/catalog.js';
import { loadQueryConfig } from '../../services/run/query/index.js';
import { machine } from '../lib.js';
import { writeResults } from '../result-files.js';
import type { Explained } from './explain.js';
import type { Latency } from './latency.js';
import type { RouteResult } from './load.js';
import type { Sample } from './routes.js';
import type { SeedInfo } from './seed.js';
import { CONCURRENCY, DURATION_S, KEEP_DB, POOL, ROUNDS, VARIANTS, WARMUP_S } from './settings.js';

/**
 * The state of the code measured: HEAD, and a digest of the query, projector and read-model sources (the tree may have
 * uncommitted changes).
 */
function sourcesState(): Record<string, string> {
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

/** What the query benchmark measured, from the start of the run to its last EXPLAIN. */
export interface QueryRun {
  /** Date.now() at the start. */
  started: number;
  seed: SeedInfo;
  s: Sample;
  results: RouteResult[];
  explains: Explained[];
  /** The 1-minute load average before the first route and after each. */
  loads: number[];
}

/** Writes query.json and query.md (and the HISTORY.md row). */
export function writeQueryResults({ started, seed, s, results, explains, loads }: QueryRun): void {
  const seqScans = explains.filter((e) => e.seq_scan);
  const date = new Date().toISOString();
  const wallS = Math.round((Date.now() - started) / 1000);
  const code = sourcesState();
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
  const percentiles = (l: Latency) => `${l.p50_ms} / ${l.p95_ms} / ${l.p99_ms}`;
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
      const { api, sql } = r;
      return `| ${r.name} \`${r.route}\` | ${r.statements_per_request} | ${percentiles(api)} | ${api.req_per_s} | ${percentiles(sql)} | ${sql.req_per_s} | ${r.p99_ratio_api_over_sql.toFixed(2)} | ${api.errors + sql.errors} |`;
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
}
