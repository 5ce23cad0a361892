// Webhook benchmark (issue 14): GitLab hook deliveries per second, accepted and end to end, beside the report
// API's figure for the same pipelines in the same run, against one Verity system started here.
//   npx tsx load-tests/bench/webhooks.ts      BENCH_PIPELINES=3000 per side (quick profile: 500), BENCH_ROUNDS=4,
//                                             BENCH_CONCURRENCY=32, BENCH_WARMUP_PIPELINES=30, BENCH_KEYED_REPORTS=1
// Writes load-tests/results/webhooks.json and .md (the current result) and a row of HISTORY.md.
//
// The system: the soak's isolation and services (soak/isolation.ts, soak/services.ts): its own topic prefix
// (soak-<time>.) and scratch database (verity_bench_soak_<time>) set up by `verity setup`, then `bin/verity
// ingest`, `decider` and `projector` as child processes; ingest reads a tokens file (INGEST_TOKENS_FILE, object
// form) holding a producer token for the report API and a gitlab connection for the hooks. All of it is
// stopped and dropped at the end.
//
// The same pipelines every way ("sides"): one stage (test) of three jobs (rspec, jest, lint) that each run and
// succeed, 7 requests per pipeline, BENCH_CONCURRENCY senders (default 32), each sending one pipeline's requests
// in order (a pipeline's next request waits for the answer to its last), one request per HTTP call:
//   webhooks — a Pipeline Hook (pending, its three builds created), then per build a Job Hook running and a
//              Job Hook success: POST /v1/hooks/gitlab with X-Gitlab-Token = the connection's secret and a
//              unique X-Gitlab-Event-UUID; payloads are test/fixtures/hooks/gitlab/'s with this run's ids
//              and times. Expected answer: 202 accepted.
//   reports  — POST /v1/pipelines (the three jobs), then per job /v1/pipelines/:id/jobs/:job/reports running
//              and success, Bearer producer token. Expected answer: 202.
//   reports_keyed — the same with an Idempotency-Key per request (BENCH_KEYED_REPORTS=0 leaves it out): every
//              hook delivery claims and completes its X-Gitlab-Event-UUID in the idempotency store, a report
//              without a key does not, so this is the like-for-like figure for the hooks' idempotency cost.
// First a warm-up of BENCH_WARMUP_PIPELINES per side, drained and not measured. Then BENCH_ROUNDS rounds: each
// side's pipelines are split evenly over them, the sides take turns within a round and their order is reversed
// every other round (A B C, C B A, …), each part drained before the next. On a shared 2-core machine one pass
// per side measured whichever went first at about half the rate of the same side going last; alternating
// spreads that drift over every side. Per part (a JSON line) and per side (over its parts): requests/s accepted
// (first send → last answer), requests/s end to end (first send → every pipeline of the part finished in
// rm.pipelines, polled every 50 ms; a side's: its requests over the sum of its parts' times), p50/p95/p99/max
// of the HTTP answer time (load-tests/query/latency.ts), answers slower than 1 s (the bound) and 10 s
// (GitLab disables a hook that slow), the decider's reports, events and rejections (its /stats) and the final
// rows (status, mode, system, jobs). No raw Kafka baseline (the write-side benchmark has one): the baseline is
// the report API, measured in the same run on the same system.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { loadConfig } from '../../services/lib/platform/config/index.js';
import { withDatabase } from '../lib.js';
import { merge, summarize } from '../query/latency.js';
import { createScratchDatabase, dropIsolated, serviceEnv, veritySetup } from './soak/isolation.js';
import { start, stopAll, type Running, type Service } from './soak/services.js';
import { DB_NAME, PREFIX } from './soak/settings.js';
import { deciderStats, finished, readModelOf, send, waitFinished } from './webhooks/drive.js';
import { writeReport, type Counters, type Measured, type Part, type Side, type Totals } from './webhooks/report.js';
import {
  ANSWER_TARGET_MS,
  CONCURRENCY,
  control,
  emit,
  GITLAB_TIMEOUT_MS,
  HOOK_PROJECT,
  INSTANCE,
  KEYED,
  KEYED_PROJECT,
  PER_PIPELINE,
  PIPELINES,
  progress,
  REPORT_PROJECT,
  ROUNDS,
  SECRET,
  SERVICES,
  TOKEN,
  WARMUP,
} from './webhooks/settings.js';
import { hookPipeline, reportPipeline, type Req } from './webhooks/traffic.js';

