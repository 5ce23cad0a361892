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
import { context, ROOT_CONTEXT, trace, type Span } from '@opentelemetry/api';
import type { Admin, Consumer, EachBatchPayload, Kafka, KafkaMessage, Message, Producer } from 'kafkajs';
import { retryDelayMs } from '../backoff.js';
import { dlqOf } from '../kafka/topics.js';
import type { Logger } from '../log.js';
import type { EventCodec, TypedEvent } from '../registry/codec.js';
import { SpanGroup, startBatchSpan, startRecordSpan } from '../telemetry/kafka-context.js';
import { countEvents, metrics } from '../telemetry/metrics.js';
import { classifyError, type Classified } from './classify.js';
import { deadLetterMessage, deadLetterOf, type DeadLetter } from './dead-letter.js';
import { RepositionError } from './errors.js';
import { keyOf, LagMonitor, type TopicPartition } from './lag-monitor.js';
import { settle } from './settle.js';
import { chunked } from './chunked.js';

export type CommitMode = 'transactional' | 'external' | 'commit' | 'none';

export interface ConsumedRecord<E> {
  topic: string;
  partition: number;
  offset: bigint;
  message: KafkaMessage;
  event: E;
  /** 'record' spans: the CONSUMER span of this record (child of the context it carries). */
  span?: Span;
}

export interface Slice<E> {
  topic: string;
  partition: number;
  /** The decoded records the handler takes, in offset order (filtered and dead ones left out). */
  records: ConsumedRecord<E>[];
  /** Records of this slice that are poison: the handler records their skip (external mode). */
  deadLetters: DeadLetter[];
  /** External mode: the stored position before this slice (null: none stored yet). */
  from: bigint | null;
  /** The position after the slice: the offset after its last record. */
  next: bigint;
  /** 'batch' spans: the slice's span (active while `process` runs). */
  span?: Span;
  /** Spans the handler starts for the slice (e.g. its send span): ended with the batch. */
  spans: SpanGroup;
}

export interface Output {
  /** Records to produce with the slice (transactional: in its transaction; commit: before its offsets). */
  messages?: { topic: string; messages: Message[] }[];
  /** Called once the slice's progress is durable (adopt state computed from it). */
  onCommitted?: () => void;
  /** Transactional: called after the records were sent inside the transaction, before it commits (fault injection). */
  beforeCommit?: () => void;
}

export interface ConsumerHandler<E> {
  process(slice: Slice<E>): Promise<Output | void>;
  /** External mode: the stored position of a partition, or null (none: start at the low watermark). */
  position?(topic: string, partition: number): Promise<bigint | null>;
  /**
   * Makes the handler ready to process these partitions from their committed position (the decider
   * restores its state): after an assignment, once their transactional producers fenced the previous
   * owner, and again after a failed transaction. Awaited before their records are processed.
   */
  prepare?(partitions: TopicPartition[]): Promise<void>;
  /** Partitions this instance no longer owns. */
  released?(partitions: TopicPartition[]): void;
}

export interface ConsumerRunnerOptions<E extends TypedEvent> {
  /** Metrics and log label (decider, projector, …). */
  service: string;
  groupId: string;
  topics: string[];
  codecs: ReadonlyMap<string, EventCodec<E>>;
  mode: CommitMode;
  fromBeginning: boolean;
  /** A bounded read (replay): the offset where a partition ends (exclusive); it is paused once there. */
  endAt?: (topic: string, partition: number) => bigint | undefined;
  /** Records to skip before decoding (e.g. by their event-type header); they still count as handled. */
  accept?: (message: KafkaMessage, topic: string, partition: number) => boolean;
  /** Transactional mode: the transactional id of an input partition's producer. */
  transactionalId?: (partition: number) => string;
  /** 'record': a CONSUMER span per record; 'batch': one span per slice, linked to each record's context. */
  spans?: 'record' | 'batch' | 'none';
  concurrency?: number;
  maxBytesPerPartition?: number;
  sessionTimeoutMs?: number;
  maxWaitTimeInMs?: number;
  /** Behind and not moving for this long → stalled (/readyz 503); services pass STALL_SECONDS (config.stallMs). Default 60 s. */
  stallMs?: number;
  /** How often the high watermarks are read. */
  lagIntervalMs?: number;
  /** Capped exponential backoff of retries. */
  retry?: { baseMs: number; maxMs: number };
  /** Write dead letters to `<topic>.dlq` (default; never in 'none' mode). Off: poison is only handed to the handler, counted and logged. */
  deadLetters?: boolean;
  /** External mode: commit Kafka offsets too, after the sink (for outside tools only; the sink is the truth). */
  commitForMonitoring?: boolean;
}

