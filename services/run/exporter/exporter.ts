// The exporter shell: the handler of ci.pipeline.events.v1 for the consumer runner in commit mode (its own
// consumer group, verity-exporter): each canonical event that has a CDEvent (to-cdevents.ts) is POSTed to the
// sink (sink.ts), and a slice's offsets are committed only once the sink took every event of it.
//   At least once: an event the sink took may be sent again — after a restart or a rebalance, the events after
//   the last commit are — with the same CloudEvent id (the Verity event_id), by which the sink knows it.
//   Order: one pipeline's events are sent one after the other, in offset order; pipelines go in parallel, with
//   at most EXPORTER_MAX_IN_FLIGHT requests at once.
//   Retries: a request the sink did not take (5xx, 429, a timeout, …) is sent again after a backoff (the
//   sink's Retry-After, else capped exponential with jitter) — within EXPORTER_BATCH_BUDGET_MS, as kafkajs
//   sends no heartbeat while a batch is handled. Past it the slice fails as transient: the runner waits
//   (heartbeating) and hands it back; what the sink took is remembered and not sent again. A Retry-After
//   holds every request of the exporter until it passes (at most EXPORTER_BACKOFF_MAX_MS).
//   An event the sink rejects as malformed (400, 413, 415, 422) is logged and counted, never retried.
import type { CloudEvent } from 'cloudevents';
import type { Kafka } from 'kafkajs';
import type { PipelineEvent } from '../../lib/core/events/generated.js';
import { retryDelayMs } from '../../lib/platform/backoff.js';
import { TransientError } from '../../lib/platform/consumer/errors.js';
import { ConsumerRunner, type Output, type Slice } from '../../lib/platform/consumer/runner.js';
import { TOPICS } from '../../lib/platform/kafka/topics.js';
import type { Logger } from '../../lib/platform/log.js';
import type { EventCodec } from '../../lib/platform/registry/codec.js';
import type { ExporterConfig } from './config.js';
import { exporterMetrics } from './metrics.js';
import type { Sink } from './sink.js';
import { EXPORTED_TYPES, toCdevent, type Cdevent } from './to-cdevents.js';

/** Bytes fetched per partition and batch: a batch must be sent well within the budget. */
const FETCH_BYTES = 256 * 1024;

export interface ExporterStats {
  delivered: number;
  rejected: number;
  retries: number;
  batches: number;
  lastDeliveredAt: string | null;
  lastFailure: string | null;
}

export class Exporter {
  private readonly runner: ConsumerRunner<PipelineEvent>;
  private readonly abort = new AbortController();
  /** Per partition: ids of events the sink took in a slice not committed yet (not sent again on a retry). */
  private readonly taken = new Map<number, Set<string>>();
  /** No request before this instant: the sink's last Retry-After. */
  private notBefore = 0;
  readonly stats: ExporterStats = {
    delivered: 0,
    rejected: 0,
    retries: 0,
    batches: 0,
    lastDeliveredAt: null,
    lastFailure: null,
  };

  constructor(
    kafka: Kafka,
    codec: EventCodec<PipelineEvent>,
    private readonly sink: Sink,
    private readonly config: ExporterConfig,
    private readonly log: Logger,
    private readonly random: () => number = Math.random,
  ) {
    this.runner = new ConsumerRunner(
      kafka,
      {
        service: 'exporter',
        groupId: config.groupId,
        topics: [TOPICS.pipelineEvents],
        codecs: new Map([[TOPICS.pipelineEvents, codec]]),
        mode: 'commit',
        fromBeginning: config.fromBeginning,
        // Most canonical events have no CDEvent: passed over by their type header, before decoding.
        accept: (m) => {
          const type = m.headers?.['event-type']?.toString();
          return type === undefined || EXPORTED_TYPES.has(type);
        },
        spans: 'batch',
        maxBytesPerPartition: FETCH_BYTES,
        maxWaitTimeInMs: 200,
        sessionTimeoutMs: config.sessionTimeoutMs,
        stallMs: config.stallMs,
      },
      {
        process: (slice) => this.onSlice(slice),
        released: (parts) => parts.forEach((p) => this.taken.delete(p.partition)),
      },
      log,
    );
  }

  async start(): Promise<void> {
    await this.runner.start();
  }

  /** True, or why not (joining, stalled partitions: a sink down for STALL_SECONDS shows here). */
  readiness(): true | string {
    return this.runner.readiness();
  }

