// The query benchmark's settings, from the environment (see run.ts), and the constants both the service
// side and the load driver use: the pool size the SQL baseline shares with the service, the read token.
// Read by the main thread and by the driver's worker thread alike.

export const JOBS = Number(process.env.BENCH_JOBS ?? 10_000_000);
export const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 16);
export const DURATION_S = Number(process.env.BENCH_DURATION_S ?? 20);
export const WARMUP_S = Number(process.env.BENCH_WARMUP_S ?? 3);
export const VARIANTS = Number(process.env.BENCH_VARIANTS ?? 1000);
/** API and SQL alternate in this many rounds per route, so that load from other processes hits both alike. */
export const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 2);
export const DATABASE = process.env.BENCH_DB ?? 'verity_bench_query';
export const KEEP_DB = process.env.BENCH_KEEP_DB === '1';
/** The query service's pool (services/run/query/main.ts createPool(…, 10)); the SQL baseline uses the same. */
export const POOL = 10;
export const TOKEN = 'bench-read-token-0123456789abcdef';

/** Throws unless the sizes are positive numbers. */
export function checkSettings(): void {
  for (const [k, v] of Object.entries({
    BENCH_JOBS: JOBS,
    BENCH_CONCURRENCY: CONCURRENCY,
    BENCH_DURATION_S: DURATION_S,
    BENCH_VARIANTS: VARIANTS,
  })) {
    if (!Number.isFinite(v) || v < 1) throw new Error(`${k} must be a positive number`);
  }
}