export interface RunnerStats {
  batches: number;
  records: number;
  deadLetters: number;
  retries: number;
  consumerRestarts: number;
}

type Item<E> =
  | { kind: 'record'; offset: bigint; message: KafkaMessage; event: E; span?: Span }
  | { kind: 'filtered'; offset: bigint; message: KafkaMessage }
  | { kind: 'dead'; offset: bigint; message: KafkaMessage; dead: DeadLetter };

const sleep = (ms: number, signal: AbortSignal) =>
  new Promise<boolean>((resolve) => {
    if (signal.aborted) return resolve(false);
    const t = setTimeout(() => {
      signal.removeEventListener('abort', onAbort);
      resolve(true);
    }, ms);
    const onAbort = () => {
      clearTimeout(t);
      resolve(false);
    };
    signal.addEventListener('abort', onAbort, { once: true });
  });

export class ConsumerRunner<E extends TypedEvent> {
  private consumer: Consumer | undefined;
  private readonly admin: Admin;
  private producer: Producer | undefined;
  private readonly txProducers = new Map<number, Promise<Producer>>();
  private readonly abort = new AbortController();
  private stopping = false;
  private joined = false;
  private crashed: string | undefined;
  private assigned = new Map<string, TopicPartition>();
  /** In-memory position per partition (offset after the last record handled). */
  private readonly positions = new Map<string, bigint>();
  /** External mode: the position stored by the handler, as last read or written. */
  private readonly stored = new Map<string, bigint | null>();
  private positioning: Promise<void> = Promise.resolve();
  private readonly positioned = new Set<string>();
  /** Transactional/prepare: partitions whose handler state must be prepared before processing. */
  private readonly unprepared = new Set<string>();
  private preparing: Promise<void> | undefined;
  /** Partitions stopped by the handler (StallError), with why. */
  private readonly stopped = new Map<string, string>();
  /** Consecutive failed attempts per partition, for the backoff. */
  private readonly failures = new Map<string, number>();
  private readonly monitor: LagMonitor;
  private restartTimer: NodeJS.Timeout | undefined;
  readonly stats: RunnerStats = { batches: 0, records: 0, deadLetters: 0, retries: 0, consumerRestarts: 0 };

  constructor(
    private readonly kafka: Kafka,
    private readonly opts: ConsumerRunnerOptions<E>,
    private readonly handler: ConsumerHandler<E>,
    private readonly log: Logger,
  ) {
    if (opts.mode === 'transactional' && !opts.transactionalId) throw new Error('transactional mode needs transactionalId');
    if (opts.mode === 'external' && !handler.position) throw new Error('external mode needs handler.position');
    this.admin = kafka.admin();
    this.monitor = new LagMonitor(this.admin, opts.groupId, {
      owned: () => [...this.assigned.values()],
      position: (t, p) => this.positions.get(keyOf(t, p)),
      storedPositions: (missing) => this.storedPositions(missing),
      stopped: () => this.stopped,
    }, { intervalMs: opts.lagIntervalMs ?? 5000, stallMs: opts.stallMs ?? 60_000, log });
  }

  get group(): string {
    return this.opts.groupId;
  }

  /** True, or why this consumer cannot do its work now (not joined, crashed, stalled partitions). */
  readiness(): true | string {
    if (this.crashed) return `consumer ${this.opts.groupId} restarting after: ${this.crashed}`;
    if (!this.joined) return `consumer ${this.opts.groupId} has not joined its group yet`;
    if (this.unprepared.size > 0) return `consumer ${this.opts.groupId} is preparing ${[...this.unprepared].join(', ')}`;
    const stalled = this.monitor.stalled();
    if (stalled.length > 0) return `stalled: ${stalled.join('; ')}`;
    return true;
  }

  get ready(): boolean {
    return this.readiness() === true;
  }

