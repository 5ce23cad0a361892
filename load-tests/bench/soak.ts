// Memory soak (QUALITY.md "memory": RSS of each service under sustained load, flat over a 10-minute
// soak), `make soak`:
//   npx tsx load-tests/bench/soak.ts      BENCH_SOAK_MINUTES=10 (BENCH_PROFILE=quick: 2), BENCH_SOAK_RATE=300 reports/s
// Writes load-tests/results/soak.json and .md, and soak-rss.svg (RSS over time): the current result,
// overwritten by the next soak; and a row of load-tests/results/HISTORY.md.
//
// Isolation: every service runs under its own VERITY_TOPIC_PREFIX (topics, consumer groups,
// transactional ids) AND against a scratch database (verity_bench_soak_<time>) on the same Postgres
// server, set up by `verity setup` like a fresh installation. A scratch projection/version inside the
// `verity` database (as the end-to-end benchmark does) is not enough here: ingest writes log tails to
// the log store, the projector service follows the active version, and the query API, remediator and
// scorer read the `rm` views — all of the `verity` database. Topics, groups and the database are
// dropped at the end; schema subjects keep their logical names (registered idempotently, untouched).
//
// 1. `bin/verity setup` (prefixed topics, schemas, migrations of the scratch database);
// 2. starts each service of services/tools/cli/main.ts as a child process, `bin/verity <service>` (ingest,
//    decider, projector, query, remediator with the heuristic provider, scorer; one missing from this
//    tree is skipped), every one on a free port;
// 3. open-loop traffic for BENCH_SOAK_MINUTES: BENCH_SOAK_RATE reports/s as bulk NDJSON, whole pipelines
//    per request (the generator's fixed mix: one pipeline in five fails with a 4 KiB log tail),
//    plus one query API list + detail a second;
// 4. every 5 s: VmRSS of each service process (/proc/<pid>/status), its V8 used heap and external memory
//    (its /metrics), and the projector's /stats (end-to-end lag p50/p99 over its last 50,000 events,
//    events applied);
// 5. a heap snapshot of every service at a quarter of the soak and at its end (SIGUSR2; heap.ts), compared
//    after the soak: the object groups that grew most (BENCH_SOAK_HEAP_SNAPSHOTS=0 skips them);
// 6. per service, the least-squares slope of RSS over the second half (MiB/min): "flat" if |slope| < 0.1
//    (issue 17: under 1 MiB per 10 minutes after warm-up);
// 7. stops every child (SIGTERM, SIGKILL after 15 s), drops the prefixed topics and groups and the
//    scratch database. Nothing is left running.
//
// This file runs the steps in order; each has its own file under soak/: isolation.ts (the prefix and the
// scratch database: 1 and 7), services.ts (2, RSS, stopping), traffic.ts (3, 4 and the drain), heap.ts
// (5), analysis.ts (6), report.ts (the results); settings.ts holds the environment's settings.
import { rmSync } from 'node:fs';
import { loadConfig } from '../../services/lib/platform/config/index.js';
import { withDatabase } from '../lib.js';
import { resultsDir } from '../result-files.js';
import { rssVerdicts } from './soak/analysis.js';
import { createScratchDatabase, dropIsolated, serviceEnv, veritySetup } from './soak/isolation.js';
import { RSS_SVG, writeSoakResults } from './soak/report.js';
import { available, SERVICES, start, stopAll, type Running } from './soak/services.js';
import { heapDiff, hasSnapshot, snapshotNodeOptions, takeSnapshot, type HeapDiff } from './soak/heap.js';
import { checkSettings, DB_NAME, PREFIX, SNAPSHOT_AT, SNAPSHOT_DIR, SNAPSHOTS } from './soak/settings.js';
import { drain, driveTraffic, newTrafficStats, type Sample } from './soak/traffic.js';

const progress = (msg: string) => process.stderr.write(`[soak ${new Date().toISOString().slice(11, 19)}] ${msg}\n`);

async function main(): Promise<void> {
  checkSettings();
  const mainConfig = loadConfig();
  const dbUrl = withDatabase(mainConfig.databaseUrl, DB_NAME);
  const env = serviceEnv(dbUrl);

  let stopRequested = false;
  const onSignal = (sig: string) => {
    if (stopRequested) return;
    progress(`${sig}: ending the soak early, then cleaning up`);
    stopRequested = true;
  };
  process.on('SIGINT', () => onSignal('SIGINT'));
  process.on('SIGTERM', () => onSignal('SIGTERM'));

  const running: Running[] = [];
  const date = new Date().toISOString();
  const samples: Sample[] = [];
  const stats = newTrafficStats();
  let drained: Awaited<ReturnType<typeof drain>> = { finishedInReadModel: null, drainS: null };
  let dbCreated = false;
  const snapshots = new Map<string, { before?: string | null; after?: string | null }>();
  const snapshotAll = async (when: 'before' | 'after') => {
    for (const r of running) {
      if (r.exited) continue;
      const file = await takeSnapshot(r, SNAPSHOT_DIR);
      snapshots.set(r.service, { ...snapshots.get(r.service), [when]: file });
      progress(`heap snapshot ${when} of ${r.service}: ${file ?? 'none (3 minutes)'}`);
    }
  };
  if (SNAPSHOTS) rmSync(SNAPSHOT_DIR, { recursive: true, force: true });
  try {
    await createScratchDatabase(mainConfig.databaseUrl);
    dbCreated = true;
    progress(`scratch database ${DB_NAME}, topic prefix ${PREFIX}: verity setup`);
    veritySetup(env);

    const services = available();
    const missing = SERVICES.filter((s) => !services.includes(s));
    if (missing.length) progress(`not in this tree, skipped: ${missing.join(', ')}`);
    for (const s of services) {
      const r = await start(
        s,
        SNAPSHOTS ? { ...env, NODE_OPTIONS: snapshotNodeOptions(SNAPSHOT_DIR, env.NODE_OPTIONS) } : env,
      );
      running.push(r);
      progress(`${s} started: pid ${r.pid}, port ${r.port}`);
      if (stopRequested) throw new Error('interrupted while starting the services');
    }
    await driveTraffic(
      running,
      stats,
      samples,
      () => stopRequested,
      progress,
      SNAPSHOTS ? { at: SNAPSHOT_AT, run: () => snapshotAll('before') } : undefined,
    );
    drained = await drain(dbUrl, stats.sentPipelines, () => stopRequested, progress);
    if (SNAPSHOTS) await snapshotAll('after');
  } finally {
    progress(`stopping ${running.length} service(s)`);
    await stopAll(running, progress);
    await dropIsolated(mainConfig, dbCreated, progress);
  }

  const { totalS, services } = rssVerdicts(running, samples);
  const heap: Record<string, HeapDiff> = {};
  for (const [service, { before, after }] of snapshots)
    if (hasSnapshot(before) && hasSnapshot(after)) {
      progress(`comparing ${service}'s heap snapshots`);
      heap[service] = await heapDiff(before, after);
    }
  writeSoakResults({ date, totalS, services, samples, stats, heap, ...drained });
  progress(`wrote soak.json, .md, ${RSS_SVG} and a HISTORY.md row in ${resultsDir()}`);
}

main().then(
  () => process.exit(0),
  (err: unknown) => {
    console.error(err);
    process.exit(1);
  },
);
