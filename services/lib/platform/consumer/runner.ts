// The one consumer loop of Verity. Every service that reads Kafka (decider, projector, remediator, the
// query API's live stream, ingest's verdicts and directory, replay) gives it a handler and a mode; the
// runner does the rest the same way everywhere:
//   decode once (registry codec + schema, the tightened profile included); filter by header before decoding;
//   classify every error once (classify.ts); dead-letter poison with the reason, offset and payload;
//   retry transient failures with capped backoff, never dead-lettering them; split a failing batch to find
//   the poison record (settle.ts) without losing exactly-once; commit per mode; lag from the broker's high
//   watermarks and stalls (lag-monitor.ts); spans; a consumer that crashed is recreated, never the end of
//   the process; a graceful stop that lets the slice in flight finish.
// Modes — how progress is made durable:
//   transactional  (decider) one Kafka transaction per slice: the handler's output records, the dead
//                  letters and the consumed offsets; one transactional producer per input partition, whose
//                  initialisation fences a previous owner. A failed commit: abort, drop the producer, seek to
//                  the committed offset, let the handler re-prepare (restore its state), go on.
//   external       (projector, replay) the handler stores its records with its own position (a checkpoint,
//                  compare-and-set from `from` to `next`) and the dead letters' skip; the runner seeks to the
//                  stored positions on every assignment. Dead letters reach the DLQ at least once.
//   commit         (remediator, directory) the handler's output records (idempotent producer, acks=all), then
//                  the offsets: at least once.
//   none           (live stream, verdicts) nothing committed; poison is counted and skipped, not dead-lettered.
// This file holds ConsumerRunner, the public face: its lifecycle (start, a crashed consumer recreated, stop) and
// readiness. The rest are plain functions over one shared state (state.ts): partitions.ts (assignments,
// positions, preparation, repositioning), batch.ts (one batch to its outcome), apply-slice.ts (one slice per mode).
import type { Kafka } from 'kafkajs';
import { retryDelayMs } from '../backoff.js';
import type { Logger } from '../log.js';
import type { TypedEvent } from '../registry/codec.js';
import { metrics } from '../telemetry/metrics.js';
import { onBatch } from './batch.js';
import type { ConsumerHandler, ConsumerRunnerOptions } from './contract.js';
import { keyOf, LagMonitor } from './lag-monitor.js';
import { PartitionBackoff } from './partition-backoff.js';
import { advance, onAssignment, storedPositions } from './partitions.js';
import type { RunnerState } from './state.js';
import { TransactionalProducers } from './tx-producers.js';

export type { CommitMode, ConsumedRecord, ConsumerHandler, ConsumerRunnerOptions, Output, Slice } from './contract.js';

export class ConsumerRunner<E extends TypedEvent> {
  /** What the parts of the runner share (state.ts). */
  private readonly s: RunnerState<E>;
  private readonly monitor: LagMonitor;
  private restartTimer: NodeJS.Timeout | undefined;

  constructor(
    private readonly kafka: Kafka,
    private readonly opts: ConsumerRunnerOptions<E>,
    handler: ConsumerHandler<E>,
    private readonly log: Logger,
  ) {
    if (opts.mode === 'transactional' && !opts.transactionalId)
      throw new Error('transactional mode needs transactionalId');
    if (opts.mode === 'external' && !handler.position) throw new Error('external mode needs handler.position');
    const admin = kafka.admin();
    const s: RunnerState<E> = {
      opts,
      handler,
      log,
      admin,
      consumer: undefined,
      producer: undefined,
      txProducers:
        opts.mode === 'transactional'
          ? new TransactionalProducers(kafka, opts.transactionalId!, opts.transactionGapMs)
          : undefined,
      backoff: new PartitionBackoff(this.retryPolicy(), log),
      stopping: false,
      joined: false,
      crashed: undefined,
      assigned: new Map(),
      positions: new Map(),
      stored: new Map(),
      positioning: Promise.resolve(),
      positioned: new Set(),
      unprepared: new Set(),
      preparing: undefined,
      stopped: new Map(),
    };
    this.s = s;
    this.monitor = new LagMonitor(
      admin,
      opts.groupId,
      {
        owned: () => [...s.assigned.values()],
        position: (t, p) => s.positions.get(keyOf(t, p)),
        storedPositions: (missing) => storedPositions(s, missing),
        stopped: () => s.stopped,
        end: (t, p) => opts.endAt?.(t, p),
      },
      { intervalMs: opts.lagIntervalMs ?? 5000, stallMs: opts.stallMs ?? 60_000, log },
    );
  }

  /** True, or why this consumer cannot do its work now (not joined, crashed, stalled partitions). */
  readiness(): true | string {
    const s = this.s;
    if (s.crashed) return `consumer ${this.opts.groupId} restarting after: ${s.crashed}`;
    if (!s.joined) return `consumer ${this.opts.groupId} has not joined its group yet`;
    if (s.unprepared.size > 0) return `consumer ${this.opts.groupId} is preparing ${[...s.unprepared].join(', ')}`;
    const stalled = this.monitor.stalled();
    if (stalled.length > 0) return `stalled: ${stalled.join('; ')}`;
    return true;
  }