  /** The offset after the last record handled of a partition this instance owns (undefined: none yet). */
  position(topic: string, partition: number): bigint | undefined {
    return this.positions.get(keyOf(topic, partition));
  }

  /** Stalled partitions with why, and lag per partition (for /stats). */
  status(): { stalled: string[]; lag: Record<string, number> } {
    return { stalled: this.monitor.stalled(), lag: this.monitor.lags() };
  }

  async start(): Promise<void> {
    await this.admin.connect();
    if (this.opts.mode !== 'transactional') {
      this.producer = this.kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
      await this.producer.connect();
    }
    await this.startConsumer();
    this.monitor.start();
  }

  private async startConsumer(): Promise<void> {
    const o = this.opts;
    const consumer = this.kafka.consumer({
      groupId: o.groupId,
      maxBytesPerPartition: o.maxBytesPerPartition ?? 1 << 20,
      sessionTimeout: o.sessionTimeoutMs ?? 30_000,
      heartbeatInterval: 3_000,
      maxWaitTimeInMs: o.maxWaitTimeInMs ?? 100,
      // kafkajs restarts by itself after retriable errors; the CRASH handler below covers the others.
      retry: { retries: 8, initialRetryTime: 300, maxRetryTime: 10_000, restartOnFailure: async () => true },
    });
    this.consumer = consumer;
    // A new consumer (first start or after a crash) owns nothing yet: every partition it gets is new.
    this.assigned = new Map();
    consumer.on(consumer.events.GROUP_JOIN, ({ payload }) => this.onAssignment(payload.memberAssignment));
    consumer.on(consumer.events.END_BATCH_PROCESS, ({ payload }) => {
      // A batch of only transaction markers or aborted records never reaches the handler: it moves the position.
      if (payload.batchSize === 0) this.advance(payload.topic, payload.partition, BigInt(payload.lastOffset) + 1n);
    });
    consumer.on(consumer.events.CRASH, ({ payload }) => {
      this.joined = false;
      this.crashed = payload.error.message;
      // What was in flight has an unknown outcome: forget the partitions; the next join re-prepares them
      // (new transactional producers, state from what is committed) and re-reads stored positions.
      const owned = [...this.assigned.values()];
      this.assigned = new Map();
      this.unprepared.clear();
      this.positioned.clear();
      this.stored.clear();
      if (this.opts.mode === 'transactional') this.dropTxProducers();
      if (owned.length > 0) this.handler.released?.(owned);
      this.log.error({ err: payload.error.message, group: o.groupId, restart: payload.restart }, 'consumer crashed');
      if (!payload.restart && !this.stopping) this.scheduleRestart();
    });
    consumer.on(consumer.events.CONNECT, () => (this.crashed = undefined));
    await consumer.connect();
    for (const topic of o.topics) await consumer.subscribe({ topic, fromBeginning: o.fromBeginning });
    // run() resolves only once the group is joined, which after a crash waits for the dead member's
    // session to end: the service is up meanwhile (/readyz says it has not joined yet).
    void consumer
      .run({
        autoCommit: false,
        eachBatchAutoResolve: false,
        partitionsConsumedConcurrently: o.concurrency ?? 1,
        eachBatch: (payload) => this.onBatch(payload),
      })
      .catch((err: Error) => {
        if (this.stopping) return;
        this.crashed = err.message;
        this.log.error({ err: err.message, group: o.groupId }, 'the consumer could not start; recreating it');
        void consumer.disconnect().catch(() => undefined);
        this.scheduleRestart();
      });
  }

  /** A consumer that will not restart by itself is recreated after a backoff: one crash never ends the service. */
  private scheduleRestart(attempt = 0): void {
    const delay = retryDelayMs(attempt, this.retryPolicy(), null) ?? 1000;
    this.restartTimer = setTimeout(() => {
      if (this.stopping) return;
      this.stats.consumerRestarts++;
      metrics.consumerRestarts.inc({ group: this.opts.groupId });
      this.dropTxProducers();
      void this.startConsumer().then(
        () => this.log.info({ group: this.opts.groupId }, 'consumer recreated'),
        (err: Error) => {
          this.log.warn({ err: err.message, group: this.opts.groupId }, 'recreating the consumer failed; retrying');
          this.scheduleRestart(attempt + 1);
        },
      );
    }, Math.max(500, delay));
  }

