// The load generator (issue 6): realistic, seeded CI traffic through the public ingest API (bulk NDJSON)
// or straight to ci.intake.v1, in-process: `runGenerator(opts)`. Its command line is cli.ts. The token
// defaults to LOADGEN_TOKEN, else the first token of INGEST_TOKENS.
import { randomUUID } from 'node:crypto';
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { percentile } from '../../lib/core/stats/histogram.js';
import { REPO_ROOT } from '../../lib/platform/schemas/catalog.js';
import { drive } from './driver.js';
import { httpSink } from './http-sink.js';
import { kafkaSink } from './kafka-sink.js';
import type { Ledger, Progress } from './ledger.js';
import { LogChunksSource, SyntheticLogs, type LogSource } from './logs.js';
import type { BulkLine } from './ops.js';
import { ScenarioModel } from './model.js';

export const DEFAULT_LOGS = resolve(REPO_ROOT, process.env.LOGCHUNKS_PATH ?? '../shared/data/logchunks/dev.jsonl.gz');

export interface GeneratorOptions {
  seed?: number;
  /** Target rate in `rateUnit` per second (default 500); ignored with `max`. */
  rate?: number;
  rateUnit?: 'reports' | 'events';
  /** As fast as ingest (or Kafka) takes it, bounded by the in-flight requests. */
  max?: boolean;
  /** Seconds during which new pipelines start (default 60; the drain comes after). */
  durationS?: number;
  /** Stop after this many pipelines (with no duration given: run until they are sent). */
  pipelines?: number;
  mode?: 'http' | 'kafka';
  url?: string;
  token?: string;
  projects?: number;
  /** Pipelines in progress at once (default: see defaultActive). */
  active?: number;
  maxInFlight?: number;
  /** Most NDJSON lines per request. */
  batchLines?: number;
  drain?: boolean;
  clock?: 'sim' | 'wall';
  /** LogChunks path, or null for short synthetic logs (default: the data set, synthetic if it is absent). */
  logs?: string | null;
  logBytes?: number;
  failureRate?: number;
  flakyShare?: number;
  cancelRate?: number;
  playRate?: number;
  dagRate?: number;
  projectPrefix?: string;
  /** Mixed into pipeline ids (default random): the same seed then sends the same traffic under new ids. */
  idSalt?: string;
  collectPipelineIds?: boolean;
  /** Called with each line ingest accepted (202), as sent (tests derive their own expectations from them). */
  onAccepted?: (line: BulkLine) => void;
  /** Filled per pipeline: what ingest accepted and the canonical events it leads to (fault tests check it). */
  ledger?: Ledger;
  /**
   * Send every line with an Idempotency-Key and retry unknown outcomes (5xx, a dropped connection): rides out a
   * restart.
   */
  idempotent?: boolean;
  onProgress?: (p: Progress) => void;
  signal?: AbortSignal;
}

export interface Summary {
  mode: 'http' | 'kafka';
  seed: number;
  id_salt: string;
  target: { rate: number; unit: 'reports' | 'events' } | 'max';
  duration_s: number | null;
  elapsed_s: number;
  logs: string;
  /** Pipelines whose creation was sent. */
  pipelines: number;
  /** Pipelines whose every op was sent. */
  pipelines_completed: number;
  reports: number;
  accepted: number;
  rejected_4xx: number;
  errors_5xx: number;
  /** Ops of pipelines that had a refused op before, not sent. */
  dropped: number;
  unsent: number;
  requests: number;
  retried_requests: number;
  /** Canonical events the accepted reports lead to (if the decider rejects none). */
  events_expected: number;
  /** Reports sent / elapsed time, drain included. */
  achieved_reports_per_s: number;
  achieved_events_per_s: number;
  /** Before the drain: reports sent, and accepted replies received, per second (max mode's throughput). */
  run_phase: { seconds: number; reports: number; accepted: number; reports_per_s: number; accepted_per_s: number };
  drain_s: number;
  /** CPU seconds the generator process spent (model, serialisation, HTTP or Kafka client) while driving. */
  generator_cpu_s: number;
  behind_schedule_ms: { p50: number | null; p99: number | null; max: number } | null;
  request_ms: { p50: number | null; p99: number | null };
  final_status: Record<string, number>;
  failed_attempts_by_category: Record<string, number>;
  flaky_jobs: number;
  job_retries: number;
  manual_plays: number;
  canceled_pipelines: number;
  errors_sample: string[];
  pipeline_ids?: string[];
}

function tokenFromEnv(): string | undefined {
  if (process.env.LOADGEN_TOKEN) return process.env.LOADGEN_TOKEN;
  const first = process.env.INGEST_TOKENS?.split(';')[0]?.split(':');
  return first && first.length >= 2 ? first[1] : undefined;
}

function logSource(opts: GeneratorOptions): { source: LogSource; name: string } {
  if (opts.logs === null) return { source: new SyntheticLogs(), name: 'synthetic' };
  const path = opts.logs ?? DEFAULT_LOGS;
  if (!existsSync(path)) {
    if (opts.logs !== undefined) throw new Error(`log data set not found: ${path}`);
    return { source: new SyntheticLogs(), name: 'synthetic (LogChunks not found)' };
  }
  // Loaded before the clock starts: gunzipping and cutting the data set blocks the event loop for a second.
  return { source: new LogChunksSource(path, opts.logBytes ?? 64 * 1024).warm(), name: path };
}

