// Memory soak (QUALITY.md "memory": RSS of each service under sustained load, flat over a 10-minute
// soak), `make soak`:
//   npx tsx load-tests/bench/soak.ts          BENCH_SOAK_MINUTES=10 (BENCH_PROFILE=quick: 2), BENCH_SOAK_RATE=300
// reports/s
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
//    per request (load-tests/write-side/traffic.ts: one pipeline in five fails with a 4 KiB log tail),
//    plus one query API list + detail a second;
// 4. every 5 s: VmRSS of each service process (/proc/<pid>/status) and the projector's /stats
//    (end-to-end lag p50/p99 over its last 50,000 events, events applied);
// 5. per service, the least-squares slope of RSS over the second half (MiB/min): "flat" if |slope| < 1;
// 6. stops every child (SIGTERM, SIGKILL after 15 s), drops the prefixed topics and groups and the
//    scratch database. Nothing is left running.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { loadConfig } from '../../services/lib/platform/config/index.js';
import { createKafka } from '../../services/lib/platform/kafka/client.js';
import { REPO_ROOT } from '../../services/lib/platform/schemas/catalog.js';
import { adminQuery, machine, withDatabase } from '../lib.js';
import { resultsDir, writeResults } from '../result-files.js';
import { fixedMix } from '../../services/tools/generator/index.js';
import { fmt } from '../format.js';
import { rssChart } from './result-charts.js';

const MINUTES = Number(process.env.BENCH_SOAK_MINUTES ?? (process.env.BENCH_PROFILE === 'quick' ? 2 : 10));
const RATE = Number(process.env.BENCH_SOAK_RATE ?? 300);
const SAMPLE_MS = 5000;
const TICK_MS = 200;
const FLAT_MIB_PER_MIN = 1;
const RETENTION_MS = Number(process.env.DECIDER_FINISHED_RETENTION_MS || 24 * 60 * 60 * 1000);
const TOKEN = 'soak-token-0123456789abcdef';
const RUN_ID = Date.now();
const PREFIX = `soak-${RUN_ID}.`;
const DB_NAME = `verity_bench_soak_${RUN_ID}`;
const SERVICES = ['ingest', 'decider', 'projector', 'query', 'remediator', 'scorer'] as const;
type Service = (typeof SERVICES)[number];

const progress = (msg: string) => process.stderr.write(`[soak ${new Date().toISOString().slice(11, 19)}] ${msg}\n`);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

interface Running {
  service: Service;
  child: ChildProcess;
  pid: number;
  port: number;
  /** Log lines at level error (50) or above. */
  errors: number;
  lastErrors: string[];
  tail: string[];
  exited: { code: number | null; signal: string | null } | null;
}

/** Services this tree has: a deployable services/run/<name>/ (started as `bin/verity <name>`). */
function available(): Service[] {
  return SERVICES.filter((s) => existsSync(join(REPO_ROOT, `services/run/${s}/main.ts`)));
}