  private retryPolicy() {
    return this.opts.retry ?? { baseMs: 200, maxMs: 30_000 };
  }

  private onAssignment(assignment: Record<string, number[]>): void {
    const next = new Map<string, TopicPartition>();
    for (const topic of this.opts.topics) for (const partition of assignment[topic] ?? []) next.set(keyOf(topic, partition), { topic, partition });
    const released = [...this.assigned].filter(([k]) => !next.has(k)).map(([, tp]) => tp);
    const added = [...next].filter(([k]) => !this.assigned.has(k)).map(([, tp]) => tp);
    for (const tp of released) {
      const key = keyOf(tp.topic, tp.partition);
      this.positions.delete(key);
      this.stored.delete(key);
      this.stopped.delete(key);
      this.failures.delete(key);
      this.unprepared.delete(key);
      if (this.opts.mode === 'transactional') this.dropTxProducer(tp.partition);
    }
    if (released.length > 0) this.handler.released?.(released);
    this.assigned = next;
    this.joined = true;
    this.crashed = undefined;
    this.log.info({ group: this.opts.groupId, partitions: [...next.keys()], added: added.length, released: released.length }, 'assignment');
    if (this.opts.mode === 'external') {
      // Another instance may have advanced any checkpoint meanwhile: re-read and seek every partition.
      this.positioned.clear();
      this.stored.clear();
      const all = [...next.values()];
      this.positioning = this.seekToStored(all).catch((err: Error) => this.log.error({ err: err.message }, 'seeking to stored positions failed; retried at the next batch'));
    }
    if (this.handler.prepare || this.opts.mode === 'transactional') {
      for (const tp of added) this.unprepared.add(keyOf(tp.topic, tp.partition));
      // Prepare now, not at the first batch: an idle instance becomes ready (and fences the previous owners).
      void this.ensurePrepared().catch((err: Error) => this.log.warn({ err: err.message }, 'preparing partitions failed; retried at the next batch'));
    }
  }

  private async seekToStored(partitions: TopicPartition[]): Promise<void> {
    for (const tp of partitions) {
      const offset = await this.storedOrLow(tp);
      this.consumer!.seek({ topic: tp.topic, partition: tp.partition, offset: offset.toString() });
      this.positioned.add(keyOf(tp.topic, tp.partition));
    }
  }

  /** External mode: the handler's stored position, or the low watermark when none is stored. */
  private async storedOrLow(tp: TopicPartition): Promise<bigint> {
    const key = keyOf(tp.topic, tp.partition);
    if (!this.stored.has(key)) this.stored.set(key, await this.handler.position!(tp.topic, tp.partition));
    const s = this.stored.get(key);
    if (s !== null && s !== undefined) return s;
    const low = (await this.admin.fetchTopicOffsets(tp.topic)).find((o) => o.partition === tp.partition)?.low ?? '0';
    return BigInt(low);
  }

  private async storedPositions(missing: TopicPartition[]): Promise<Map<string, bigint>> {
    const out = new Map<string, bigint>();
    if (this.opts.mode === 'external') {
      for (const tp of missing) {
        const s = this.stored.get(keyOf(tp.topic, tp.partition));
        if (s !== null && s !== undefined) out.set(keyOf(tp.topic, tp.partition), s);
      }
      return out;
    }
    if (this.opts.mode === 'none') return out;
    for (const topic of new Set(missing.map((m) => m.topic))) {
      const fetched = await this.admin.fetchOffsets({ groupId: this.opts.groupId, topics: [topic] });
      for (const p of fetched[0]?.partitions ?? []) if (BigInt(p.offset) >= 0n) out.set(keyOf(topic, p.partition), BigInt(p.offset));
    }
    return out;
  }

  /** Prepares every partition waiting for it, once; concurrent batches share the same run. */
  private ensurePrepared(): Promise<void> {
    if (this.unprepared.size === 0) return Promise.resolve();
    this.preparing ??= (async () => {
      try {
        while (this.unprepared.size > 0) {
          const keys = [...this.unprepared];
          const parts = keys.map((k) => [...this.assigned.values()].find((tp) => keyOf(tp.topic, tp.partition) === k)).filter((x): x is TopicPartition => x !== undefined);
          if (this.opts.mode === 'transactional') await Promise.all(parts.map((tp) => this.txProducer(tp.partition)));
          await this.handler.prepare?.(parts);
          for (const k of keys) if (this.assigned.has(k)) this.unprepared.delete(k);
          for (const k of keys) if (!this.assigned.has(k)) this.unprepared.delete(k);
        }
      } finally {
        this.preparing = undefined;
      }
    })();
    return this.preparing;
  }