  consumerStatus() {
    return this.runner.status();
  }

  /** Ends every wait for the sink, lets the slice in flight end (uncommitted), stops the consumer. */
  async stop(): Promise<void> {
    this.abort.abort();
    await this.runner.stop();
  }

  private async onSlice(slice: Slice<PipelineEvent>): Promise<Output> {
    const taken = this.taken.get(slice.partition) ?? new Set<string>();
    this.taken.set(slice.partition, taken);
    const lanes = new Map<string, CloudEvent<Cdevent>[]>();
    for (const r of slice.records) {
      const ce = toCdevent(r.event, this.config);
      if (!ce || taken.has(ce.id)) continue;
      const lane = lanes.get(r.event.pipeline_id);
      if (lane) lane.push(ce);
      else lanes.set(r.event.pipeline_id, [ce]);
    }
    const deadline = Date.now() + this.config.batchBudgetMs;
    const queue = [...lanes.values()];
    const worker = async () => {
      for (let lane = queue.shift(); lane; lane = queue.shift())
        for (const ce of lane) await this.send(ce, taken, deadline);
    };
    const workers = Array.from({ length: Math.min(this.config.maxInFlight, queue.length) }, worker);
    const failed = (await Promise.allSettled(workers)).find((r) => r.status === 'rejected');
    if (failed) throw (failed as PromiseRejectedResult).reason;
    return {
      onCommitted: () => {
        if (this.taken.get(slice.partition) === taken) this.taken.delete(slice.partition);
        this.stats.batches++;
      },
    };
  }

  /** One event until the sink takes or rejects it; a TransientError once the budget of the slice is spent. */
  private async send(ce: CloudEvent<Cdevent>, taken: Set<string>, deadline: number): Promise<void> {
    for (let retry = 0; ; retry++) {
      await this.waitUntil(Math.max(this.notBefore, Date.now()), deadline, 'the sink asked to wait (Retry-After)');
      if (Date.now() > deadline) throw new TransientError('the batch took its whole budget; the rest is sent next try');
      const answer = await this.sink.post(ce, this.abort.signal).catch((err: unknown) => {
        throw new TransientError('stopping', { cause: err });
      });
      exporterMetrics.requests.inc({ result: answer.kind });
      if (answer.kind === 'ok') {
        taken.add(ce.id);
        this.stats.delivered++;
        this.stats.lastDeliveredAt = new Date().toISOString();
        exporterMetrics.delivered.inc({ cdevent: ce.type.split('.').slice(2, 4).join('.') });
        return;
      }
      if (answer.kind === 'rejected') {
        taken.add(ce.id);
        this.stats.rejected++;
        this.log.error(
          { event: ce.id, type: ce.type, status: answer.status },
          'the sink rejected a CDEvent as malformed: it is not sent again',
        );
        return;
      }
      this.stats.retries++;
      this.stats.lastFailure = `${new Date().toISOString()} ${answer.reason}`;
      // A Retry-After longer than the backoff's longest wait is cut to it: never null below.
      const after = answer.retryAfterMs === null ? null : Math.min(answer.retryAfterMs, this.config.backoff.maxMs);
      if (after !== null) this.notBefore = Math.max(this.notBefore, Date.now() + after);
      const ms = retryDelayMs(retry, this.config.backoff, after, this.random) ?? this.config.backoff.maxMs;
      this.log[retry < 3 ? 'warn' : 'error'](
        { event: ce.id, reason: answer.reason, retry, waitMs: ms },
        'the sink did not take a CDEvent; sending it again',
      );
      await this.waitUntil(Date.now() + ms, deadline, `the sink answered ${answer.reason}`);
    }
  }

  /** Sleeps until `at`; a TransientError instead when `at` is past the deadline, or the exporter stops. */
  private async waitUntil(at: number, deadline: number, why: string): Promise<void> {
    const ms = at - Date.now();
    if (ms <= 0) return;
    if (at > deadline) throw new TransientError(`${why}; the batch is tried again later`);
    const signal = this.abort.signal;
    await new Promise<void>((resolve) => {
      const t = setTimeout(done, ms);
      function done() {
        clearTimeout(t);
        signal.removeEventListener('abort', done);
        resolve();
      }
      signal.addEventListener('abort', done, { once: true });
    });
    if (signal.aborted) throw new TransientError('stopping');
  }
}
