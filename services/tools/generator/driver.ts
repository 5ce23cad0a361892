// The load generator's driver: takes the model's interleaved op stream and sends it, either as bulk NDJSON
// to the ingest API or straight to ci.intake.v1 (the records ingest would write, built by ingest's own
// functions and encoded by the registry codec).
//
// Pacing: open loop — op k is due at t0 + (reports or canonical events before it) / rate, by the wall
// clock; the sender never slows down because the system lags, it measures how far behind that schedule
// each op actually went out ("behind schedule"). Or max mode: as fast as the bounded in-flight requests
// allow. Order: a pipeline's ops go out in order, and an op is only sent once every request holding an
// earlier op of its pipeline was answered (two requests in flight may be handled by ingest in any order).
import { v7 as uuidv7 } from 'uuid';
import type { IntakeEvent } from '../../lib/core/events/generated.js';
import { emptyHistogram, record, type Histogram } from '../../lib/core/stats/histogram.js';
import type { RecordContext } from '../../run/ingest/index.js';
import { excerptFor, type IngestDeps } from '../../run/ingest/index.js';
import { loadConfig } from '../../lib/platform/config/index.js';
import { BatchingWriter } from '../../lib/platform/kafka/batching-writer.js';
import { createKafka } from '../../lib/platform/kafka/client.js';
import { TOPICS } from '../../lib/platform/kafka/topics.js';
import { EventCodec, EventValidationError } from '../../lib/platform/registry/codec.js';
import {
  lineToRecord,
  OpStream,
  type BulkLine,
  type PipelinePlan,
  type ScenarioModel,
  type StreamItem,
} from './model.js';

// ---------------------------------------------------------------------------------------------------
// Sinks

/** Where ops go. `send` answers one HTTP-like status per line (202 accepted, 4xx refused, 5xx failed). */
export interface Sink {
  readonly name: 'http' | 'kafka';
  send(lines: BulkLine[]): Promise<number[]>;
  close(): Promise<void>;
  /** Whole requests re-sent after 429/503. */
  retries: number;
  /** A few error texts, for the summary. */
  errors: string[];
}

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));
const remember = (errors: string[], text: string) => {
  if (errors.length < 10) errors.push(text.slice(0, 500));
};

/**
 * POST /v1/reports:bulk. 429/503 (nothing was written) are retried after Retry-After, up to 8 times.
 * `retryUnknown` (every line carries an Idempotency-Key, so a repeat is answered, never applied twice):
 * a failed connection or any 5xx is retried too, for up to `retryForMs` — riding out a broker or
 * database restart; a line whose outcome stays unknown is 599.
 */