  /** The partition's transactional producer; concurrent callers share one (two with one id would fence each other). */
  private txProducer(partition: number): Promise<Producer> {
    let p = this.txProducers.get(partition);
    if (!p) {
      const producer = this.kafka.producer({ transactionalId: this.opts.transactionalId!(partition), idempotent: true, maxInFlightRequests: 1, transactionTimeout: 60_000 });
      // InitProducerId fences the previous owner and completes (aborts) its open transaction.
      p = producer.connect().then(() => producer);
      p.catch(() => this.txProducers.delete(partition));
      this.txProducers.set(partition, p);
    }
    return p;
  }

  private dropTxProducer(partition: number): void {
    const p = this.txProducers.get(partition);
    this.txProducers.delete(partition);
    void p?.then((x) => x.disconnect()).catch(() => undefined);
  }

  private dropTxProducers(): void {
    for (const partition of [...this.txProducers.keys()]) this.dropTxProducer(partition);
  }

  private advance(topic: string, partition: number, position: bigint): void {
    const key = keyOf(topic, partition);
    if (position > (this.positions.get(key) ?? -1n)) this.positions.set(key, position);
  }

  private async onBatch(payload: EachBatchPayload): Promise<void> {
    const { batch, isRunning, isStale } = payload;
    const { topic, partition } = batch;
    const key = keyOf(topic, partition);
    if (batch.messages.length === 0 || !isRunning() || isStale() || this.stopping || this.stopped.has(key)) return;
    if (this.opts.mode === 'external') {
      await this.positioning;
      if (!this.positioned.has(key)) {
        // The seek failed or has not happened: retry it and refetch.
        this.positioning = this.seekToStored([{ topic, partition }]).catch((err: Error) => this.log.warn({ err: err.message }, 'seeking failed'));
        await this.backoff(key, { class: 'transient', reason: 'positioning' }, payload);
        return;
      }
    }
    if (this.unprepared.has(key)) {
      try {
        await this.ensurePrepared();
      } catch (err) {
        await this.backoff(key, classifyError(err), payload);
        return;
      }
      if (isStale() || !isRunning()) return;
    }

    let messages = batch.messages;
    const end = this.opts.endAt?.(topic, partition);
    if (end !== undefined) {
      messages = messages.filter((m) => BigInt(m.offset) < end);
      if (messages.length === 0) {
        payload.pause();
        return;
      }
    }
    if (this.opts.mode === 'external') {
      const start = await this.storedOrLow({ topic, partition });
      messages = messages.filter((m) => BigInt(m.offset) >= start);
      if (messages.length === 0) {
        payload.resolveOffset(batch.lastOffset());
        this.advance(topic, partition, BigInt(batch.lastOffset()) + 1n);
        return;
      }
    }
    const spans = new SpanGroup();
    let items: Item<E>[];
    try {
      items = await this.decode(topic, partition, messages, spans, payload);
    } catch {
      spans.end();
      return; // stopping or stale during a retry of the registry
    }
    if (items.length === 0) {
      spans.end();
      return;
    }
    const started = Date.now();
    /** Offsets whose dead letter this batch already wrote (external mode writes them before the sink: not again on a retry or split). */
    const dlqSent = new Set<bigint>();
    const result = await settle<Item<E>>(items, {
      apply: (slice) => this.apply(topic, partition, slice, spans, dlqSent),
      toDead: (item, err, why) => {
        const dead = deadLetterOf(topic, partition, item.offset, item.message, err, why);
        if (item.kind === 'record') item.span?.setAttribute('verity.dead_letter', why.reason);
        return { kind: 'dead', offset: item.offset, message: item.message, dead };
      },
      wait: (attempt, why) => this.wait(key, attempt, why, payload),
      abandoned: () => this.stopping || !payload.isRunning() || payload.isStale() || !this.assigned.has(key),
      onFailure: (slice, err, why, attempt) => {
        metrics.consumerFailures.inc({ group: this.opts.groupId, class: why.class });
        const level = why.class === 'transient' && attempt < 3 ? 'warn' : 'error';
        this.log[level]({ group: this.opts.groupId, topic, partition, from: slice[0]!.offset.toString(), to: slice.at(-1)!.offset.toString(), records: slice.length, class: why.class, reason: why.reason, err: (err as Error)?.message ?? String(err), attempt }, 'processing a slice failed');
      },
    });
    spans.end();
    if (result.kind === 'done') {
      this.failures.delete(key);
      if (end !== undefined && messages.length < batch.messages.length) {
        // The bounded read ends inside this batch: everything before its end is handled (transaction
        // markers included), nothing past it.
        payload.resolveOffset(messages.at(-1)!.offset);
        this.advance(topic, partition, end);
        payload.pause();
      } else {
        payload.resolveOffset(batch.lastOffset());
        this.advance(topic, partition, BigInt(batch.lastOffset()) + 1n);
      }
      this.stats.batches++;
      this.stats.records += messages.length;
      metrics.batchSize.observe({ service: this.opts.service }, messages.length);
      countEvents(this.opts.service, topic, items.flatMap((i) => (i.kind === 'record' ? [i.event.type] : [])));
      if (this.opts.mode === 'external' && this.opts.commitForMonitoring) {
        await this.consumer!.commitOffsets([{ topic, partition, offset: (BigInt(items.at(-1)!.offset) + 1n).toString() }]).catch((e: Error) => this.log.debug({ err: e.message }, 'offset commit for monitoring failed'));
      }
      await payload.heartbeat().catch(() => undefined);
      this.log.debug({ topic, partition, records: messages.length, ms: Date.now() - started }, 'batch');
      return;
    }
    if (result.kind === 'stall') {
      const why = (result.err as Error).message;
      this.stopped.set(key, why);
      this.log.error({ group: this.opts.groupId, topic, partition, err: why }, 'partition stopped: nothing of the batch was applied; see /readyz');
      payload.pause();
      return;
    }
    if (result.kind === 'reposition') await this.reposition(topic, partition, result.err, payload);
  }

