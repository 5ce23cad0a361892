// Query API benchmark (QUALITY.md "query API": p99 latency of list/detail under concurrent load with 10M
// job rows; indexes used, no seq scans on hot paths).
//   npx tsx load-tests/query/run.ts            (BENCH_JOBS=10000000 by default; =300000 for a smoke run)
// Env: BENCH_JOBS, BENCH_CONCURRENCY (16), BENCH_DURATION_S (20 per route and side), BENCH_ROUNDS (2),
// BENCH_WARMUP_S (3), BENCH_VARIANTS (1000 requests per route, cycled), BENCH_DB (verity_bench_query),
// BENCH_KEEP_DB=1 keeps the seeded database (a rerun at the same BENCH_JOBS then reuses it).
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
//    the clients do not share the service's event loop), first over HTTP (node:http, keep-alive), then the
//    recorded SQL straight through pg with a pool of 10 connections, the service's pool size (the
//    database ceiling; rows as text, no mapping). Result: p50/p95/p99 and req/s per route, API p99 / SQL p99.
// 5. EXPLAIN (ANALYZE, BUFFERS) of every recorded statement of variants 0 and 1 of each route: any Seq Scan?
// A route not in QUALITY.md's list, GET /v1/remediations, is measured too as context when the release has it.
//
// This file runs the steps in order; each has its own file: seed.ts and seed-sql.ts (1), routes.ts and
// recorder.ts (3), load.ts, driver.ts and latency.ts (4), explain.ts (5), report.ts (the results);
// settings.ts holds the environment's settings.
import { loadavg } from 'node:os';
import { loadConfig } from '../../services/lib/platform/config/index.js';
import { createPool } from '../../services/lib/platform/db/client.js';
import { loadQueryConfig, startQuery } from '../../services/run/query/index.js';
import { explainRecorded } from './explain.js';
import { loadRoute, type RouteResult } from './load.js';
import { recordRoutes } from './recorder.js';
import { writeQueryResults } from './report.js';
import { routes, sample } from './routes.js';
import { dropDatabase, ensureSeeded } from './seed.js';
import { checkSettings, DATABASE, JOBS, KEEP_DB, TOKEN, VARIANTS } from './settings.js';

const progress = (msg: string) =>
  process.stderr.write(`[query-bench ${new Date().toISOString().slice(11, 19)}] ${msg}\n`);

async function main(): Promise<void> {
  checkSettings();
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
  try {
    progress(`query service on ${baseUrl} over ${seed.database}; sampling rows`);
    const s = await sample(pool, seed);
    progress(
      `sampled ${s.pipelines.length} pipelines, ${s.jobs.length} jobs; biggest project ${s.biggest} (${s.projects[0]!.pipelines} pipelines), smallest ${s.projects.at(-1)!.project} (${s.projects.at(-1)!.pipelines})`,
    );

    // Record the SQL of every variant (one request at a time, so every statement belongs to it).
    const recorded = await recordRoutes(routes(s, VARIANTS), baseUrl, progress);

    // Load, route by route: warm-up, then API and SQL baseline alternating.
    const results: RouteResult[] = [];
    const loads: number[] = [loadavg()[0]!];
    for (const r of recorded) {
      results.push(await loadRoute(r, baseUrl, seed.url, progress));
      loads.push(loadavg()[0]!);
    }

    progress('EXPLAIN (ANALYZE, BUFFERS) of the recorded statements');
    const explains = await explainRecorded(pool, recorded);
    writeQueryResults({ started, seed, s, results, explains, loads });
  } finally {
    await service.stop().catch(() => undefined);
    await pool.end().catch(() => undefined);
    if (!KEEP_DB) {
      progress(`dropping ${DATABASE} (BENCH_KEEP_DB=1 keeps it)`);
      await dropDatabase(mainUrl, DATABASE).catch((e: Error) => progress(`dropping ${DATABASE} failed: ${e.message}`));
    }
  }
}

main().then(
  () => process.exit(0),
  (err: unknown) => {
    console.error(err);
    process.exit(1);
  },
);