export function httpSink(url: string, token: string, opts: { retryUnknown?: boolean; retryForMs?: number } = {}): Sink {
  const endpoint = `${url.replace(/\/+$/, '')}/v1/reports:bulk`;
  const sink: Sink = {
    name: 'http',
    retries: 0,
    errors: [],
    async send(lines) {
      const body = lines.map((l) => JSON.stringify(l)).join('\n') + '\n';
      const giveUpAt = Date.now() + (opts.retryForMs ?? 120_000);
      for (let attempt = 0; ; attempt++) {
        let res: Response;
        try {
          res = await fetch(endpoint, {
            method: 'POST',
            headers: { authorization: `Bearer ${token}`, 'content-type': 'application/x-ndjson' },
            body,
            signal: AbortSignal.timeout(120_000),
          });
        } catch (err) {
          remember(sink.errors, `POST ${endpoint}: ${(err as Error).message}`);
          if (opts.retryUnknown && Date.now() < giveUpAt) {
            sink.retries++;
            await sleep(Math.min(2000, 100 * 2 ** Math.min(attempt, 5)));
            continue;
          }
          return lines.map(() => 599);
        }
        const text = await res.text();
        if (opts.retryUnknown && res.status >= 500 && Date.now() < giveUpAt) {
          sink.retries++;
          const after = Number(res.headers.get('retry-after'));
          await sleep(
            Number.isFinite(after) && after > 0
              ? Math.min(after, 5) * 1000
              : Math.min(2000, 100 * 2 ** Math.min(attempt, 5)),
          );
          continue;
        }
        if ((res.status === 429 || res.status === 503) && attempt < 8) {
          sink.retries++;
          const after = Number(res.headers.get('retry-after'));
          await sleep(Number.isFinite(after) && after > 0 ? Math.min(after, 10) * 1000 : 100 * 2 ** attempt);
          continue;
        }
        if (res.status !== 200) {
          remember(sink.errors, `${res.status} ${text}`);
          return lines.map(() => res.status);
        }
        const statuses = lines.map(() => 599);
        let inFlight = false;
        for (const l of text.split('\n')) {
          if (!l) continue;
          const v = JSON.parse(l) as { line: number; status: number; detail?: string };
          statuses[v.line - 1] = v.status;
          if (v.status === 409 && /in flight/.test(v.detail ?? '')) inFlight = true;
          if (v.status >= 400) remember(sink.errors, `line ${lines[v.line - 1]?.op ?? '?'}: ${l}`);
        }
        // A line whose earlier attempt (a dropped connection, a restart) still holds its key: ask again once
        // the key's lease ends; the lines already accepted answer the same 202 again.
        if (opts.retryUnknown && (inFlight || statuses.some((s) => s >= 500)) && Date.now() < giveUpAt) {
          sink.retries++;
          await sleep(1000);
          continue;
        }
        return statuses;
      }
    },
    async close() {},
  };
  return sink;
}

/** Ingest's excerpt function without a log store: the excerpt comes from the log tail sent, as in ingest. */
const NO_LOG_STORE = { logStore: { latest: async () => null } } as unknown as IngestDeps;

/** Straight to ci.intake.v1: the records ingest would write, through one idempotent producer (in order). */
export async function kafkaSink(producerName = 'loadgen'): Promise<Sink> {
  const config = loadConfig();
  const kafka = createKafka(config, 'verity-loadgen');
  const producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1, allowAutoTopicCreation: false });
  await producer.connect();
  const codec = await EventCodec.forTopic<IntakeEvent>(config.schemaRegistryUrl, TOPICS.intake);
  const writer = new BatchingWriter(producer, TOPICS.intake, { maxQueued: 1_000_000, maxBatch: 2_000 });
  const sink: Sink = {
    name: 'kafka',
    retries: 0,
    errors: [],
    async send(lines) {
      const now = new Date().toISOString();
      const statuses = lines.map(() => 202);
      const messages = await Promise.all(
        lines.map(async (l, i) => {
          const reportId = uuidv7();
          const c: RecordContext = {
            reportId,
            pipelineId: l.pipeline_id,
            projectId: l.project_id,
            now,
            producer: producerName,
            correlationId: reportId,
            idempotencyKey: null,
            occurredAt: l.occurred_at,
          };
          const excerpt =
            l.op === 'report' && l.status === 'failed'
              ? (await excerptFor(NO_LOG_STORE, l.project_id, l.pipeline_id, l.job, l.log_tail)).excerpt
              : null;
          try {
            return await codec.toMessage(lineToRecord(l, c, excerpt), producerName);
          } catch (err) {
            if (!(err instanceof EventValidationError)) throw err;
            statuses[i] = 400;
            remember(sink.errors, `${l.op}: ${err.message} ${JSON.stringify(err.errors)}`);
            return null;
          }
        }),
      );
      try {
        await writer.write(messages.filter((m) => m !== null));
      } catch (err) {
        remember(sink.errors, `produce: ${(err as Error).message}`);
        return statuses.map((s) => (s === 202 ? 503 : s));
      }
      return statuses;
    },
    async close() {
      await writer.close();
      await producer.disconnect();
    },
  };
  return sink;
}

// ---------------------------------------------------------------------------------------------------
// The driver