  /** Decodes the batch once: filtered by header, poison as dead letters; a registry outage is waited out. */
  private async decode(topic: string, partition: number, messages: KafkaMessage[], spans: SpanGroup, payload: EachBatchPayload): Promise<Item<E>[]> {
    const codec = this.opts.codecs.get(topic);
    if (!codec) throw new Error(`no codec for ${topic}`);
    const key = keyOf(topic, partition);
    for (let attempt = 1; ; attempt++) {
      const items: Item<E>[] = [];
      try {
        for (const m of messages) {
          const offset = BigInt(m.offset);
          if (this.opts.accept && !this.opts.accept(m, topic, partition)) {
            items.push({ kind: 'filtered', offset, message: m });
            continue;
          }
          try {
            const { event } = await codec.decode(m.value);
            items.push({ kind: 'record', offset, message: m, event });
          } catch (err) {
            const why = classifyError(err);
            if (why.class !== 'poison') throw err;
            items.push({ kind: 'dead', offset, message: m, dead: deadLetterOf(topic, partition, offset, m, err, why) });
          }
        }
      } catch (err) {
        const why = classifyError(err);
        metrics.consumerFailures.inc({ group: this.opts.groupId, class: why.class });
        this.log.warn({ group: this.opts.groupId, topic, partition, err: (err as Error).message, reason: why.reason }, 'decoding a batch failed; retrying');
        if (!(await this.wait(key, attempt, why, payload))) throw err;
        continue;
      }
      const mode = this.opts.spans ?? 'none';
      if (mode === 'record') {
        for (const i of items) if (i.kind === 'record') i.span = spans.add(startRecordSpan({ topic, partition, group: this.opts.groupId, message: i.message }));
      }
      return items;
    }
  }