  get ready(): boolean {
    return this.readiness() === true;
  }

  /** The offset after the last record handled of a partition this instance owns (undefined: none yet). */
  position(topic: string, partition: number): bigint | undefined {
    return this.s.positions.get(keyOf(topic, partition));
  }

  /** Stalled partitions with why, and lag per partition (for /stats). */
  status(): { stalled: string[]; lag: Record<string, number> } {
    return { stalled: this.monitor.stalled(), lag: this.monitor.lags() };
  }

  async start(): Promise<void> {
    await this.s.admin.connect();
    if (this.opts.mode !== 'transactional') {
      this.s.producer = this.kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
      await this.s.producer.connect();
    }
    await this.startConsumer();
    this.monitor.start();
  }

  private async startConsumer(): Promise<void> {
    const o = this.opts;
    const s = this.s;
    const consumer = this.kafka.consumer({
      groupId: o.groupId,
      maxBytesPerPartition: o.maxBytesPerPartition ?? 1 << 20,
      sessionTimeout: o.sessionTimeoutMs ?? 30_000,
      heartbeatInterval: 3_000,
      maxWaitTimeInMs: o.maxWaitTimeInMs ?? 100,
      // kafkajs restarts by itself after retriable errors; the CRASH handler below covers the others.
      retry: { retries: 8, initialRetryTime: 300, maxRetryTime: 10_000, restartOnFailure: async () => true },
    });
    s.consumer = consumer;
    // A new consumer (first start or after a crash) owns nothing yet: every partition it gets is new.
    s.assigned = new Map();
    consumer.on(consumer.events.GROUP_JOIN, ({ payload }) => onAssignment(s, payload.memberAssignment));
    consumer.on(consumer.events.END_BATCH_PROCESS, ({ payload }) => {
      // A batch of only transaction markers or aborted records never reaches the handler: it moves the position.
      if (payload.batchSize === 0) advance(s, payload.topic, payload.partition, BigInt(payload.lastOffset) + 1n);
    });
    consumer.on(consumer.events.CRASH, ({ payload }) => {
      s.joined = false;
      s.crashed = payload.error.message;
      // What was in flight has an unknown outcome: forget the partitions; the next join re-prepares them
      // (new transactional producers, state from what is committed) and re-reads stored positions.
      const owned = [...s.assigned.values()];
      s.assigned = new Map();
      s.unprepared.clear();
      s.positioned.clear();
      s.stored.clear();
      s.txProducers?.dropAll();
      if (owned.length > 0) s.handler.released?.(owned);
      this.log.error({ err: payload.error.message, group: o.groupId, restart: payload.restart }, 'consumer crashed');
      if (!payload.restart && !s.stopping) this.scheduleRestart();
    });
    consumer.on(consumer.events.CONNECT, () => (s.crashed = undefined));
    await consumer.connect();
    for (const topic of o.topics) await consumer.subscribe({ topic, fromBeginning: o.fromBeginning });
    // run() resolves only once the group is joined, which after a crash waits for the dead member's
    // session to end: the service is up meanwhile (/readyz says it has not joined yet).
    void consumer
      .run({
        autoCommit: false,
        eachBatchAutoResolve: false,
        partitionsConsumedConcurrently: o.concurrency ?? 1,
        eachBatch: (payload) => onBatch(s, payload),
      })
      .catch((err: Error) => {
        if (s.stopping) return;
        s.crashed = err.message;
        this.log.error({ err: err.message, group: o.groupId }, 'the consumer could not start; recreating it');
        void consumer.disconnect().catch(() => undefined);
        this.scheduleRestart();
      });
  }

  /** A consumer that will not restart by itself is recreated after a backoff: one crash never ends the service. */
  private scheduleRestart(attempt = 0): void {
    const delay = retryDelayMs(attempt, this.retryPolicy(), null) ?? 1000;
    this.restartTimer = setTimeout(
      () => {
        if (this.s.stopping) return;
        metrics.consumerRestarts.inc({ group: this.opts.groupId });
        this.s.txProducers?.dropAll();
        void this.startConsumer().then(
          () => this.log.info({ group: this.opts.groupId }, 'consumer recreated'),
          (err: Error) => {
            this.log.warn({ err: err.message, group: this.opts.groupId }, 'recreating the consumer failed; retrying');
            this.scheduleRestart(attempt + 1);
          },
        );
      },
      Math.max(500, delay),
    );
  }

  private retryPolicy() {
    return this.opts.retry ?? { baseMs: 200, maxMs: 30_000 };
  }

  /** Stops taking records, lets the slice in flight finish, removes this group's metric series. */
  async stop(): Promise<void> {
    const s = this.s;
    s.stopping = true;
    s.backoff.stop();
    if (this.restartTimer) clearTimeout(this.restartTimer);
    await s.consumer
      ?.disconnect()
      .catch((err: Error) => this.log.warn({ err: err.message }, 'consumer disconnect failed'));
    await this.monitor.stop();
    await s.txProducers?.close();
    await s.producer?.disconnect().catch(() => undefined);
    await s.admin.disconnect().catch(() => undefined);
    s.joined = false;
  }
}
