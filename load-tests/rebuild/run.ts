// Rebuild benchmark (QUALITY.md "rebuild": full read-model rebuild of 1M events ≥ 50% of raw consume).
//   npx tsx load-tests/rebuild/run.ts                 (BENCH_EVENTS=1000000 by default; =50000 for a smoke run)
// Writes load-tests/results/rebuild.json and .md (the current result) and a row of HISTORY.md.
//
// Without arguments this script runs itself again as a phase (`--phase`) in a child process under a
// fresh VERITY_TOPIC_PREFIX (load-tests/lib.ts runPhase), so production topics are never touched. The
// phase:
//  1. creates a scratch database (verity_bench_rebuild_<time>) on the same Postgres server and applies
//     the platform setup to it (prefixed topics, schemas, migrations): `rebuild()` reads and swaps the
//     `rm` views and read_model_versions of the database it is given, so it runs here UNCHANGED — the
//     real `verity rebuild` path (services/run/projector/rebuild.ts), not a stand-in — without ever touching
//     the read model that the `verity` database serves;
//  2. produces BENCH_EVENTS canonical events decided by the real core from the write-side traffic
//     generator (load-tests/write-side/traffic.ts: JobFailed with a 4 KiB log excerpt, others ~0.5 KiB);
//  3. measures, on that same topic: raw kafkajs consume (the baseline), raw consume + registry decode
//     (context), and `rebuild()` from offset 0 until caught up with the end offsets, swap included;
//  4. checks the rebuilt read model (one pipeline row per PipelineCreated, one job row per JobCreated),
//     then drops the prefixed topics and consumer groups and the scratch database.
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import type pg from 'pg';
import { v7 as uuidv7 } from 'uuid';
import type { PipelineEvent } from '../../services/lib/core/events/generated.js';
import { decideBatch } from '../../services/run/decider/index.js';
import { loadConfig } from '../../services/lib/platform/config/index.js';
import { createPool } from '../../services/lib/platform/db/client.js';
import { REPO_ROOT } from '../../services/lib/platform/schemas/catalog.js';
import { createKafka } from '../../services/lib/platform/kafka/client.js';
import { TOPIC_PREFIX, TOPICS } from '../../services/lib/platform/kafka/topics.js';
import { createLogger } from '../../services/lib/platform/log.js';
import { EventCodec } from '../../services/lib/platform/registry/codec.js';
import { setupPlatform } from '../../services/lib/platform/setup.js';
import { loadProjectorConfig } from '../../services/run/projector/index.js';
import { rebuild } from '../../services/run/projector/index.js';
import { adminQuery, dropPrefixed, machine, ratioTable, rawConsume, runPhase, withDatabase } from '../lib.js';
import type { Ratio, Row } from '../lib.js';
import { writeResults } from '../result-files.js';
import { fixedMix } from '../../services/tools/generator/index.js';

/**
 * The state of the code measured: HEAD, and a digest of the projector sources (the tree may have uncommitted changes).
 */
function codeState(): Record<string, string> {
  let head = 'unknown';
  try {
    head = execFileSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: REPO_ROOT, encoding: 'utf8' }).trim();
  } catch {
    // not a git checkout
  }
  const dir = join(REPO_ROOT, 'services/run/projector');
  const files = readdirSync(dir)
    .filter((f) => f.endsWith('.ts') && !f.endsWith('.test.ts'))
    .sort();
  const h = createHash('sha256');
  for (const f of files) h.update(readFileSync(join(dir, f)));
  h.update(readFileSync(join(REPO_ROOT, 'services/lib/readmodel/tables.ts')));
  return { head, projector_sources_sha256: h.digest('hex').slice(0, 16) };
}

const EVENTS = Number(process.env.BENCH_EVENTS ?? 1_000_000);
/** Pipelines decided (and produced) per generator chunk: ~17 events each, so ~34k events in memory at a time. */
const CHUNK_PIPELINES = 2000;
const emit = (o: Record<string, unknown>) => console.log(JSON.stringify(o));
const rate = (n: number, ms: number) => Math.round((n / ms) * 1000);
const progress = (msg: string) =>
  process.stderr.write(`[rebuild-bench ${new Date().toISOString().slice(11, 19)}] ${msg}\n`);

