// The load phase of one route: a warm-up over HTTP, then BENCH_CONCURRENCY closed-loop clients against the
// API and against its recorded SQL straight through pg, alternating in BENCH_ROUNDS rounds that share
// BENCH_DURATION_S per side (so that load from other processes hits both alike); the route's result row.
import { runDriver, type DriverOutput } from './driver.js';
import { merge, summarize } from './latency.js';
import type { RecordedRoute } from './recorder.js';
import { CONCURRENCY, DURATION_S, ROUNDS, TOKEN, WARMUP_S } from './settings.js';

/** Loads the route (the service at baseUrl, the seeded database at dbUrl); prints and answers its row. */
export async function loadRoute(
  { route, steps, statements, bytes }: RecordedRoute,
  baseUrl: string,
  dbUrl: string,
  log: (msg: string) => void,
) {
  log(`${route.name}: warm-up ${WARMUP_S} s, API ${DURATION_S} s, SQL ${DURATION_S} s at concurrency ${CONCURRENCY}`);
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
    sqlOut.push(await runDriver({ mode: 'sql', durationMs: slice, concurrency: CONCURRENCY, dbUrl, steps }));
  }
  const api = summarize(merge(apiOut));
  const sql = summarize(merge(sqlOut));
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
  log(
    `  API p50 ${api.p50_ms} p99 ${api.p99_ms} ms ${api.req_per_s}/s (errors ${api.errors}) · SQL p50 ${sql.p50_ms} p99 ${sql.p99_ms} ms ${sql.req_per_s}/s (errors ${sql.errors})`,
  );
  return row;
}

/** A route's row of query.json: its API and SQL latencies and their ratios. */
export type RouteResult = Awaited<ReturnType<typeof loadRoute>>;