  /** Applies one slice according to the mode; throws to let settle() retry, split or dead-letter. */
  private async apply(topic: string, partition: number, slice: Item<E>[], spans: SpanGroup, dlqSent: Set<bigint>): Promise<void> {
    const key = keyOf(topic, partition);
    const records = slice.flatMap((i) => (i.kind === 'record' ? [{ topic, partition, offset: i.offset, message: i.message, event: i.event, ...(i.span ? { span: i.span } : {}) }] : []));
    const deadLetters = slice.flatMap((i) => (i.kind === 'dead' ? [i.dead] : []));
    const next = slice.at(-1)!.offset + 1n;
    const from = this.opts.mode === 'external' ? (this.stored.get(key) ?? null) : null;
    let span: Span | undefined;
    if ((this.opts.spans ?? 'none') === 'batch' && records.length > 0) span = startBatchSpan({ topic, partition, group: this.opts.groupId, messages: records.map((r) => r.message) });
    const input: Slice<E> = { topic, partition, records, deadLetters, from, next, spans, ...(span ? { span } : {}) };
    const dlqMessages = this.opts.deadLetters === false ? [] : deadLetters.map((d) => deadLetterMessage(d, this.opts.groupId));
    try {
      switch (this.opts.mode) {
        case 'transactional':
          await this.applyTransactional(input, dlqMessages);
          break;
        case 'external': {
          const unsent = deadLetters.flatMap((d, i) => (dlqSent.has(d.offset) ? [] : [dlqMessages[i]!]));
          if (unsent.length > 0) await this.producer!.send({ topic: dlqOf(topic), acks: -1, messages: unsent });
          for (const d of deadLetters) dlqSent.add(d.offset);
          const run = () => this.handler.process(input);
          await (span ? context.with(trace.setSpan(ROOT_CONTEXT, span), run) : run());
          this.stored.set(key, next);
          break;
        }
        case 'commit': {
          const out = (await this.handler.process(input)) ?? {};
          const topicMessages = [...(out.messages ?? []), ...(dlqMessages.length > 0 ? [{ topic: dlqOf(topic), messages: dlqMessages }] : [])].filter((t) => t.messages.length > 0);
          for (const chunk of chunked(topicMessages)) await this.producer!.sendBatch({ topicMessages: chunk, acks: -1 });
          await this.consumer!.commitOffsets([{ topic, partition, offset: next.toString() }]);
          out.onCommitted?.();
          break;
        }
        case 'none': {
          const out = (await this.handler.process(input)) ?? {};
          for (const d of deadLetters) this.log.warn({ group: this.opts.groupId, topic, partition, offset: d.offset.toString(), reason: d.why.reason, err: d.error }, 'undecodable record skipped');
          out.onCommitted?.();
          break;
        }
      }
      span?.end();
    } catch (err) {
      span?.recordException(err as Error);
      span?.end();
      throw err;
    }
    this.advance(topic, partition, next);
    if (deadLetters.length > 0) {
      this.stats.deadLetters += deadLetters.length;
      if (this.opts.mode !== 'none' && this.opts.deadLetters !== false) metrics.dlq.inc({ topic: dlqOf(topic) }, deadLetters.length);
      for (const d of deadLetters) this.log.warn({ group: this.opts.groupId, topic, partition, offset: d.offset.toString(), reason: d.why.reason, err: d.error }, 'poison record dead-lettered; the partition goes on');
    }
  }

  private async applyTransactional(input: Slice<E>, dlqMessages: Message[]): Promise<void> {
    const out = (await this.handler.process(input)) ?? {};
    const topicMessages = [...(out.messages ?? []), ...(dlqMessages.length > 0 ? [{ topic: dlqOf(input.topic), messages: dlqMessages }] : [])].filter((t) => t.messages.length > 0);
    const producer = await this.txProducer(input.partition);
    const txn = await producer.transaction().catch((err: unknown) => {
      throw this.transactionFailed(input.partition, err);
    });
    try {
      for (const chunk of chunked(topicMessages)) await txn.sendBatch({ topicMessages: chunk, acks: -1 });
      out.beforeCommit?.();
      await txn.sendOffsets({ consumerGroupId: this.opts.groupId, topics: [{ topic: input.topic, partitions: [{ partition: input.partition, offset: input.next.toString() }] }] });
      await txn.commit();
    } catch (err) {
      const aborted = await txn.abort().then(
        () => true,
        () => false,
      );
      // Records too large are the slice's fault: split it (the aborted producer is still usable).
      if (aborted && classifyError(err).class === 'poison') throw err;
      throw this.transactionFailed(input.partition, err);
    }
    out.onCommitted?.();
  }

