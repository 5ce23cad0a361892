// The projector shell: one topic (read_committed) → Postgres read models, one transaction
// per partition batch that also advances projection_checkpoints. Postgres, not Kafka, holds the truth
// about what was applied: on every assignment each partition is sought to its checkpoint (offsets are
// not contiguous under read_committed: commit markers and aborted records are never delivered, so the
// position cannot be checked from the records themselves); records below it are skipped. Kafka
// offsets are committed too, after Postgres, for lag monitoring only.
import { context, ROOT_CONTEXT, SpanStatusCode, trace } from '@opentelemetry/api';
import type { Admin, Consumer, EachBatchPayload, Kafka, Message, Producer } from 'kafkajs';
import type { Logger } from '../platform/log.js';
import { deadLetter } from '../platform/kafka/dead-letter.js';
import { dlqOf, scopedId } from '../platform/kafka/topics.js';
import { EventDecodeError, EventValidationError, type EventCodec, type TypedEvent } from '../platform/registry/codec.js';
import type { ProjectorConfig } from './config.js';
import { CheckpointConflict, SeqGapError, type ProjectionSink } from './store.js';
import { runBatch, startBatchSpan, type SpanGroup } from '../platform/telemetry/kafka-context.js';
import { countEvents, instrumentConsumer, metrics } from '../platform/telemetry/metrics.js';

export interface ProjectorStats {
  batches: number;
  events: number;
  applied: number;
  ignored: number;
  deadLetters: number;
  gaps: number;
  conflicts: number;
  lastCommitAt: string | null;
}

/** Projects one topic into one sink. `E` is the topic's event union; every event has an occurred_at. */
export class Projector<E extends TypedEvent & { occurred_at: string } = TypedEvent & { occurred_at: string }> {
  private consumer: Consumer | undefined;
  private dlq: Producer | undefined;
  private readonly next = new Map<number, bigint | null>();
  private readonly stalled = new Map<number, string>();
  private joined = false;
  private positioning: Promise<void> = Promise.resolve();
  private readonly positioned = new Set<number>();
  /** Highest offset known handled per partition (applied, skipped, or only markers): for caughtUp(). */
  private readonly reached = new Map<number, bigint>();
  readonly stats: ProjectorStats = { batches: 0, events: 0, applied: 0, ignored: 0, deadLetters: 0, gaps: 0, conflicts: 0, lastCommitAt: null };
  /** End-to-end lag samples (read model committed − event occurred_at, ms): a bounded ring. */
  readonly lag = new LagRing(50_000);

  constructor(
    private readonly kafka: Kafka,
    private readonly admin: Admin,
    readonly topic: string,
    /** Consumer group: `verity-projector-<group>` (scoped by the topic prefix). */
    private readonly group: string,
    private readonly codec: EventCodec<E>,
    private readonly store: ProjectionSink<E>,
    private readonly config: ProjectorConfig,
    private readonly log: Logger,
    private readonly onFatal: (err: Error) => void = () => process.exit(1),
  ) {}

  get ready(): boolean {
    return this.joined;
  }

  /** Partitions stopped by a seq gap, with the reason (visible on /stats and /readyz). */
  get stalledPartitions(): Record<number, string> {
    return Object.fromEntries(this.stalled);
  }

  async start(): Promise<void> {
    this.dlq = this.kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
    await this.dlq.connect();
    const groupId = scopedId(`verity-projector-${this.group}`);
    const consumer = this.kafka.consumer({
      groupId,
      maxBytesPerPartition: this.config.maxBytesPerPartition,
      sessionTimeout: this.config.sessionTimeoutMs,
      maxWaitTimeInMs: 100,
    });
    this.consumer = consumer;
    instrumentConsumer(consumer, 'projector', groupId);
    consumer.on(consumer.events.GROUP_JOIN, ({ payload }) => {
      this.next.clear(); // reload checkpoints: another instance may have advanced them
      this.positioned.clear();
      const partitions = payload.memberAssignment[this.topic] ?? [];
      this.positioning = this.seekToCheckpoints(partitions).catch((err: Error) => this.log.error({ err: err.message }, 'seeking to checkpoints failed'));
      this.joined = true;
    });
    consumer.on(consumer.events.END_BATCH_PROCESS, ({ payload }) => {
      // A batch of only commit markers or aborted records never reaches onBatch: nothing to apply.
      if (payload.batchSize === 0) this.reach(payload.partition, payload.lastOffset);
    });
    consumer.on(consumer.events.CRASH, ({ payload }) => {
      if (!payload.restart) {
        this.log.fatal({ err: payload.error }, 'projector consumer crashed and will not restart');
        this.onFatal(payload.error);
      }
    });
    await consumer.connect();
    await consumer.subscribe({ topic: this.topic, fromBeginning: true });
    await consumer.run({
      autoCommit: false,
      eachBatchAutoResolve: false,
      partitionsConsumedConcurrently: this.config.concurrency,
      eachBatch: (p) => runBatch((spans) => this.onBatch(p, groupId, spans)),
    });
  }

  private async expectedStart(partition: number): Promise<bigint> {
    if (!this.next.has(partition)) this.next.set(partition, await this.store.checkpoint(this.topic, partition));
    const stored = this.next.get(partition);
    if (stored !== null && stored !== undefined) return stored;
    const low = (await this.admin.fetchTopicOffsets(this.topic)).find((o) => o.partition === partition)?.low ?? '0';
    return BigInt(low);
  }

  private async seekToCheckpoints(partitions: number[]): Promise<void> {
    for (const partition of partitions) {
      const offset = await this.expectedStart(partition);
      this.consumer!.seek({ topic: this.topic, partition, offset: offset.toString() });
      this.positioned.add(partition);
    }
  }