/**
 * Pipelines in progress at once, by default: enough that each lives ~10 s of wall time (at ~15 reports
 * per pipeline; at most half the duration), so the drain after the run phase is short. Max mode: 1000,
 * so that full batches never wait for a pipeline's previous request.
 */
export function defaultActive(rate: number | null, unit: 'reports' | 'events', durationS: number): number {
  if (rate === null) return 1000;
  const reportsPerS = unit === 'events' ? rate / 2.5 : rate;
  return Math.max(5, Math.min(500, Math.round((reportsPerS * Math.min(10, durationS / 2)) / 15)));
}

/** Runs the generator in-process and answers its summary. */
export async function runGenerator(opts: GeneratorOptions = {}): Promise<Summary> {
  const seed = opts.seed ?? 42;
  const max = opts.max ?? false;
  const rate = max ? null : (opts.rate ?? 500);
  if (rate !== null && !(rate > 0)) throw new Error(`rate must be positive, got ${rate}`);
  const durationS = opts.durationS ?? (opts.pipelines !== undefined ? Infinity : 60);
  const mode = opts.mode ?? 'http';
  const idSalt = opts.idSalt ?? randomUUID().slice(0, 8);
  const logs = logSource(opts);
  const model = new ScenarioModel({
    seed,
    idSalt,
    projects: opts.projects,
    projectPrefix: opts.projectPrefix,
    failureRate: opts.failureRate,
    flakyShare: opts.flakyShare,
    cancelRate: opts.cancelRate,
    playRate: opts.playRate,
    dagRate: opts.dagRate,
    logs: logs.source,
  });
  let sink;
  if (mode === 'http') {
    const token = opts.token ?? tokenFromEnv();
    if (!token) throw new Error('http mode needs a producer token: --token, LOADGEN_TOKEN or INGEST_TOKENS');
    sink = httpSink(
      opts.url ?? process.env.LOADGEN_URL ?? `http://127.0.0.1:${process.env.INGEST_PORT ?? 8090}`,
      token,
      { retryUnknown: opts.idempotent ?? false },
    );
  } else sink = await kafkaSink();
  let r;
  const cpu = process.cpuUsage();
  try {
    r = await drive(model, sink, {
      rate,
      rateUnit: opts.rateUnit ?? 'reports',
      durationS,
      maxPipelines: opts.pipelines,
      active: opts.active ?? defaultActive(rate, opts.rateUnit ?? 'reports', durationS),
      maxInFlight: opts.maxInFlight ?? (max ? 4 : 16),
      batchLines: opts.batchLines ?? 500,
      batchChars: 4 << 20,
      tickMs: 10,
      drain: opts.drain ?? true,
      clock: opts.clock ?? 'sim',
      signal: opts.signal,
      onProgress: opts.onProgress,
      progressEveryMs: 250,
      collectPipelineIds: opts.collectPipelineIds ?? false,
      ...(opts.onAccepted ? { onAccepted: opts.onAccepted } : {}),
      ...(opts.ledger ? { ledger: opts.ledger } : {}),
      idempotencyKeys: opts.idempotent ?? false,
    });
  } finally {
    await sink.close();
  }
  const seconds = r.elapsedMs / 1000;
  return {
    mode,
    seed,
    id_salt: idSalt,
    target: rate === null ? 'max' : { rate, unit: opts.rateUnit ?? 'reports' },
    duration_s: Number.isFinite(durationS) ? durationS : null,
    elapsed_s: Math.round(seconds * 10) / 10,
    logs: logs.name,
    pipelines: r.pipelines,
    pipelines_completed: r.pipelinesCompleted,
    reports: r.reports,
    accepted: r.accepted,
    rejected_4xx: r.rejected,
    errors_5xx: r.errors,
    dropped: r.dropped,
    unsent: r.unsent,
    requests: r.requests,
    retried_requests: sink.retries,
    events_expected: r.eventsExpected,
    achieved_reports_per_s: Math.round(r.reports / seconds),
    achieved_events_per_s: Math.round(r.eventsExpected / seconds),
    run_phase: {
      seconds: Math.round(r.run.ms / 100) / 10,
      reports: r.run.reports,
      accepted: r.run.accepted,
      reports_per_s: Math.round((r.run.reports / r.run.ms) * 1000),
      accepted_per_s: Math.round((r.run.accepted / r.run.ms) * 1000),
    },
    drain_s: Math.round((r.elapsedMs - r.run.ms) / 100) / 10,
    generator_cpu_s: (() => {
      const u = process.cpuUsage(cpu);
      return Math.round((u.user + u.system) / 1e5) / 10;
    })(),
    behind_schedule_ms: r.behind
      ? { p50: percentile(r.behind, 50), p99: percentile(r.behind, 99), max: Math.round(r.behindMax) }
      : null,
    request_ms: { p50: percentile(r.requestMs, 50), p99: percentile(r.requestMs, 99) },
    final_status: r.finals,
    failed_attempts_by_category: r.failures,
    flaky_jobs: r.flaky,
    job_retries: r.retries,
    manual_plays: r.plays,
    canceled_pipelines: r.cancels,
    errors_sample: sink.errors,
    ...(opts.collectPipelineIds ? { pipeline_ids: r.pipelineIds } : {}),
  };
}

// ---------------------------------------------------------------------------------------------------
