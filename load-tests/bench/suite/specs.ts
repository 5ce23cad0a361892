// What the suite runs: the profile (BENCH_PROFILE), every benchmark it knows with its script, its sizes
// and timeout per profile, and the selection BENCH_ONLY / BENCH_SKIP make of them. Kept apart from how a
// benchmark is run (runner.ts) so that adding a benchmark to the suite is one entry here.

type Profile = 'quick' | 'full';
export const PROFILE: Profile = (process.env.BENCH_PROFILE ?? 'full') as Profile;
if (PROFILE !== 'quick' && PROFILE !== 'full')
  throw new Error(`BENCH_PROFILE must be quick or full, got ${process.env.BENCH_PROFILE}`);

export interface Spec {
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
    name: 'webhooks',
    script: 'load-tests/bench/webhooks.ts',
    what: 'GitLab hook deliveries (one per request, 32 concurrent) accepted and end to end vs the report API, same system and run; answer p50/p99',
    args: { quick: [], full: [] },
    env: { quick: { BENCH_PIPELINES: '500' }, full: { BENCH_PIPELINES: '3000' } },
    timeoutMin: { quick: 6, full: 30 },
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

/** The benchmarks BENCH_ONLY (default: all) and BENCH_SKIP leave to run, in the suite's order. */
export function selectedSpecs(): Spec[] {
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
  return SPECS.filter((s) => (!only || only.includes(s.name)) && !skip.has(s.name));
}