  /** `spans` end when this returns (or throws). */
  private async onBatch({ batch, resolveOffset, heartbeat, isRunning, isStale, pause }: EachBatchPayload, group: string, spans: SpanGroup): Promise<void> {
    const partition = batch.partition;
    await this.positioning;
    // A batch fetched before the seek is stale; one for a partition not positioned yet is refetched.
    if (batch.messages.length === 0 || !isRunning() || isStale() || !this.positioned.has(partition) || this.stalled.has(partition)) return;
    const start = await this.expectedStart(partition);
    const messages = batch.messages.filter((m) => BigInt(m.offset) >= start);
    if (messages.length === 0) {
      resolveOffset(batch.lastOffset());
      this.reach(partition, batch.lastOffset());
      return;
    }
    const events: E[] = [];
    const deadLetters: Message[] = [];
    for (const m of messages) {
      try {
        events.push((await this.codec.decode(m.value)).event);
      } catch (err) {
        if (!(err instanceof EventDecodeError || err instanceof EventValidationError)) throw err;
        deadLetters.push(deadLetter(this.topic, partition, m, err));
      }
    }
    const last = messages.at(-1)!.offset;
    const next = BigInt(last) + 1n;
    if (deadLetters.length > 0) {
      // At least once into the DLQ: a crash before the Postgres commit re-sends these (headers say where from).
      await this.dlq!.send({ topic: dlqOf(this.topic), acks: -1, messages: deadLetters });
      this.stats.deadLetters += deadLetters.length;
      metrics.dlq.inc({ topic: dlqOf(this.topic) }, deadLetters.length);
      this.log.warn({ partition, count: deadLetters.length }, 'poison records sent to the DLQ');
    }
    const stored = this.next.get(partition) ?? null;
    // The batch is applied at once: one span linked to the context of each record (not a child of any).
    const span = spans.add(startBatchSpan({ topic: this.topic, partition, group, messages }));
    try {
      const result = await context.with(trace.setSpan(ROOT_CONTEXT, span), () => this.store.apply(this.topic, partition, stored, next, events));
      this.next.set(partition, next);
      const committedAt = Date.now();
      for (const e of events) {
        const ms = committedAt - Date.parse(e.occurred_at);
        this.lag.add(ms);
        metrics.e2eLag.observe({ topic: this.topic }, Math.max(0, ms) / 1000);
      }
      countEvents('projector', this.topic, events.map((e) => e.type));
      this.stats.applied += result.applied;
      this.stats.ignored += result.ignored;
    } catch (err) {
      span.setAttribute('error.type', (err as Error).constructor.name);
      if (err instanceof CheckpointConflict) {
        this.stats.conflicts++;
        this.next.delete(partition);
        this.log.warn({ partition }, err.message);
        this.consumer!.seek({ topic: this.topic, partition, offset: String(await this.expectedStart(partition)) });
        return;
      }
      if (err instanceof SeqGapError) {
        span.setStatus({ code: SpanStatusCode.ERROR, message: err.message });
        this.stats.gaps++;
        this.stalled.set(partition, err.message);
        this.log.error({ partition, gap: err.gap }, 'seq gap: partition stopped; nothing of the batch was applied');
        pause();
        return;
      }
      throw err;
    }
    this.stats.batches++;
    this.stats.events += messages.length;
    this.stats.lastCommitAt = new Date().toISOString();
    resolveOffset(last);
    this.reach(partition, batch.lastOffset());
    await this.consumer!.commitOffsets([{ topic: this.topic, partition, offset: next.toString() }]).catch((e: Error) => this.log.warn({ err: e.message }, 'kafka offset commit failed (monitoring only)'));
    await heartbeat();
  }

  private reach(partition: number, offset: string): void {
    const o = BigInt(offset);
    if (o > (this.reached.get(partition) ?? -1n)) this.reached.set(partition, o);
  }

  /** True when every partition was handled up to `targets` (end offsets, exclusive; taken earlier). */
  caughtUp(targets: Map<number, { low: bigint; high: bigint }>): boolean {
    for (const [p, { low, high }] of targets) {
      if (high <= low) continue;
      if ((this.reached.get(p) ?? -1n) < high - 1n) return false;
    }
    return true;
  }

  async stop(): Promise<void> {
    await this.consumer?.disconnect(); // lets the batch in flight finish its Postgres transaction
    await this.dlq?.disconnect();
  }
}

/**
 * A bounded ring of lag samples with percentiles. The lag of an event is measured from its occurred_at,
 * which is the ingest clock when the producer sent no time of its own.
 */
export class LagRing {
  private readonly samples: Float64Array;
  /** When each sample was added (ms since the epoch), for percentiles over a recent window. */
  private readonly at: Float64Array;
  private count = 0;

  constructor(
    private readonly size: number,
    private readonly now: () => number = Date.now,
  ) {
    this.samples = new Float64Array(size);
    this.at = new Float64Array(size);
  }

  add(ms: number): void {
    this.samples[this.count % this.size] = ms;
    this.at[this.count % this.size] = this.now();
    this.count++;
  }

  reset(): void {
    this.count = 0;
  }

  get n(): number {
    return Math.min(this.count, this.size);
  }

  /** Nearest-rank percentile of the samples held, or of those added in the last `windowMs` only. */
  percentile(p: number, windowMs?: number): number | null {
    const since = windowMs === undefined ? -Infinity : this.now() - windowMs;
    const held: number[] = [];
    for (let i = 0; i < this.n; i++) if (this.at[i]! >= since) held.push(this.samples[i]!);
    const n = held.length;
    if (n === 0) return null;
    held.sort((a, b) => a - b);
    return held[Math.min(n - 1, Math.max(0, Math.ceil((p / 100) * n) - 1))]!;
  }
}