/** The database URL with another database name. */
async function phase(): Promise<void> {
  if (!TOPIC_PREFIX) throw new Error('set VERITY_TOPIC_PREFIX: a benchmark never writes production topics');
  if (!Number.isInteger(EVENTS) || EVENTS < 1000)
    throw new Error(`BENCH_EVENTS must be an integer ≥ 1000, got ${process.env.BENCH_EVENTS}`);
  const mainUrl = loadConfig().databaseUrl;
  const dbName = `verity_bench_rebuild_${Date.now()}`;
  if (!/^[a-z0-9_]+$/.test(dbName)) throw new Error(`bad scratch database name ${dbName}`);
  const env = { ...process.env, DATABASE_URL: withDatabase(mainUrl, dbName), LOG_LEVEL: 'warn' };
  const config = loadConfig(env);
  const projectorConfig = loadProjectorConfig(env);
  await adminQuery(mainUrl, `CREATE DATABASE "${dbName}"`);
  progress(`scratch database ${dbName} created; topic prefix ${TOPIC_PREFIX}`);
  const kafka = createKafka(config, 'verity-bench');
  const admin = kafka.admin();
  let pool: pg.Pool | undefined;
  try {
    await setupPlatform(config); // prefixed topics, schemas (logical subjects), migrations of the scratch database
    await admin.connect();
    emit({
      what: 'settings',
      events_target: EVENTS,
      partitions: config.topicPartitions,
      projector_concurrency: projectorConfig.concurrency,
      projector_max_bytes_per_partition: projectorConfig.maxBytesPerPartition,
      projector_session_timeout_ms: projectorConfig.sessionTimeoutMs,
      upsert_rows_per_statement: 1000,
      pool_size: 4,
      scratch_database: dbName,
      prefix: TOPIC_PREFIX,
    });

    // 1. Canonical events, decided by the real core, produced chunk by chunk (never 1M in memory).
    const codec = await EventCodec.forTopic<PipelineEvent>(config.schemaRegistryUrl, TOPICS.pipelineEvents);
    const producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
    await producer.connect();
    const counts: Record<string, number> = {};
    let produced = 0;
    let bytes = 0;
    let pipelines = 0;
    const p0 = performance.now();
    let lastReport = 0;
    for (let chunk = 0; produced < EVENTS; chunk++) {
      const { records } = fixedMix(CHUNK_PIPELINES, 1000 + chunk);
      const { events } = decideBatch(new Map(), records, {
        now: new Date().toISOString(),
        newEventId: uuidv7,
        newJobId: uuidv7,
      });
      // A prefix of the decided events: every pipeline keeps a gap-free prefix of its seq.
      const take = events.slice(0, EVENTS - produced);
      const messages = await Promise.all(take.map((e) => codec.toMessage(e, 'bench')));
      for (let i = 0; i < messages.length; i += 2000)
        await producer.send({ topic: TOPICS.pipelineEvents, acks: -1, messages: messages.slice(i, i + 2000) });
      for (const e of take) counts[e.type] = (counts[e.type] ?? 0) + 1;
      for (const m of messages) bytes += (m.value as Buffer).length;
      produced += take.length;
      pipelines += CHUNK_PIPELINES;
      if (performance.now() - lastReport > 5000) {
        lastReport = performance.now();
        progress(`produced ${produced}/${EVENTS} events (${rate(produced, performance.now() - p0)}/s)`);
      }
    }
    await producer.disconnect();
    const produceMs = performance.now() - p0;
    const offsets = await admin.fetchTopicOffsets(TOPICS.pipelineEvents);
    const onTopic = offsets.reduce((n, o) => n + Number(BigInt(o.high) - BigInt(o.low)), 0);
    const loadBefore = loadavg()[0]!;
    emit({
      what: 'events',
      events: produced,
      on_topic: onTopic,
      pipelines_generated: pipelines,
      avg_bytes: Math.round(bytes / produced),
      total_mib: Math.round(bytes / 2 ** 20),
      by_type: counts,
      generate_and_produce_ms: Math.round(produceMs),
      per_s: rate(produced, produceMs),
    });
    progress(`produced ${produced} events (${Math.round(bytes / 2 ** 20)} MiB) in ${(produceMs / 1000).toFixed(1)} s`);

    // 2. Baseline: raw kafkajs consume of the same topic (timed from the first batch).
    progress('raw kafkajs consume…');
    const rawMs = await rawConsume(kafka, TOPICS.pipelineEvents, produced);
    emit({ what: 'raw_consume', msgs: produced, ms: Math.round(rawMs), per_s: rate(produced, rawMs) });
    progress(`raw consume: ${rate(produced, rawMs)} events/s`);

    // 3. Context: raw consume + the registry codec's decode and validation, as the projector does per record.
    progress('raw consume + decode…');
    const decodeMs = await rawConsume(kafka, TOPICS.pipelineEvents, produced, (v) => codec.decode(v));
    emit({ what: 'consume_decode', msgs: produced, ms: Math.round(decodeMs), per_s: rate(produced, decodeMs) });
    progress(`raw consume + decode: ${rate(produced, decodeMs)} events/s`);

    // 4. The real rebuild: version 1 (fresh, active) → version 2 built from offset 0, swapped, v1 dropped.
    pool = createPool(config.databaseUrl, 4); // the pool `verity rebuild` opens
    // Where the time goes: the scratch database's counters (transactions, rollbacks, deadlocks, time its
    // backends were busy) and this process's CPU time, over the rebuild.
    const dbStats = async () => {
      const r = await pool!.query<{ commits: string; rollbacks: string; deadlocks: string; active_ms: number }>(
        'SELECT xact_commit::text AS commits, xact_rollback::text AS rollbacks, deadlocks::text AS deadlocks, active_time AS active_ms FROM pg_stat_database WHERE datname = current_database()',
      );
      const row = r.rows[0]!;
      return {
        commits: Number(row.commits),
        rollbacks: Number(row.rollbacks),
        deadlocks: Number(row.deadlocks),
        activeMs: Number(row.active_ms),
      };
    };
    const db0 = await dbStats();
    const cpu0 = process.cpuUsage();
    let firstAt = 0; // first progress call that saw an applied event (250 ms resolution)
    let caughtUpAt = 0; // rebuild() calls progress once more when caught up, before the swap
    let lastProgress = 0;
    progress(`rebuild (projector concurrency ${projectorConfig.concurrency}, ${config.topicPartitions} partitions)…`);
    const t0 = performance.now();
    const report = await rebuild(projectorConfig, pool, createLogger('rebuild-bench', 'warn'), {
      timeoutMs: 35 * 60_000,
      progress: (done, total, elapsedMs) => {
        if (firstAt === 0 && done > 0) firstAt = performance.now();
        caughtUpAt = performance.now();
        if (Date.now() - lastProgress > 5000) {
          lastProgress = Date.now();
          progress(`rebuild ${done}/${total} events, ${elapsedMs > 0 ? Math.round((done / elapsedMs) * 1000) : 0}/s`);
        }
      },
    });
    const wallMs = performance.now() - t0;
    const cpu = process.cpuUsage(cpu0);
    await new Promise((r) => setTimeout(r, 1500)); // let the backends flush their statistics
    await pool.query('SELECT pg_stat_clear_snapshot()');
    const db1 = await dbStats();
    const transactions = db1.commits - db0.commits;
    const steadyMs = firstAt > 0 ? caughtUpAt - firstAt : wallMs;
    emit({
      what: 'rebuild',
      from_version: report.from,
      to_version: report.to,
      events: report.events,
      ms: report.ms,
      per_s: rate(report.events, report.ms),
      call_wall_ms: Math.round(wallMs),
      join_ms: Math.round(firstAt - t0),
      swap_and_drop_ms: Math.round(t0 + wallMs - caughtUpAt),
      from_first_event_ms: Math.round(steadyMs),
      from_first_event_per_s: rate(report.events, steadyMs),
      old_version_dropped: report.dropped,
      load_average_1m: {
        before_baselines: Math.round(loadBefore * 10) / 10,
        after_rebuild: Math.round(loadavg()[0]! * 10) / 10,
      },
      db_transactions: transactions,
      avg_events_per_transaction: transactions > 0 ? Math.round(report.events / transactions) : null,
      db_rollbacks: db1.rollbacks - db0.rollbacks,
      db_deadlocks: db1.deadlocks - db0.deadlocks,
      db_backends_active_s: Math.round((db1.activeMs - db0.activeMs) / 100) / 10,
      node_cpu_s: Math.round((cpu.user + cpu.system) / 100_000) / 10,
    });
    progress(
      `rebuild: ${report.events} events in ${(report.ms / 1000).toFixed(1)} s (${rate(report.events, report.ms)}/s)`,
    );

    // 5. The rebuilt read model, through the swapped `rm` views.
    const r = await pool.query<{ pipelines: string; jobs: string; active: number }>(
      "SELECT (SELECT count(*) FROM rm.pipelines)::text AS pipelines, (SELECT count(*) FROM rm.jobs)::text AS jobs, (SELECT active FROM read_model_versions WHERE projection = 'pipelines') AS active",
    );
    const row = r.rows[0]!;
    const check = {
      what: 'read_model',
      active_version: row.active,
      pipelines: Number(row.pipelines),
      expected_pipelines: counts.PipelineCreated ?? 0,
      jobs: Number(row.jobs),
      expected_jobs: counts.JobCreated ?? 0,
    };
    emit({
      ...check,
      ok:
        check.pipelines === check.expected_pipelines &&
        check.jobs === check.expected_jobs &&
        check.active_version === report.to,
    });
  } finally {
    progress('cleaning up: prefixed topics, consumer groups, scratch database');
    await pool?.end().catch(() => undefined);
    await dropPrefixed(admin).catch((e: Error) => progress(`dropping prefixed topics failed: ${e.message}`));
    await admin.disconnect().catch(() => undefined);
    await adminQuery(mainUrl, `DROP DATABASE IF EXISTS "${dbName}" WITH (FORCE)`).catch((e: Error) =>
      progress(`dropping ${dbName} failed: ${e.message}`),
    );
  }
}