export interface DriveOptions {
  /** Target rate (ops/s in `rateUnit`); null: max mode. */
  rate: number | null;
  rateUnit: 'reports' | 'events';
  /** How long new pipelines start; Infinity: until `maxPipelines` are done. */
  durationS: number;
  maxPipelines?: number;
  /** Pipelines in progress at once in the simulated population. */
  active: number;
  maxInFlight: number;
  batchLines: number;
  batchChars: number;
  tickMs: number;
  /** After the duration, run the pipelines in progress to their end (at the same pace). */
  drain: boolean;
  /**
   * `sim`: occurred_at from the simulated timeline (real durations and queue times, in the past); `wall`: none
   * (ingest's clock).
   */
  clock: 'sim' | 'wall';
  signal?: AbortSignal;
  onProgress?: (p: Progress) => void;
  progressEveryMs: number;
  collectPipelineIds: boolean;
  /** Filled per pipeline as replies come: what was accepted and what it leads to (for loss and duplicate checks). */
  ledger?: Ledger;
  /** Every line carries an Idempotency-Key (pipeline id and op index): a repeated line is never applied twice. */
  idempotencyKeys?: boolean;
}

/** What the generator knows of one pipeline: its ops, which ones ingest accepted, and what they lead to. */
export interface LedgerEntry {
  projectId: string;
  ops: number;
  sent: number;
  accepted: number;
  /** Canonical events the accepted ops lead to (the pure decider's count, simulated when planning). */
  events: number;
  /** An op got something else than 202: its later ops were not sent, and its outcome may be unknown (5xx). */
  refused: boolean;
  /** Every op was sent and accepted. */
  complete: boolean;
  final: string;
}
export type Ledger = Map<string, LedgerEntry>;

export interface Progress {
  phase: 'run' | 'drain' | 'done';
  elapsed_ms: number;
  /** Pipelines whose creation was sent. */
  pipelines: number;
  reports: number;
  accepted: number;
  rejected: number;
  errors: number;
  in_flight: number;
  pending: number;
  /** Ops of started pipelines not sent yet (what the drain still has to send). */
  remaining: number;
  reports_per_s: number;
  /** How late the oldest op waiting to go out is (rate mode). */
  behind_ms: number;
  /** Planned end of the run phase, ms from the start. */
  run_ms: number;
}

export interface DriveResult {
  elapsedMs: number;
  /** The run phase (before the drain): its length, reports sent and accepted replies received in it. */
  run: { ms: number; reports: number; accepted: number };
  pipelines: number;
  pipelinesCompleted: number;
  reports: number;
  accepted: number;
  rejected: number;
  errors: number;
  dropped: number;
  unsent: number;
  requests: number;
  eventsExpected: number;
  behind: Histogram | null;
  behindMax: number;
  requestMs: Histogram;
  finals: Record<string, number>;
  failures: Record<string, number>;
  flaky: number;
  plays: number;
  retries: number;
  cancels: number;
  pipelineIds: string[];
}

interface Queued {
  item: StreamItem;
  /** performance.now() when due; null in max mode. */
  due: number | null;
}

