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
import type { TypedEvent } from '../registry/codec.js';
import { SpanGroup, startBatchSpan, startRecordSpan } from '../telemetry/kafka-context.js';
import { countEvents, metrics } from '../telemetry/metrics.js';
import { chunked } from './chunked.js';
import { classifyError } from './classify.js';
import type { ConsumerHandler, ConsumerRunnerOptions, Output, Slice } from './contract.js';
import { deadLetterMessage, deadLetterOf } from './dead-letter.js';
import { RepositionError } from './errors.js';
import { decodeItems, type Item } from './items.js';
import { keyOf, LagMonitor, type TopicPartition } from './lag-monitor.js';
import { PartitionBackoff } from './partition-backoff.js';
import { settle } from './settle.js';
import { TransactionalProducers } from './tx-producers.js';

export type { CommitMode, ConsumedRecord, ConsumerHandler, ConsumerRunnerOptions, Output, Slice } from './contract.js';

/** The handler's output records and the slice's dead letters, as one list of non-empty topic batches. */
function withDeadLetters(out: Output, topic: string, dlqMessages: Message[]): { topic: string; messages: Message[] }[] {
  return [...(out.messages ?? []), { topic: dlqOf(topic), messages: dlqMessages }].filter((t) => t.messages.length > 0);
}

export class ConsumerRunner<E extends TypedEvent> {
  private consumer: Consumer | undefined;
  private readonly admin: Admin;
  private producer: Producer | undefined;
  /** Transactional mode: one producer per input partition. */
  private readonly txProducers: TransactionalProducers | undefined;
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
  private readonly backoff: PartitionBackoff;
  private readonly monitor: LagMonitor;
  private restartTimer: NodeJS.Timeout | undefined;

  constructor(
    private readonly kafka: Kafka,
    private readonly opts: ConsumerRunnerOptions<E>,
    private readonly handler: ConsumerHandler<E>,
    private readonly log: Logger,
  ) {
    if (opts.mode === 'transactional' && !opts.transactionalId)
      throw new Error('transactional mode needs transactionalId');
    if (opts.mode === 'external' && !handler.position) throw new Error('external mode needs handler.position');
    this.admin = kafka.admin();
    this.backoff = new PartitionBackoff(this.retryPolicy(), log);
    this.txProducers =
      opts.mode === 'transactional' ? new TransactionalProducers(kafka, opts.transactionalId!) : undefined;
    this.monitor = new LagMonitor(
      this.admin,
      opts.groupId,
      {
        owned: () => [...this.assigned.values()],
        position: (t, p) => this.positions.get(keyOf(t, p)),
        storedPositions: (missing) => this.storedPositions(missing),
        stopped: () => this.stopped,
        end: (t, p) => this.opts.endAt?.(t, p),
      },
      { intervalMs: opts.lagIntervalMs ?? 5000, stallMs: opts.stallMs ?? 60_000, log },
    );
  }