function orchestrate(): void {
  const started = Date.now();
  const rows = runPhase('rebuild/run.ts', 'rebuild', {}, ['--phase']);
  const wallS = Math.round((Date.now() - started) / 1000);
  const get = (what: string): Row => {
    const row = rows.find((x) => x.what === what);
    if (!row) throw new Error(`the phase printed no "${what}" line`);
    return row;
  };
  const settings = get('settings');
  const events = get('events');
  const raw = get('raw_consume').per_s as number;
  const decode = get('consume_decode').per_s as number;
  const rb = get('rebuild');
  const check = get('read_model');
  const results: Ratio[] = [
    { metric: 'raw kafkajs consume (events/s)', value: raw, baseline: '—', ratio: '—', target: 'baseline' },
    {
      metric: 'raw consume + registry decode/validate (events/s)',
      value: decode,
      baseline: `raw consume ${raw}`,
      ratio: decode / raw,
      target: 'context: the decode ceiling',
    },
    {
      metric: '`verity rebuild` path: rebuild() wall time, join + build + swap + drop (events/s)',
      value: rb.per_s as number,
      baseline: `raw consume ${raw}`,
      ratio: (rb.per_s as number) / raw,
      target: '≥ 0.50',
    },
    {
      metric: 'rebuild from its first applied batch (events/s)',
      value: rb.from_first_event_per_s as number,
      baseline: `raw consume ${raw}`,
      ratio: (rb.from_first_event_per_s as number) / raw,
      target: 'context (same clock start as raw)',
    },
  ];
  const byType = Object.entries(events.by_type as Record<string, number>)
    .map(([t, n]) => `${t} ${n}`)
    .join(', ');
  const date = new Date().toISOString();
  const code = codeState();
  const md = [
    `# Rebuild benchmark — ${date}`,
    '',
    `Machine: ${machine()}. Command: \`${process.env.BENCH_EVENTS ? `BENCH_EVENTS=${process.env.BENCH_EVENTS} ` : ''}npx tsx load-tests/rebuild/run.ts\` (whole run ${wallS} s). Code: HEAD ${code.head}, projector sources digest ${code.projector_sources_sha256} (uncommitted changes included).`,
    '',
    `Events: ${events.events} canonical events (${events.total_mib} MiB, avg ${events.avg_bytes} B) decided by the real core from the write-side traffic generator, on ${settings.partitions} partitions under prefix \`${settings.prefix}\`: ${byType}. Generated and produced in ${Math.round((events.generate_and_produce_ms as number) / 1000)} s.`,
    '',
    `What ran: \`rebuild()\` of services/run/projector/rebuild.ts unchanged (what \`verity rebuild\` runs), against a scratch database \`${settings.scratch_database}\` on the same server (migrated by the platform setup, dropped afterwards): version ${rb.from_version} (fresh, active) → version ${rb.to_version} built from offset 0 with its own consumer group until caught up with the end offsets, \`rm\` views swapped, version ${rb.from_version} ${rb.old_version_dropped ? 'dropped' : 'kept'}. Rebuild wall time ${((rb.ms as number) / 1000).toFixed(1)} s (${((rb.from_first_event_ms as number) / 1000).toFixed(1)} s from the first applied batch to caught up; ${((rb.join_ms as number) / 1000).toFixed(1)} s to create the version and join the group; ${((rb.swap_and_drop_ms as number) / 1000).toFixed(1)} s to swap and drop); raw consume ${Math.round((get('raw_consume').ms as number) / 1000)} s.`,
    '',
    `Projector settings: PROJECTOR_CONCURRENCY=${settings.projector_concurrency} (partitions consumed concurrently), PROJECTOR_MAX_BYTES_PER_PARTITION=${settings.projector_max_bytes_per_partition} (fetch size, hence batch size), ${settings.upsert_rows_per_statement} rows per upsert statement, pool of ${settings.pool_size}, PROJECTOR_SESSION_TIMEOUT_MS=${settings.projector_session_timeout_ms}. Observed during the rebuild: ~${rb.db_transactions} committed transactions in the scratch database (~${rb.avg_events_per_transaction} events per batch), ${rb.db_rollbacks} rolled back, **${rb.db_deadlocks} deadlocks** (each a batch retried by kafkajs); Postgres backends busy ${rb.db_backends_active_s} s and the benchmark process (projector) on CPU ${rb.node_cpu_s} s, of ${((rb.ms as number) / 1000).toFixed(0)} s wall on 2 cores. Machine load average (1 min, other work on the machine included): ${(rb.load_average_1m as { before_baselines: number }).before_baselines} before the baselines, ${(rb.load_average_1m as { after_rebuild: number }).after_rebuild} after the rebuild.`,
    '',
    ...ratioTable(results),
    '',
    `Read model after the swap: ${check.pipelines} pipelines (expected ${check.expected_pipelines}), ${check.jobs} jobs (expected ${check.expected_jobs}), active version ${check.active_version}: ${check.ok ? 'OK' : 'MISMATCH'}.`,
    '',
  ].join('\n');
  writeResults(
    'rebuild',
    date,
    {
      machine: machine(),
      command: 'npx tsx load-tests/rebuild/run.ts',
      code,
      events_target: EVENTS,
      wall_s: wallS,
      rows,
      results,
    },
    md,
  );
  if (check.ok !== true) process.exitCode = 1;
}

if (process.argv.includes('--phase')) {
  phase().then(
    () => process.exit(0),
    (err: unknown) => {
      console.error(err);
      process.exit(1);
    },
  );
} else {
  orchestrate();
}
