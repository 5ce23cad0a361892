// End-to-end benchmark, in its own process under VERITY_TOPIC_PREFIX (run by run.ts). Ingest and the
// decider run as child processes; the projector runs here, because it is where an event becomes
// visible: lag = read-model commit − occurred_at (the ingest clock: the traffic sends no time).
//   1. max: 3 stages of traffic as fast as bulk ingest takes it → end-to-end reports/s and events/s;
//   2. open loop at 25% and 75% of that rate for BENCH_SECONDS each → lag p50/p99.
import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { loadConfig } from '../../services/lib/platform/config/index.js';
import { createPool } from '../../services/lib/platform/db/client.js';
import { TOPIC_PREFIX } from '../../services/lib/platform/kafka/topics.js';
import { createKafka } from '../../services/lib/platform/kafka/client.js';
import { createLogger } from '../../services/lib/platform/log.js';
import { REPO_ROOT } from '../../services/lib/platform/schemas/catalog.js';
import { setupPlatform } from '../../services/lib/platform/setup.js';
import { loadProjectorConfig } from '../../services/run/projector/index.js';
import { runProjection } from '../../services/run/projector/index.js';
import { createVersion, versionSchema } from '../../services/lib/readmodel/versions.js';
import { dropPrefixed, pool as workerPool } from '../lib.js';
import { fixedMix } from '../../services/tools/generator/index.js';

const SECONDS = Number(process.env.BENCH_SECONDS ?? 20);
const MAX_PIPELINES = Number(process.env.BENCH_PIPELINES ?? 2000);
const TOKEN = 'bench-token-0123456789abcdef';
const INGEST_PORT = 18090;
const DECIDER_PORT = 18091;
const emit = (o: Record<string, unknown>) => console.log(JSON.stringify(o));

function child(service: string, env: Record<string, string>): Promise<ChildProcess> {
  const c = spawn(
    process.execPath,
    [
      '--import',
      join(REPO_ROOT, 'node_modules/tsx/dist/loader.mjs'),
      join(REPO_ROOT, `services/run/${service}/main.ts`),
    ],
    {
      env: { ...process.env, LOG_LEVEL: 'info', ...env },
      stdio: ['ignore', 'ignore', 'pipe'],
    },
  );
  let log = '';
  if (process.env.BENCH_DEBUG) c.stderr!.pipe(process.stderr);
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${service} did not start: ${log.slice(-1000)}`)), 60_000);
    c.stderr!.on('data', (d: Buffer) => {
      log = (log + d.toString()).slice(-20_000);
      if (/started|listening/.test(log)) {
        clearTimeout(timer);
        resolve(c);
      }
    });
    c.once('exit', (code) => reject(new Error(`${service} exited (${code}): ${log.slice(-1000)}`)));
  });
}

async function post(lines: string[]): Promise<void> {
  const res = await fetch(`http://127.0.0.1:${INGEST_PORT}/v1/reports:bulk`, {
    method: 'POST',
    headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/x-ndjson' },
    body: lines.join('\n'),
  });
  const text = await res.text();
  if (res.status !== 200 || text.includes('"status":4') || text.includes('"status":5'))
    throw new Error(`bulk: ${res.status} ${text.slice(0, 300)}`);
}

/** The decider's CONCURRENT_TRANSACTIONS retries so far (its /metrics); null from a decider that does not count them. */
async function deciderConflicts(): Promise<number | null> {
  const text = await (await fetch(`http://127.0.0.1:${DECIDER_PORT}/metrics`)).text();
  if (!text.includes('# TYPE verity_kafka_transaction_conflicts_total')) return null;
  return [...text.matchAll(/^verity_kafka_transaction_conflicts_total\{[^}]*\} (\S+)$/gm)].reduce(
    (n, m) => n + Number(m[1]),
    0,
  );
}
const minus = (a: number | null, b: number | null) => (a === null || b === null ? null : a - b);