export async function drive(model: ScenarioModel, sink: Sink, o: DriveOptions): Promise<DriveResult> {
  const stream = new OpStream(model, {
    active: o.active,
    ...(o.maxPipelines === undefined ? {} : { maxPipelines: o.maxPipelines }),
  });
  const max = o.rate === null;
  const t0 = performance.now();
  const runEnd = t0 + o.durationS * 1000;
  const cost = (item: StreamItem) => (o.rateUnit === 'events' ? item.op.events : 1);

  let pending: Queued[] = [];
  const maxPending = max ? o.batchLines * (o.maxInFlight + 2) : 200_000;
  const busy = new Map<number, number>(); // pipeline index → requests in flight holding its ops
  const dead = new Set<number>(); // pipelines with a refused op: the rest of their ops is dropped
  const anchors = new Map<number, number>(); // pipeline index → epoch ms its creation went out
  let units = 0;
  let exhausted = false;
  let draining = false;
  let inFlight = 0;
  let wake: (() => void) | undefined;
  const r: DriveResult = {
    elapsedMs: 0,
    run: { ms: 0, reports: 0, accepted: 0 },
    pipelines: 0,
    pipelinesCompleted: 0,
    reports: 0,
    accepted: 0,
    rejected: 0,
    errors: 0,
    dropped: 0,
    unsent: 0,
    requests: 0,
    eventsExpected: 0,
    behind: max ? null : emptyHistogram(),
    behindMax: 0,
    requestMs: emptyHistogram(),
    finals: {},
    failures: {},
    flaky: 0,
    plays: 0,
    retries: 0,
    cancels: 0,
    pipelineIds: [],
  };

  const finished = (plan: PipelinePlan) => {
    anchors.delete(plan.index);
    r.pipelinesCompleted++;
    r.finals[plan.final] = (r.finals[plan.final] ?? 0) + 1;
    for (const [c, n] of Object.entries(plan.facts.failures)) r.failures[c] = (r.failures[c] ?? 0) + n;
    r.flaky += plan.facts.flaky;
    r.plays += plan.facts.plays;
    r.retries += plan.facts.autoRetries + plan.facts.manualRetries;
    r.cancels += plan.facts.canceled ? 1 : 0;
  };

  const serialise = (item: StreamItem): BulkLine => {
    const { plan, op, opIndex } = item;
    if (opIndex === 0) {
      r.pipelines++;
      if (o.collectPipelineIds) r.pipelineIds.push(plan.pipelineId);
      if (o.clock === 'sim') anchors.set(plan.index, Date.now());
      o.ledger?.set(plan.pipelineId, {
        projectId: plan.projectId,
        ops: plan.ops.length,
        sent: 0,
        accepted: 0,
        events: 0,
        refused: false,
        complete: false,
        final: plan.final,
      });
    }
    const entry = o.ledger?.get(plan.pipelineId);
    if (entry) entry.sent++;
    const line = (
      o.idempotencyKeys ? { ...op.line, idempotency_key: `${plan.pipelineId}:${opIndex}` } : op.line
    ) as BulkLine;
    if (o.clock === 'wall') return line;
    const anchor = anchors.get(plan.index) ?? Date.now();
    // The pipeline's simulated timeline, ending when its creation went out: real durations, never in the future.
    return { ...line, occurred_at: new Date(anchor - plan.spanMs + op.at).toISOString() };
  };

  const endRun = (now: number) => {
    if (r.run.ms === 0) r.run = { ms: now - t0, reports: r.reports, accepted: r.accepted };
  };

  const pull = (now: number) => {
    if (!draining && !o.signal?.aborted && now >= runEnd) {
      draining = true;
      endRun(now);
      if (o.drain) stream.stopStarting();
      else exhausted = true;
    }
    if (o.signal?.aborted) {
      exhausted = true;
      r.unsent += pending.length; // stop soon: what waits is not sent
      pending = [];
    }
    while (!exhausted && pending.length < maxPending) {
      const due = max ? null : t0 + (units / o.rate!) * 1000;
      if (due !== null && due > now) break;
      const item = stream.next();
      if (!item) {
        exhausted = true;
        break;
      }
      units += cost(item);
      pending.push({ item, due });
    }
  };

  /** The oldest sendable ops: none of a pipeline with a request in flight, a pipeline's ops in order. */
  const takeBatch = (): { q: Queued; line: BulkLine }[] => {
    const batch: { q: Queued; line: BulkLine }[] = [];
    const held = new Set<number>();
    let rest: Queued[] = [];
    let chars = 0;
    for (let i = 0; i < pending.length; i++) {
      if (batch.length >= o.batchLines || chars >= o.batchChars) {
        rest = rest.concat(pending.slice(i)); // full: the rest waits, in order
        break;
      }
      const q = pending[i]!;
      const p = q.item.plan.index;
      if (dead.has(p)) {
        r.dropped++;
        if (q.item.last) anchors.delete(p);
        continue;
      }
      if (held.has(p) || busy.has(p)) {
        held.add(p); // its later ops wait too
        rest.push(q);
        continue;
      }
      const line = serialise(q.item);
      chars += line.op === 'report' && line.log_tail ? line.log_tail.length + 300 : 300;
      batch.push({ q, line });
    }
    pending = rest;
    return batch;
  };

  const dispatch = (batch: { q: Queued; line: BulkLine }[]) => {
    const sentAt = performance.now();
    for (const { q } of batch) {
      const p = q.item.plan.index;
      busy.set(p, (busy.get(p) ?? 0) + 1);
      if (q.due !== null && r.behind) {
        const late = Math.max(0, sentAt - q.due);
        record(r.behind, late);
        r.behindMax = Math.max(r.behindMax, late);
      }
    }
    inFlight++;
    r.requests++;
    r.reports += batch.length;
    void sink
      .send(batch.map((b) => b.line))
      .catch((err: unknown) => {
        remember(sink.errors, `send: ${(err as Error).message}`);
        return batch.map(() => 599);
      })
      .then((statuses) => {
        record(r.requestMs, performance.now() - sentAt);
        batch.forEach(({ q }, i) => {
          const { plan, op, last } = q.item;
          const p = plan.index;
          const n = busy.get(p)! - 1;
          if (n === 0) busy.delete(p);
          else busy.set(p, n);
          const status = statuses[i] ?? 599;
          const entry = o.ledger?.get(plan.pipelineId);
          if (status === 202) {
            r.accepted++;
            r.eventsExpected += op.events;
            if (entry) {
              entry.accepted++;
              entry.events += op.events;
              entry.complete = last && !entry.refused;
            }
          } else {
            dead.add(p);
            if (entry) entry.refused = true;
            if (status >= 500) r.errors++;
            else r.rejected++;
          }
          if (last && !dead.has(p)) finished(plan);
        });
        inFlight--;
        wake?.();
      });
  };

  let lastProgress = 0;
  const progress = (phase: Progress['phase']) => {
    const now = performance.now();
    const oldest = pending[0]?.due;
    o.onProgress?.({
      phase,
      elapsed_ms: Math.round(now - t0),
      pipelines: r.pipelines,
      reports: r.reports,
      accepted: r.accepted,
      rejected: r.rejected,
      errors: r.errors,
      in_flight: inFlight,
      pending: pending.length,
      remaining: stream.remaining + pending.length,
      reports_per_s: now > t0 ? Math.round((r.reports / (now - t0)) * 1000) : 0,
      behind_ms: oldest === undefined || oldest === null ? 0 : Math.max(0, Math.round(now - oldest)),
      run_ms: o.durationS * 1000,
    });
    lastProgress = now;
  };

  for (;;) {
    const now = performance.now();
    pull(now);
    while (inFlight < o.maxInFlight) {
      const batch = takeBatch();
      if (batch.length === 0) break;
      dispatch(batch);
    }
    if (exhausted && pending.length === 0 && inFlight === 0) break;
    if (o.onProgress && now - lastProgress >= o.progressEveryMs) progress(draining ? 'drain' : 'run');
    // Sleep until the next op is due (at least a tick, so ops due together share a request), or a reply.
    const nextDue = max || exhausted ? Infinity : t0 + (units / o.rate!) * 1000;
    const waitMs = Math.min(
      Math.max(o.tickMs, nextDue - performance.now()),
      Math.max(1, runEnd - performance.now()),
      o.progressEveryMs,
    );
    await new Promise<void>((resolve) => {
      const timer = setTimeout(done, max && pending.length === 0 && !exhausted ? 0 : waitMs);
      function done() {
        clearTimeout(timer);
        wake = undefined;
        resolve();
      }
      wake = done;
    });
  }
  r.unsent += pending.length;
  r.elapsedMs = performance.now() - t0;
  endRun(performance.now()); // the stream ended (or was aborted) before the duration
  if (o.onProgress) progress('done');
  return r;
}