function start(service: Service, env: NodeJS.ProcessEnv): Promise<Running> {
  const port = `${service.toUpperCase()}_PORT`;
  const child = spawn(join(REPO_ROOT, 'bin/verity'), [service], {
    cwd: REPO_ROOT,
    env: { ...env, [port]: '0' },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  const r: Running = { service, child, pid: child.pid!, port: 0, errors: 0, lastErrors: [], tail: [], exited: null };
  let buf = '';
  // The logs are read for the whole soak (a full pipe would block the service).
  child.stderr!.on('data', (d: Buffer) => {
    buf += d.toString('utf8');
    const lines = buf.split('\n');
    buf = lines.pop()!;
    for (const l of lines) {
      r.tail.push(l);
      if (r.tail.length > 20) r.tail.shift();
      let o:
        | { level?: number; msg?: string; port?: number; error?: string; err?: { message?: string }; stack?: string }
        | undefined;
      try {
        o = JSON.parse(l) as typeof o;
      } catch {
        continue;
      }
      if ((o?.level ?? 0) >= 50) {
        r.errors++;
        // The message and its cause (kafkajs puts it in error or stack; pino in err.message).
        const cause = o?.err?.message ?? o?.error ?? o?.stack?.split('\n    at ')[0] ?? '';
        r.lastErrors.push(
          `${o?.msg ?? ''}${cause ? ` | ${cause.length > 600 ? `${cause.slice(0, 200)} … ${cause.slice(-380)}` : cause}` : ''}`,
        );
        if (r.lastErrors.length > 5) r.lastErrors.shift();
      }
      if (r.port === 0 && typeof o?.port === 'number' && o.port > 0 && /started|listening/.test(o.msg ?? ''))
        r.port = o.port;
    }
  });
  child.once('exit', (code, signal) => (r.exited = { code, signal }));
  return new Promise((resolve, reject) => {
    const deadline = Date.now() + 120_000;
    const poll = setInterval(() => {
      if (r.port > 0) {
        clearInterval(poll);
        resolve(r);
      } else if (r.exited || Date.now() > deadline) {
        clearInterval(poll);
        if (!r.exited) child.kill('SIGKILL');
        reject(
          new Error(
            `${service} did not start (${r.exited ? `exit ${r.exited.code ?? r.exited.signal}` : 'timeout'}): ${r.tail.slice(-5).join('\n')}`,
          ),
        );
      }
    }, 100);
  });
}

async function stopAll(running: Running[]): Promise<void> {
  await Promise.all(
    running.map(async (r) => {
      if (r.exited) return;
      const exited = new Promise<void>((resolve) => (r.exited ? resolve() : r.child.once('exit', () => resolve())));
      r.child.kill('SIGTERM');
      const t = setTimeout(() => {
        progress(`${r.service} (pid ${r.pid}) still running 15 s after SIGTERM: SIGKILL`);
        r.child.kill('SIGKILL');
      }, 15_000);
      await exited;
      clearTimeout(t);
    }),
  );
}

function rssMiB(pid: number): number | null {
  try {
    const m = /VmRSS:\s+(\d+)\s+kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Math.round((Number(m[1]) / 1024) * 10) / 10 : null;
  } catch {
    return null;
  }
}

/** Least-squares slope of y over x. */
function slope(points: { x: number; y: number }[]): number | null {
  const n = points.length;
  if (n < 2) return null;
  const mx = points.reduce((s, p) => s + p.x, 0) / n;
  const my = points.reduce((s, p) => s + p.y, 0) / n;
  const sxx = points.reduce((s, p) => s + (p.x - mx) ** 2, 0);
  if (sxx === 0) return null;
  return points.reduce((s, p) => s + (p.x - mx) * (p.y - my), 0) / sxx;
}

interface Sample {
  t_s: number;
  rss_mib: Partial<Record<Service, number | null>>;
  lag_p50_ms: number | null;
  lag_p99_ms: number | null;
  lag_samples: number | null;
  applied_events: number | null;
  sent_reports: number;
  load_1m: number;
}

async function main(): Promise<void> {
  if (!Number.isFinite(MINUTES) || MINUTES <= 0)
    throw new Error(`BENCH_SOAK_MINUTES must be a positive number, got ${process.env.BENCH_SOAK_MINUTES}`);
  if (!Number.isFinite(RATE) || RATE < 7)
    throw new Error(`BENCH_SOAK_RATE must be ≥ 7 reports/s, got ${process.env.BENCH_SOAK_RATE}`);
  const mainConfig = loadConfig();
  const dbUrl = withDatabase(mainConfig.databaseUrl, DB_NAME);
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    VERITY_TOPIC_PREFIX: PREFIX,
    DATABASE_URL: dbUrl,
    LOG_LEVEL: 'info',
    INGEST_TOKENS: `soak:${TOKEN}:*`,
    QUERY_TOKENS: `soak:${TOKEN}:*`,
    REMEDIATOR_PROVIDER: 'heuristic', // no model endpoint is called
  };
  for (const k of [
    'INGEST_TOKENS_FILE',
    'QUERY_TOKENS_FILE',
    'PROJECTOR_VERSION',
    'PROJECTOR_PROJECTION',
    'VERITY_INSTANCE_ID',
  ])
    delete env[k];

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
  const stats = {
    sentReports: 0,
    sentPipelines: 0,
    requests: 0,
    failedRequests: 0,
    firstFailure: '' as string,
    skippedTicks: 0,
    queries: 0,
    failedQueries: 0,
  };
  let finishedInReadModel: number | null = null;
  let drainS: number | null = null;
  let dbCreated = false;
  let t0 = 0;
  try {
    await adminQuery(mainConfig.databaseUrl, `CREATE DATABASE "${DB_NAME}"`);
    dbCreated = true;
    progress(`scratch database ${DB_NAME}, topic prefix ${PREFIX}: verity setup`);
    const setup = spawnSync(join(REPO_ROOT, 'bin/verity'), ['setup', '--timeout', '120'], {
      cwd: REPO_ROOT,
      env: { ...env, LOG_LEVEL: 'warn' },
      encoding: 'utf8',
      timeout: 180_000,
    });
    if (setup.status !== 0)
      throw new Error(
        `verity setup failed (${setup.status ?? setup.signal}): ${(setup.stderr || setup.stdout).slice(-2000)}`,
      );

    const services = available();
    const missing = SERVICES.filter((s) => !services.includes(s));
    if (missing.length) progress(`not in this tree, skipped: ${missing.join(', ')}`);
    for (const s of services) {
      const r = await start(s, env);
      running.push(r);
      progress(`${s} started: pid ${r.pid}, port ${r.port}`);
      if (stopRequested) throw new Error('interrupted while starting the services');
    }
    const port = (s: Service) => running.find((r) => r.service === s)?.port;
    const ingestPort = port('ingest');
    if (!ingestPort) throw new Error('no ingest service: nothing to drive traffic through');
    const projectorPort = port('projector');
    const queryPort = port('query');

    // Traffic: open loop, whole pipelines per request, at most 64 requests in flight.
    const pipelinesPerTick = Math.max(1, Math.round((RATE * TICK_MS) / 1000 / 7));
    const inFlight = new Set<Promise<void>>();
    const post = async (lines: string[]) => {
      stats.requests++;
      try {
        const res = await fetch(`http://127.0.0.1:${ingestPort}/v1/reports:bulk`, {
          method: 'POST',
          headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/x-ndjson' },
          body: lines.join('\n'),
        });
        const text = await res.text();
        if (res.status !== 200 || text.includes('"status":4') || text.includes('"status":5'))
          throw new Error(`${res.status} ${text.slice(0, 200)}`);
      } catch (err) {
        stats.failedRequests++;
        stats.firstFailure ||= (err as Error).message;
      }
    };
    const auth = { headers: { authorization: `Bearer ${TOKEN}` } };
    const query = async (k: number) => {
      if (!queryPort) return;
      stats.queries++;
      try {
        const res = await fetch(
          `http://127.0.0.1:${queryPort}/v1/pipelines?project=${encodeURIComponent(`bench/project-${k % 50}`)}&limit=20`,
          auth,
        );
        const body = (await res.json()) as { items?: { id?: string; pipeline_id?: string }[] };
        if (res.status !== 200) throw new Error(String(res.status));
        const first = body.items?.[0];
        const id = first?.pipeline_id ?? first?.id;
        if (id) {
          stats.queries++;
          const d = await fetch(`http://127.0.0.1:${queryPort}/v1/pipelines/${id}`, auth);
          await d.arrayBuffer();
          if (d.status !== 200) throw new Error(String(d.status));
        }
      } catch {
        stats.failedQueries++;
      }
    };
    const projectorStats = async () => {
      if (!projectorPort) return null;
      try {
        const res = await fetch(`http://127.0.0.1:${projectorPort}/stats`);
        return (await res.json()) as {
          applied?: number;
          e2e_lag_ms?: { samples: number; p50: number | null; p99: number | null };
        };
      } catch {
        return null;
      }
    };
    const sample = async () => {
      const s = await projectorStats();
      samples.push({
        t_s: Math.round((performance.now() - t0) / 100) / 10,
        rss_mib: Object.fromEntries(running.map((r) => [r.service, r.exited ? null : rssMiB(r.pid)])),
        lag_p50_ms: s?.e2e_lag_ms?.p50 ?? null,
        lag_p99_ms: s?.e2e_lag_ms?.p99 ?? null,
        lag_samples: s?.e2e_lag_ms?.samples ?? null,
        applied_events: s?.applied ?? null,
        sent_reports: stats.sentReports,
        load_1m: Math.round(loadavg()[0]! * 100) / 100,
      });
      const last = samples.at(-1)!;
      if (samples.length % 6 === 1)
        progress(
          `t=${Math.round(last.t_s)} s sent ${stats.sentReports} reports, applied ${last.applied_events ?? '?'} events, lag p50/p99 ${last.lag_p50_ms ?? '?'}/${last.lag_p99_ms ?? '?'} ms, RSS ${running.map((r) => `${r.service} ${last.rss_mib[r.service] ?? '—'}`).join(', ')} MiB`,
        );
    };

    progress(
      `traffic: ${RATE} reports/s (${pipelinesPerTick} pipelines every ${TICK_MS} ms) for ${MINUTES} min; sampling every ${SAMPLE_MS / 1000} s`,
    );
    t0 = performance.now();
    const endAt = t0 + MINUTES * 60_000;
    await sample();
    let nextSample = t0 + SAMPLE_MS;
    for (let tick = 0; performance.now() < endAt && !stopRequested; tick++) {
      const due = t0 + tick * TICK_MS;
      const wait = due - performance.now();
      if (wait > 0) await sleep(wait);
      if (inFlight.size >= 64) stats.skippedTicks++;
      else {
        const { lines } = fixedMix(pipelinesPerTick, 1_000_000 + tick);
        const p: Promise<void> = post(lines).finally(() => inFlight.delete(p));
        inFlight.add(p);
        stats.sentReports += lines.length;
        stats.sentPipelines += pipelinesPerTick;
      }
      if (tick % Math.round(1000 / TICK_MS) === 0) void query(tick);
      if (performance.now() >= nextSample) {
        nextSample += SAMPLE_MS;
        await sample();
      }
      const dead = running.find((r) => r.exited);
      if (dead)
        throw new Error(
          `${dead.service} exited during the soak (${dead.exited!.code ?? dead.exited!.signal}): ${dead.tail.slice(-5).join('\n')}`,
        );
    }
    await Promise.all(inFlight);
    await sample();

    // Drain: how long until every pipeline sent is finished in the read model (nothing lost).
    const drain0 = performance.now();
    const check = new pg.Client({ connectionString: dbUrl });
    await check.connect();
    try {
      const finished = async () =>
        Number(
          (
            await check.query<{ n: string }>(
              'SELECT count(*)::text AS n FROM rm.pipelines WHERE finished_at IS NOT NULL',
            )
          ).rows[0]!.n,
        );
      for (
        finishedInReadModel = await finished();
        finishedInReadModel < stats.sentPipelines && performance.now() - drain0 < 120_000 && !stopRequested;
        finishedInReadModel = await finished()
      )
        await sleep(1000);
      drainS = Math.round((performance.now() - drain0) / 100) / 10;
    } catch (err) {
      progress(`read-model check failed: ${(err as Error).message}`);
    } finally {
      await check.end();
    }
    progress(
      `drained in ${drainS ?? '?'} s: ${finishedInReadModel ?? '?'} of ${stats.sentPipelines} pipelines finished in the read model`,
    );
  } finally {
    progress(`stopping ${running.length} service(s)`);
    await stopAll(running);
    const kafka = createKafka(mainConfig, 'verity-soak-cleanup');
    const admin = kafka.admin();
    try {
      await admin.connect();
      const topics = (await admin.listTopics()).filter((t) => t.startsWith(PREFIX));
      if (topics.length) await admin.deleteTopics({ topics });
      const groups = (await admin.listGroups()).groups.map((g) => g.groupId).filter((g) => g.startsWith(PREFIX));
      if (groups.length) await admin.deleteGroups(groups);
      progress(`dropped ${topics.length} topics and ${groups.length} consumer groups of ${PREFIX}`);
    } catch (err) {
      progress(`dropping the ${PREFIX} topics failed: ${(err as Error).message}`);
    } finally {
      await admin.disconnect().catch(() => undefined);
    }
    if (dbCreated)
      await adminQuery(mainConfig.databaseUrl, `DROP DATABASE IF EXISTS "${DB_NAME}" WITH (FORCE)`).catch((e: Error) =>
        progress(`dropping ${DB_NAME} failed: ${e.message}`),
      );
  }

  // Analysis and results.
  const totalS = samples.at(-1)?.t_s ?? 0;
  const half = totalS / 2;
  const services = running.map((r) => {
    const series = samples
      .map((s) => ({ x: s.t_s / 60, y: s.rss_mib[r.service] }))
      .filter((p): p is { x: number; y: number } => typeof p.y === 'number');
    const second = series.filter((p) => p.x * 60 >= half);
    const k = slope(second);
    const at = (t: number) =>
      series.reduce<{ x: number; y: number } | undefined>(
        (best, p) => (!best || Math.abs(p.x * 60 - t) < Math.abs(best.x * 60 - t) ? p : best),
        undefined,
      )?.y ?? null;
    return {
      service: r.service,
      pid: r.pid,
      rss_start_mib: series[0]?.y ?? null,
      rss_half_mib: at(half),
      rss_end_mib: series.at(-1)?.y ?? null,
      rss_max_mib: series.length ? Math.max(...series.map((p) => p.y)) : null,
      slope_mib_per_min: k === null ? null : Math.round(k * 100) / 100,
      samples_second_half: second.length,
      verdict: k === null ? 'unknown' : Math.abs(k) < FLAT_MIB_PER_MIN ? 'flat' : k > 0 ? 'growing' : 'shrinking',
      errors_logged: r.errors,
      last_errors: r.lastErrors,
      exit: r.exited,
    };
  });
  const lags = samples.filter((s) => s.lag_p99_ms !== null);
  const applied = samples.at(-1)?.applied_events ?? null;
  const flat = services.length > 0 && services.every((s) => s.verdict === 'flat');
  const where = machine(
    `Kafka, registry, Postgres, ${services.map((s) => s.service).join(', ')} and the traffic driver`,
  );
  const json = {
    date,
    command: `BENCH_SOAK_MINUTES=${MINUTES} BENCH_SOAK_RATE=${RATE} npx tsx load-tests/bench/soak.ts`,
    minutes: MINUTES,
    measured_s: totalS,
    rate_reports_per_s: RATE,
    machine: where,
    isolation: { topic_prefix: PREFIX, scratch_database: DB_NAME, dropped: true },
    verdict: flat ? 'flat' : 'not flat',
    flat_threshold_mib_per_min: FLAT_MIB_PER_MIN,
    services,
    traffic: {
      sent_reports: stats.sentReports,
      sent_pipelines: stats.sentPipelines,
      bulk_requests: stats.requests,
      failed_requests: stats.failedRequests,
      first_failure: stats.firstFailure || null,
      skipped_ticks_backpressure: stats.skippedTicks,
      query_requests: stats.queries,
      failed_query_requests: stats.failedQueries,
      applied_events: applied,
      pipelines_finished_in_read_model: finishedInReadModel,
      drain_s: drainS,
    },
    series: samples,
  };
  const svgName = 'soak-rss.svg'; // written by writeResults
  const when = `${date.slice(0, 16).replace('T', ' ')} UTC`;
  const subtitle = `${MINUTES} min at ${RATE} reports/s, ${when}; ${where.split(';')[0]}`;
  const rss = rssChart({ services, series: samples }, subtitle, FLAT_MIB_PER_MIN, SAMPLE_MS / 1000);
  const lagRange = (k: 'lag_p50_ms' | 'lag_p99_ms') =>
    lags.length ? `${fmt(Math.min(...lags.map((s) => s[k]!)))}–${fmt(Math.max(...lags.map((s) => s[k]!)))}` : '—';
  const md = [
    `# Memory soak — ${date}`,
    '',
    `Machine: ${where}. Command: \`${json.command}\` (${fmt(totalS)} s measured). Load average (1 min) over the run ${samples.length ? `${fmt(Math.min(...samples.map((s) => s.load_1m)))}–${fmt(Math.max(...samples.map((s) => s.load_1m)))}` : '—'} on 2 cores (other sessions' work included).`,
    '',
    `Isolation: topic prefix \`${PREFIX}\` and scratch database \`${DB_NAME}\` (both dropped afterwards). Services started with \`bin/verity <service>\`, the remediator with the heuristic provider.`,
    '',
    `Verdict: **${json.verdict}** (flat: every service's RSS slope over the second half within ±${FLAT_MIB_PER_MIN} MiB/min).`,
    '',
    ...(services.some((s) => s.service === 'decider' && s.verdict === 'growing') && RETENTION_MS > MINUTES * 60_000
      ? [
          `The decider keeps every finished pipeline's state in memory for DECIDER_FINISHED_RETENTION_MS (${fmt(RETENTION_MS / 60_000)} min here, longer than the soak), so its state grows with every pipeline by design until the first ones expire; \`DECIDER_FINISHED_RETENTION_MS=60000 npx tsx load-tests/bench/soak.ts\` shows whether it levels off once they do.`,
          '',
        ]
      : []),
    '| service | RSS start MiB | at half | end | max | slope, 2nd half (MiB/min) | verdict | errors logged |',
    '| --- | ---: | ---: | ---: | ---: | ---: | --- | ---: |',
    ...services.map(
      (s) =>
        `| ${s.service} | ${fmt(s.rss_start_mib)} | ${fmt(s.rss_half_mib)} | ${fmt(s.rss_end_mib)} | ${fmt(s.rss_max_mib)} | ${fmt(s.slope_mib_per_min)} | ${s.verdict} | ${s.errors_logged} |`,
    ),
    '',
    ...services
      .filter((s) => s.last_errors.length > 0)
      .flatMap((s) => [
        `Last errors logged by ${s.service}:`,
        '',
        ...s.last_errors.slice(-3).map((e) => `- \`${e.replace(/`/g, "'").slice(0, 400)}\``),
        '',
      ]),
    `Traffic: ${stats.sentReports.toLocaleString('en-US')} reports in ${stats.sentPipelines.toLocaleString('en-US')} pipelines over ${stats.requests} bulk requests (${stats.failedRequests} failed${stats.firstFailure ? `: ${stats.firstFailure.slice(0, 120)}` : ''}; ${stats.skippedTicks} ticks skipped for back-pressure); ${stats.queries} query API requests (${stats.failedQueries} failed). Projector: ${fmt(applied)} canonical events applied; lag (ingest receipt → read model, last 50,000 events) p50 ${lagRange('lag_p50_ms')} ms, p99 ${lagRange('lag_p99_ms')} ms over the samples. Read model after the traffic: ${fmt(finishedInReadModel)} of ${stats.sentPipelines.toLocaleString('en-US')} pipelines finished (drain ${fmt(drainS)} s).`,
    '',
    `![RSS over time](${svgName})`,
    '',
  ].join('\n');
  for (const s of services) console.log(JSON.stringify({ what: 'rss', ...s }));
  writeResults('soak', date, json, md, { rss });
  progress(`wrote soak.json, .md, ${svgName} and a HISTORY.md row in ${resultsDir()}`);
}

main().then(
  () => process.exit(0),
  (err: unknown) => {
    console.error(err);
    process.exit(1);
  },
);