async function main(): Promise<void> {
  if (!TOPIC_PREFIX) throw new Error('set VERITY_TOPIC_PREFIX');
  const config = loadConfig();
  await setupPlatform(config);
  const pool = createPool(config.databaseUrl, 4);
  const version = 700_000 + Math.floor(Math.random() * 99_999);
  const c = await pool.connect();
  await createVersion(c, version);
  c.release();
  const children: ChildProcess[] = [];
  const sentIds = new Set<string>();
  const projection = await runProjection(
    { ...loadProjectorConfig({ ...process.env, LOG_LEVEL: 'warn' }), projection: `e2e-${version}`, version },
    pool,
    version,
    createLogger('bench'),
  );
  try {
    children.push(await child('decider', { DECIDER_PORT: String(DECIDER_PORT) }));
    children.push(await child('ingest', { INGEST_PORT: String(INGEST_PORT), INGEST_TOKENS: `bench:${TOKEN}:*` }));
    const stats = projection.projector.stats;
    // Done when every pipeline sent so far is finished in the read model (what a reader would see).
    const finished = async () =>
      Number(
        (
          await pool.query<{ n: string }>(
            `SELECT count(*)::text AS n FROM "${versionSchema(version)}".pipelines WHERE finished_at IS NOT NULL`,
          )
        ).rows[0]!.n,
      );
    const waitFinished = async (target: number, timeoutMs: number) => {
      const deadline = Date.now() + timeoutMs;
      for (let n = await finished(); n < target; n = await finished()) {
        if (Date.now() > deadline) throw new Error(`only ${n}/${target} pipelines finished in the read model`);
        await new Promise((r) => setTimeout(r, 20));
      }
    };

    // 1. Maximum: everything as fast as bulk ingest accepts it, until the read model has it all.
    // Seeds of this run (ingest's directory in Postgres remembers every pipeline id it accepted: ids of an
    // earlier run would be refused as existing); its pipelines leave the directory at the end.
    const max = fixedMix(MAX_PIPELINES, version);
    for (const r of max.records) sentIds.add(r.pipeline_id);
    let conflictsBefore = await deciderConflicts();
    const t0 = performance.now();
    const chunks: string[][] = [];
    // Requests in flight together carry disjoint pipelines (7 lines each): a pipeline's reports stay in order.
    for (let i = 0; i < max.lines.length; i += 994) chunks.push(max.lines.slice(i, i + 994));
    await workerPool(chunks, 4, post);
    const acceptedMs = performance.now() - t0;
    await waitFinished(MAX_PIPELINES, 10 * 60_000);
    const ms = performance.now() - t0;
    const maxEvents = stats.applied;
    const maxRate = (max.lines.length / ms) * 1000;
    emit({
      what: 'max',
      reports: max.lines.length,
      events: maxEvents,
      accepted_ms: Math.round(acceptedMs),
      visible_ms: Math.round(ms),
      reports_per_s: Math.round(maxRate),
      events_per_s: Math.round((maxEvents / ms) * 1000),
      lag_p50_ms: projection.projector.lag.percentile(50),
      lag_p99_ms: projection.projector.lag.percentile(99),
      transaction_conflicts: minus(await deciderConflicts(), conflictsBefore),
    });

    // 2. Open loop at 25% and 75% of the maximum.
    let sentPipelines = MAX_PIPELINES;
    for (const [i, load] of [0.25, 0.75].entries()) {
      const rate = maxRate * load;
      const pipelines = Math.ceil((rate * SECONDS) / 7);
      const { lines, records } = fixedMix(pipelines, version + 10 + i);
      for (const r of records) sentIds.add(r.pipeline_id);
      const eventsBefore = stats.applied;
      conflictsBefore = await deciderConflicts();
      const perTick = 7 * Math.max(1, Math.round(rate / 20 / 7)); // ~20 requests a second, whole pipelines each
      projection.projector.lag.reset();
      const start = performance.now();
      const sends: Promise<void>[] = [];
      const interval = (perTick / rate) * 1000;
      for (let sent = 0, tick = 0; sent < lines.length; tick++) {
        const due = start + tick * interval;
        const wait = due - performance.now();
        if (wait > 0) await new Promise((r) => setTimeout(r, wait));
        sends.push(post(lines.slice(sent, sent + perTick))); // open loop: never waits for the answer
        sent += perTick;
      }
      await Promise.all(sends);
      sentPipelines += pipelines;
      await waitFinished(sentPipelines, 10 * 60_000);
      const events = stats.applied - eventsBefore;
      const lag = projection.projector.lag;
      emit({
        what: `open_loop_${Math.round(load * 100)}`,
        target_reports_per_s: Math.round(rate),
        reports: lines.length,
        events,
        seconds: SECONDS,
        lag_samples: lag.n,
        lag_p50_ms: lag.percentile(50),
        lag_p99_ms: lag.percentile(99),
        transaction_conflicts: minus(await deciderConflicts(), conflictsBefore),
      });
    }
  } finally {
    for (const ch of children) ch.kill('SIGTERM');
    await projection.stop();
    await pool.query(`DROP SCHEMA IF EXISTS "${versionSchema(version)}" CASCADE`);
    await pool.query('DELETE FROM ingest_job_attempts WHERE pipeline_id = ANY($1::uuid[])', [[...sentIds]]);
    await pool.query('DELETE FROM ingest_pipelines WHERE pipeline_id = ANY($1::uuid[])', [[...sentIds]]);
    await pool.query('DELETE FROM projection_checkpoints WHERE projection = $1', [`e2e-${version}@v${version}`]);
    await pool.end();
    const admin = createKafka(config, 'bench-cleanup').admin();
    await admin.connect();
    await dropPrefixed(admin);
    await admin.disconnect();
  }
}

main().then(
  () => process.exit(0),
  (err: unknown) => {
    console.error(err);
    process.exit(1);
  },
);