/** One part: send its pipelines, then wait until the read model shows every one of them finished. */
async function measure(
  side: Side,
  round: number,
  baseUrl: string,
  traffic: Req[][],
  project: string,
  db: pg.Client,
  deciderPort: number,
): Promise<Measured> {
  const before = await finished(db, project);
  const stats0 = await deciderStats(deciderPort);
  const requests = traffic.reduce((n, p) => n + p.length, 0);
  const sent = await send(baseUrl, traffic, CONCURRENCY);
  if (sent.out.errors > 0)
    progress(`${side}: ${sent.out.errors} requests not answered 202; first: ${sent.out.firstError ?? ''}`);
  const visibleAt = await waitFinished(db, project, before + sent.okPipelines);
  const stats1 = await deciderStats(deciderPort);
  const visibleMs = visibleAt - sent.firstMs;
  const answer = summarize(sent.out);
  const part: Part = {
    what: 'part',
    side,
    round,
    pipelines: traffic.length,
    requests,
    accepted_ms: Math.round(sent.out.wallMs),
    visible_ms: Math.round(visibleMs),
    accepted_per_s: Math.round((requests / sent.out.wallMs) * 1000),
    end_to_end_per_s: Math.round((requests / visibleMs) * 1000),
    p50_ms: answer.p50_ms,
    p99_ms: answer.p99_ms,
    errors: sent.out.errors,
    decider: {
      reports: stats1.reports - stats0.reports,
      events: stats1.events - stats0.events,
      rejections: stats1.rejections - stats0.rejections,
    },
  };
  emit(part);
  progress(
    `round ${round} ${side}: ${traffic.length} pipelines, ${requests} requests: accepted ${part.accepted_per_s}/s, end to end ${part.end_to_end_per_s}/s; answer p50/p99 ${part.p50_ms}/${part.p99_ms} ms; decider ${part.decider.rejections} rejections`,
  );
  return { part, sent, visibleMs };
}

/** A side's parts as one figure: Σ requests ÷ Σ time, percentiles over every answer. */
async function total(side: Side, parts: Measured[], db: pg.Client, project: string): Promise<Totals> {
  const out = merge(parts.map((p) => p.sent.out));
  const requests = parts.reduce((n, p) => n + p.part.requests, 0);
  const pipelines = parts.reduce((n, p) => n + p.part.pipelines, 0);
  const visibleMs = parts.reduce((n, p) => n + p.visibleMs, 0);
  const statuses: Record<string, number> = {};
  for (const p of parts) for (const [k, n] of Object.entries(p.sent.statuses)) statuses[k] = (statuses[k] ?? 0) + n;
  const sum = (k: keyof Counters) => parts.reduce((n, p) => n + p.part.decider[k], 0);
  const row: Totals = {
    what: side,
    pipelines,
    requests,
    rounds: parts.length,
    concurrency: CONCURRENCY,
    statuses,
    accepted_ms: Math.round(out.wallMs),
    visible_ms: Math.round(visibleMs),
    accepted_per_s: Math.round((requests / out.wallMs) * 1000),
    end_to_end_per_s: Math.round((requests / visibleMs) * 1000),
    pipelines_per_s_end_to_end: Math.round((pipelines / visibleMs) * 10_000) / 10,
    answer: summarize(out),
    over_1s: out.latencies.filter((l) => l > ANSWER_TARGET_MS).length,
    over_10s: out.latencies.filter((l) => l > GITLAB_TIMEOUT_MS).length,
    decider: { reports: sum('reports'), events: sum('events'), rejections: sum('rejections') },
    read_model: await readModelOf(db, project),
  };
  emit(row);
  return row;
}