  /** The outcome of the transaction is unknown or its producer broken: recover by repositioning. */
  private transactionFailed(partition: number, err: unknown): RepositionError {
    this.dropTxProducer(partition);
    return new RepositionError(`transaction failed: ${(err as Error)?.message ?? String(err)}`, { cause: err });
  }

  /**
   * Re-reads where the partition really is and seeks there. Transactional: a new producer (fencing and
   * completing whatever was open), the committed offset, and the handler re-prepares its state from what
   * is committed. External: the sink's stored position.
   */
  private async reposition(topic: string, partition: number, err: unknown, payload: EachBatchPayload): Promise<void> {
    const key = keyOf(topic, partition);
    for (let attempt = 1; ; attempt++) {
      if (this.stopping || !this.assigned.has(key)) return;
      try {
        let offset: bigint;
        if (this.opts.mode === 'external') {
          this.stored.delete(key);
          offset = await this.storedOrLow({ topic, partition });
        } else {
          if (this.opts.mode === 'transactional') {
            this.unprepared.add(key);
            await this.txProducer(partition);
          }
          const committed = (await this.admin.fetchOffsets({ groupId: this.opts.groupId, topics: [topic] }))[0]?.partitions.find((p) => p.partition === partition)?.offset ?? '-1';
          offset = BigInt(committed) >= 0n ? BigInt(committed) : BigInt((await this.admin.fetchTopicOffsets(topic)).find((o) => o.partition === partition)?.low ?? '0');
        }
        this.consumer!.seek({ topic, partition, offset: offset.toString() });
        this.positions.set(key, offset);
        // Restore now: if everything was committed after all, no batch comes to trigger it.
        if (this.unprepared.size > 0) void this.ensurePrepared().catch((e: Error) => this.log.warn({ err: e.message }, 'preparing partitions failed; retried at the next batch'));
        this.log.warn({ group: this.opts.groupId, topic, partition, offset: offset.toString(), err: (err as Error)?.message }, 'repositioned after a failure');
        await this.backoff(key, { class: 'reposition', reason: 'reposition' }, payload);
        return;
      } catch (e) {
        const why = classifyError(e);
        this.log.warn({ group: this.opts.groupId, topic, partition, err: (e as Error).message, reason: why.reason }, 'repositioning failed; retrying');
        if (!(await this.wait(key, attempt, why, payload))) return;
      }
    }
  }

  /** Waits before retry `attempt` (capped exponential backoff with jitter), heartbeating; false when stopping. */
  private async wait(key: string, attempt: number, why: Classified, payload: EachBatchPayload): Promise<boolean> {
    this.stats.retries++;
    const failures = (this.failures.get(key) ?? 0) + 1;
    this.failures.set(key, failures);
    // The backoff grows with the partition's consecutive failures (across batches), capped by the policy.
    const ms = Math.max(50, retryDelayMs(Math.max(attempt, failures) - 1, this.retryPolicy(), null) ?? this.retryPolicy().maxMs);
    const until = Date.now() + ms;
    while (Date.now() < until) {
      if (this.stopping || !payload.isRunning()) return false;
      if (!(await sleep(Math.min(3000, until - Date.now()), this.abort.signal))) return false;
      await payload.heartbeat().catch(() => undefined);
    }
    this.log.debug({ key, attempt, class: why.class, ms }, 'retrying');
    return !this.stopping && payload.isRunning();
  }

  private async backoff(key: string, why: Classified, payload: EachBatchPayload): Promise<void> {
    await this.wait(key, this.failures.get(key) ?? 1, why, payload);
  }

  /** Stops taking records, lets the slice in flight finish, removes this group's metric series. */
  async stop(): Promise<void> {
    this.stopping = true;
    this.abort.abort();
    if (this.restartTimer) clearTimeout(this.restartTimer);
    await this.consumer?.disconnect().catch((err: Error) => this.log.warn({ err: err.message }, 'consumer disconnect failed'));
    await this.monitor.stop();
    const txs = [...this.txProducers.values()];
    this.txProducers.clear();
    await Promise.all(txs.map((p) => p.then((x) => x.disconnect()).catch(() => undefined)));
    await this.producer?.disconnect().catch(() => undefined);
    await this.admin.disconnect().catch(() => undefined);
    this.joined = false;
  }
}