  /** True, or why this consumer cannot do its work now (not joined, crashed, stalled partitions). */
  readiness(): true | string {
    if (this.crashed) return `consumer ${this.opts.groupId} restarting after: ${this.crashed}`;
    if (!this.joined) return `consumer ${this.opts.groupId} has not joined its group yet`;
    if (this.unprepared.size > 0)
      return `consumer ${this.opts.groupId} is preparing ${[...this.unprepared].join(', ')}`;
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
      this.txProducers?.dropAll();
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
    this.restartTimer = setTimeout(
      () => {
        if (this.stopping) return;
        metrics.consumerRestarts.inc({ group: this.opts.groupId });
        this.txProducers?.dropAll();
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

  private onAssignment(assignment: Record<string, number[]>): void {
    const next = new Map<string, TopicPartition>();
    for (const topic of this.opts.topics)
      for (const partition of assignment[topic] ?? []) next.set(keyOf(topic, partition), { topic, partition });
    const released = [...this.assigned].filter(([k]) => !next.has(k)).map(([, tp]) => tp);
    const added = [...next].filter(([k]) => !this.assigned.has(k)).map(([, tp]) => tp);
    for (const tp of released) {
      const key = keyOf(tp.topic, tp.partition);
      this.positions.delete(key);
      this.stored.delete(key);
      this.stopped.delete(key);
      this.backoff.reset(key);
      this.unprepared.delete(key);
      this.txProducers?.drop(tp.partition);
    }
    if (released.length > 0) this.handler.released?.(released);
    this.assigned = next;
    this.joined = true;
    this.crashed = undefined;
    this.log.info(
      { group: this.opts.groupId, partitions: [...next.keys()], added: added.length, released: released.length },
      'assignment',
    );
    if (this.opts.mode === 'external') {
      // Another instance may have advanced any checkpoint meanwhile: re-read and seek every partition.
      this.positioned.clear();
      this.stored.clear();
      const all = [...next.values()];
      this.positioning = this.seekToStored(all).catch((err: Error) =>
        this.log.error({ err: err.message }, 'seeking to stored positions failed; retried at the next batch'),
      );
    }
    if (this.handler.prepare || this.opts.mode === 'transactional') {
      for (const tp of added) this.unprepared.add(keyOf(tp.topic, tp.partition));
      // Prepare now, not at the first batch: an idle instance becomes ready (and fences the previous owners).
      void this.ensurePrepared().catch((err: Error) =>
        this.log.warn({ err: err.message }, 'preparing partitions failed; retried at the next batch'),
      );
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
      for (const p of fetched[0]?.partitions ?? [])
        if (BigInt(p.offset) >= 0n) out.set(keyOf(topic, p.partition), BigInt(p.offset));
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
          const parts = keys.flatMap((k) => this.assigned.get(k) ?? []);
          if (this.txProducers) await Promise.all(parts.map((tp) => this.txProducers!.of(tp.partition)));
          await this.handler.prepare?.(parts);
          for (const k of keys) this.unprepared.delete(k);
        }
      } finally {
        this.preparing = undefined;
      }
    })();
    return this.preparing;
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
        this.positioning = this.seekToStored([{ topic, partition }]).catch((err: Error) =>
          this.log.warn({ err: err.message }, 'seeking failed'),
        );
        await this.backoff.again(key, { class: 'transient', reason: 'positioning' }, payload);
        return;
      }
    }
    if (this.unprepared.has(key)) {
      try {
        await this.ensurePrepared();
      } catch (err) {
        await this.backoff.again(key, classifyError(err), payload);
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
    /**
     * Offsets whose dead letter this batch already wrote (external mode writes them before the sink: not again on a
     * retry or split).
     */
    const dlqSent = new Set<bigint>();
    const result = await settle<Item<E>>(items, {
      apply: (slice) => this.apply(topic, partition, slice, spans, dlqSent),
      toDead: (item, err, why) => {
        const dead = deadLetterOf(topic, partition, item.offset, item.message, err, why);
        if (item.kind === 'record') item.span?.setAttribute('verity.dead_letter', why.reason);
        return { kind: 'dead', offset: item.offset, message: item.message, dead };
      },
      wait: (attempt, why) => this.backoff.wait(key, attempt, why, payload),
      abandoned: () => this.stopping || !payload.isRunning() || payload.isStale() || !this.assigned.has(key),
      onFailure: (slice, err, why, attempt) => {
        metrics.consumerFailures.inc({ group: this.opts.groupId, class: why.class });
        const level = why.class === 'transient' && attempt < 3 ? 'warn' : 'error';
        this.log[level](
          {
            group: this.opts.groupId,
            topic,
            partition,
            from: slice[0]!.offset.toString(),
            to: slice.at(-1)!.offset.toString(),
            records: slice.length,
            class: why.class,
            reason: why.reason,
            err: (err as Error)?.message ?? String(err),
            attempt,
          },
          'processing a slice failed',
        );
      },
    });
    spans.end();
    if (result.kind === 'done') {
      this.backoff.reset(key);
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
      metrics.batchSize.observe({ service: this.opts.service }, messages.length);
      countEvents(
        this.opts.service,
        topic,
        items.flatMap((i) => (i.kind === 'record' ? [i.event.type] : [])),
      );
      if (this.opts.mode === 'external' && this.opts.commitForMonitoring) {
        await this.consumer!.commitOffsets([
          { topic, partition, offset: (BigInt(items.at(-1)!.offset) + 1n).toString() },
        ]).catch((e: Error) => this.log.debug({ err: e.message }, 'offset commit for monitoring failed'));
      }
      await payload.heartbeat().catch(() => undefined);
      this.log.debug({ topic, partition, records: messages.length, ms: Date.now() - started }, 'batch');
      return;
    }
    if (result.kind === 'stall') {
      const why = (result.err as Error).message;
      this.stopped.set(key, why);
      this.log.error(
        { group: this.opts.groupId, topic, partition, err: why },
        'partition stopped: nothing of the batch was applied; see /readyz',
      );
      payload.pause();
      return;
    }
    if (result.kind === 'reposition') await this.reposition(topic, partition, result.err, payload);
  }

  /** Decodes the batch once: filtered by header, poison as dead letters; a registry outage is waited out. */
  private async decode(
    topic: string,
    partition: number,
    messages: KafkaMessage[],
    spans: SpanGroup,
    payload: EachBatchPayload,
  ): Promise<Item<E>[]> {
    const codec = this.opts.codecs.get(topic);
    if (!codec) throw new Error(`no codec for ${topic}`);
    const key = keyOf(topic, partition);
    for (let attempt = 1; ; attempt++) {
      let items: Item<E>[];
      try {
        items = await decodeItems(codec, topic, partition, messages, this.opts.accept);
      } catch (err) {
        const why = classifyError(err);
        metrics.consumerFailures.inc({ group: this.opts.groupId, class: why.class });
        this.log.warn(
          { group: this.opts.groupId, topic, partition, err: (err as Error).message, reason: why.reason },
          'decoding a batch failed; retrying',
        );
        if (!(await this.backoff.wait(key, attempt, why, payload))) throw err;
        continue;
      }
      const mode = this.opts.spans ?? 'none';
      if (mode === 'record') {
        for (const i of items)
          if (i.kind === 'record')
            i.span = spans.add(startRecordSpan({ topic, partition, group: this.opts.groupId, message: i.message }));
      }
      return items;
    }
  }

  /** Applies one slice according to the mode; throws to let settle() retry, split or dead-letter. */
  private async apply(
    topic: string,
    partition: number,
    slice: Item<E>[],
    spans: SpanGroup,
    dlqSent: Set<bigint>,
  ): Promise<void> {
    const key = keyOf(topic, partition);
    const records = slice.flatMap((i) =>
      i.kind === 'record'
        ? [
            {
              topic,
              partition,
              offset: i.offset,
              message: i.message,
              event: i.event,
              ...(i.span ? { span: i.span } : {}),
            },
          ]
        : [],
    );
    const deadLetters = slice.flatMap((i) => (i.kind === 'dead' ? [i.dead] : []));
    const next = slice.at(-1)!.offset + 1n;
    const from = this.opts.mode === 'external' ? (this.stored.get(key) ?? null) : null;
    let span: Span | undefined;
    if ((this.opts.spans ?? 'none') === 'batch' && records.length > 0)
      span = startBatchSpan({ topic, partition, group: this.opts.groupId, messages: records.map((r) => r.message) });
    const input: Slice<E> = { topic, partition, records, deadLetters, from, next, spans, ...(span ? { span } : {}) };
    const dlqMessages =
      this.opts.deadLetters === false ? [] : deadLetters.map((d) => deadLetterMessage(d, this.opts.groupId));
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
          for (const chunk of chunked(withDeadLetters(out, topic, dlqMessages)))
            await this.producer!.sendBatch({ topicMessages: chunk, acks: -1 });
          await this.consumer!.commitOffsets([{ topic, partition, offset: next.toString() }]);
          out.onCommitted?.();
          break;
        }
        case 'none': {
          const out = (await this.handler.process(input)) ?? {};
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
      const written = this.opts.mode !== 'none' && this.opts.deadLetters !== false;
      if (written) metrics.dlq.inc({ topic: dlqOf(topic) }, deadLetters.length);
      const msg = written
        ? 'poison record dead-lettered; the partition goes on'
        : 'poison record skipped (this consumer writes no dead letters); the partition goes on';
      for (const d of deadLetters)
        this.log.warn(
          {
            group: this.opts.groupId,
            topic,
            partition,
            offset: d.offset.toString(),
            reason: d.why.reason,
            err: d.error,
          },
          msg,
        );
    }
  }

  private async applyTransactional(input: Slice<E>, dlqMessages: Message[]): Promise<void> {
    const out = (await this.handler.process(input)) ?? {};
    const topicMessages = withDeadLetters(out, input.topic, dlqMessages);
    const producer = await this.txProducers!.of(input.partition);
    const txn = await producer.transaction().catch((err: unknown) => {
      throw this.transactionFailed(input.partition, err);
    });
    try {
      for (const chunk of chunked(topicMessages)) await txn.sendBatch({ topicMessages: chunk, acks: -1 });
      out.beforeCommit?.();
      await txn.sendOffsets({
        consumerGroupId: this.opts.groupId,
        topics: [{ topic: input.topic, partitions: [{ partition: input.partition, offset: input.next.toString() }] }],
      });
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
    this.txProducers!.drop(partition);
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
          if (this.txProducers) {
            this.unprepared.add(key);
            await this.txProducers.of(partition);
          }
          const committed =
            (await this.admin.fetchOffsets({ groupId: this.opts.groupId, topics: [topic] }))[0]?.partitions.find(
              (p) => p.partition === partition,
            )?.offset ?? '-1';
          offset =
            BigInt(committed) >= 0n
              ? BigInt(committed)
              : BigInt((await this.admin.fetchTopicOffsets(topic)).find((o) => o.partition === partition)?.low ?? '0');
        }
        this.consumer!.seek({ topic, partition, offset: offset.toString() });
        this.positions.set(key, offset);
        // Restore now: if everything was committed after all, no batch comes to trigger it.
        if (this.unprepared.size > 0)
          void this.ensurePrepared().catch((e: Error) =>
            this.log.warn({ err: e.message }, 'preparing partitions failed; retried at the next batch'),
          );
        this.log.warn(
          { group: this.opts.groupId, topic, partition, offset: offset.toString(), err: (err as Error)?.message },
          'repositioned after a failure',
        );
        await this.backoff.again(key, { class: 'reposition', reason: 'reposition' }, payload);
        return;
      } catch (e) {
        const why = classifyError(e);
        this.log.warn(
          { group: this.opts.groupId, topic, partition, err: (e as Error).message, reason: why.reason },
          'repositioning failed; retrying',
        );
        if (!(await this.backoff.wait(key, attempt, why, payload))) return;
      }
    }
  }

  /** Stops taking records, lets the slice in flight finish, removes this group's metric series. */
  async stop(): Promise<void> {
    this.stopping = true;
    this.backoff.stop();
    if (this.restartTimer) clearTimeout(this.restartTimer);
    await this.consumer
      ?.disconnect()
      .catch((err: Error) => this.log.warn({ err: err.message }, 'consumer disconnect failed'));
    await this.monitor.stop();
    await this.txProducers?.close();
    await this.producer?.disconnect().catch(() => undefined);
    await this.admin.disconnect().catch(() => undefined);
    this.joined = false;
  }
}