// ---- The run ----
async function main(): Promise<void> {
  if (!Number.isInteger(PIPELINES) || PIPELINES < 1) throw new Error(`BENCH_PIPELINES must be ≥ 1, got ${PIPELINES}`);
  if (!Number.isInteger(CONCURRENCY) || CONCURRENCY < 1) throw new Error('BENCH_CONCURRENCY must be ≥ 1');
  if (!Number.isInteger(ROUNDS) || ROUNDS < 1 || ROUNDS > PIPELINES)
    throw new Error(`BENCH_ROUNDS must be 1 to BENCH_PIPELINES, got ${process.env.BENCH_ROUNDS}`);
  for (const sig of ['SIGINT', 'SIGTERM'] as const)
    process.on(sig, () => {
      progress(`${sig}: stopping, then cleaning up`);
      control.stopRequested = true;
    });
  const date = new Date().toISOString();
  const loadStart = loadavg().map((x) => Math.round(x * 100) / 100);
  const mainConfig = loadConfig();
  const dbUrl = withDatabase(mainConfig.databaseUrl, DB_NAME);
  const dir = mkdtempSync(join(tmpdir(), 'verity-bench-webhooks-'));
  const tokensFile = join(dir, 'tokens.json');
  writeFileSync(
    tokensFile,
    JSON.stringify({
      producers: [{ name: 'bench', token: TOKEN, projects: [REPORT_PROJECT, KEYED_PROJECT] }],
      connections: [
        {
          name: 'bench-gitlab',
          system: 'gitlab',
          instance: INSTANCE,
          external_project: '*',
          project: HOOK_PROJECT,
          secret: SECRET,
        },
      ],
    }),
  );
  // The producer token and the connection both come from the file (INGEST_TOKENS unset).
  const env: NodeJS.ProcessEnv = { ...serviceEnv(dbUrl), INGEST_TOKENS_FILE: tokensFile };
  delete env.INGEST_TOKENS;

  const running: Running[] = [];
  let dbCreated = false;
  let db: pg.Client | undefined;
  const sides: Side[] = ['webhooks', 'reports', ...(KEYED ? (['reports_keyed'] as const) : [])];
  const project: Record<Side, string> = {
    webhooks: HOOK_PROJECT,
    reports: REPORT_PROJECT,
    reports_keyed: KEYED_PROJECT,
  };
  const parts = new Map<Side, Measured[]>(sides.map((s) => [s, []]));
  const orders: Side[][] = [];
  const totals: Totals[] = [];
  try {
    await createScratchDatabase(mainConfig.databaseUrl);
    dbCreated = true;
    progress(`scratch database ${DB_NAME}, topic prefix ${PREFIX}: verity setup`);
    veritySetup(env);
    for (const s of SERVICES) {
      const r = await start(s, env);
      running.push(r);
      progress(`${s} started: pid ${r.pid}, port ${r.port}`);
    }
    const port = (s: Service) => running.find((r) => r.service === s)!.port;
    const baseUrl = `http://127.0.0.1:${port('ingest')}`;
    db = new pg.Client({ connectionString: dbUrl });
    await db.connect();

    // GitLab pipeline ids of this run, from 1,000 (× 10 + the job's index: its build ids).
    let externalId = 1000;
    let reportIndex = 0;
    const traffic = (side: Side, n: number): Req[][] =>
      Array.from({ length: n }, () =>
        side === 'webhooks' ? hookPipeline(externalId++) : reportPipeline(reportIndex++, side === 'reports_keyed'),
      );
    if (WARMUP > 0) {
      progress(`warm-up: ${WARMUP} pipelines each way, not measured`);
      for (const side of sides) {
        const w = await send(baseUrl, traffic(side, WARMUP), CONCURRENCY);
        if (w.out.errors) throw new Error(`warm-up refused (${side}): ${w.out.firstError ?? ''}`);
        await waitFinished(db, project[side], WARMUP);
      }
    }
    progress(
      `${ROUNDS} round(s) of ${sides.join(', ')}, order reversed every other round; ${PIPELINES} pipelines × ${PER_PIPELINE} requests per side, ${CONCURRENCY} senders`,
    );
    for (let round = 1; round <= ROUNDS; round++) {
      // Round r sends pipelines [PIPELINES·(r−1)/ROUNDS, PIPELINES·r/ROUNDS) of each side.
      const n = Math.floor((PIPELINES * round) / ROUNDS) - Math.floor((PIPELINES * (round - 1)) / ROUNDS);
      const order = round % 2 === 1 ? [...sides] : [...sides].reverse();
      orders.push(order);
      for (const side of order) {
        const t = traffic(side, n);
        parts.get(side)!.push(await measure(side, round, baseUrl, t, project[side], db, port('decider')));
      }
    }
    for (const side of sides) totals.push(await total(side, parts.get(side)!, db, project[side]));
    const dead = running.find((r) => r.exited);
    if (dead) throw new Error(`${dead.service} exited during the run: ${dead.tail.slice(-5).join('\n')}`);
    for (const r of running)
      if (r.errors > 0) progress(`${r.service} logged ${r.errors} errors; last: ${r.lastErrors.join(' || ')}`);
  } finally {
    await db?.end().catch(() => undefined);
    progress(`stopping ${running.length} service(s)`);
    await stopAll(running, progress);
    await dropIsolated(mainConfig, dbCreated, progress);
    rmSync(dir, { recursive: true, force: true });
  }
  const loadEnd = loadavg().map((x) => Math.round(x * 100) / 100);
  // Error-level log lines of each service and the last of them (services.ts keeps five).
  const serviceErrors = Object.fromEntries(
    running.map((r) => [r.service, { errors: r.errors, last: r.lastErrors.slice(-2) }]),
  );
  const allParts = [...parts.values()].flat().map((m) => m.part);
  writeReport({ date, totals, parts: allParts, orders, loadStart, loadEnd, serviceErrors });
}

main().then(
  () => process.exit(0),
  (err: unknown) => {
    console.error(err);
    process.exit(1);
  },
);
