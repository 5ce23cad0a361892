// The decider shell: consume ci.intake.v1, decide, and per partition batch commit in ONE Kafka
// transaction: canonical events, rejections, state snapshots, dead letters and the consumed offsets.
// One transactional producer per input partition (transactional id `verity-decider-<partition>`):
// whoever owns the partition next initialises the same id, which fences a zombie owner and aborts
// its open transaction. State is adopted only after the commit succeeds.
import { ROOT_CONTEXT, trace, type Span } from '@opentelemetry/api';
import type { Admin, Consumer, EachBatchPayload, Kafka, KafkaMessage, Message, Producer } from 'kafkajs';
import { v7 as uuidv7 } from 'uuid';
import type { IntakeEvent, IntakeRejectedEvent, PipelineEvent, PipelineSnapshot } from '../core/events/generated.js';
import { STATE_VERSION } from '../core/pipeline/index.js';
import type { Logger } from '../platform/log.js';
import { deadLetter } from '../platform/kafka/dead-letter.js';
import { dlqOf, scopedId, TOPICS } from '../platform/kafka/topics.js';
import { EventDecodeError, EventValidationError, type EventCodec } from '../platform/registry/codec.js';
import type { DeciderConfig } from './config.js';
import { decideBatch } from './decide-batch.js';
import { PartitionStates } from './partition-state.js';
import { restorePartitions } from './restore.js';
import { faultPointsFromEnv, type FaultPoints } from './faults.js';
import { FinishedRetention } from './retention.js';
import { runBatch, startRecordSpan, startSendSpan, traceHeaders, type SpanGroup } from '../platform/telemetry/kafka-context.js';
import { countEvents, instrumentConsumer, metrics } from '../platform/telemetry/metrics.js';

export interface DeciderCodecs {
  intake: EventCodec<IntakeEvent>;
  events: EventCodec<PipelineEvent>;
  rejected: EventCodec<IntakeRejectedEvent>;
  state: EventCodec<PipelineSnapshot>;
}

/**
 * Splits the output into produce requests of at most ~`maxBytes` each: kafkajs sends one record batch
 * per partition per request and never splits it, and the broker refuses batches over max.message.bytes.
 */
export function chunked(topicMessages: { topic: string; messages: Message[] }[], maxBytes = 512 * 1024): { topic: string; messages: Message[] }[][] {
  const size = (m: Message) => (m.value ? (m.value as Buffer).length : 0) + (m.key ? String(m.key).length : 0) + 200;
  const chunks: { topic: string; messages: Message[] }[][] = [];
  let current: { topic: string; messages: Message[] }[] = [];
  let bytes = 0;
  for (const { topic, messages } of topicMessages) {
    for (const m of messages) {
      if (bytes > 0 && bytes + size(m) > maxBytes) {
        chunks.push(current);
        current = [];
        bytes = 0;
      }
      let entry = current.at(-1);
      if (entry?.topic !== topic) current.push((entry = { topic, messages: [] }));
      entry.messages.push(m);
      bytes += size(m);
    }
  }
  if (current.length > 0) chunks.push(current);
  return chunks;
}

export interface DeciderStats {
  batches: number;
  reports: number;
  events: number;
  rejections: number;
  deadLetters: number;
  archived: number;
}

export class Decider {
  private consumer: Consumer | undefined;
  private readonly producers = new Map<number, Promise<Producer>>();
  private readonly states = new PartitionStates();
  private readonly retention: FinishedRetention;
  private assigned = new Set<number>();
  private needRestore = new Set<number>();
  private restoring: Promise<void> | undefined;
  private joined = false;
  readonly stats: DeciderStats = { batches: 0, reports: 0, events: 0, rejections: 0, deadLetters: 0, archived: 0 };

  constructor(
    private readonly kafka: Kafka,
    private readonly admin: Admin,
    private readonly codecs: DeciderCodecs,
    private readonly config: DeciderConfig,
    private readonly log: Logger,
    private readonly faults: FaultPoints = faultPointsFromEnv(),
    /** Called when the consumer stopped for good: services exit so their supervisor restarts them. */
    private readonly onFatal: (err: Error) => void = () => process.exit(1),
  ) {
    this.retention = new FinishedRetention(config.finishedRetentionMs);
  }

  get ready(): boolean {
    return this.joined && this.needRestore.size === 0;
  }

  get pipelinesInMemory(): number {
    return this.states.size;
  }

  async start(): Promise<void> {
    await this.checkPartitionCounts();
    const consumer = this.kafka.consumer({
      groupId: this.config.groupId,
      maxBytesPerPartition: this.config.maxBytesPerPartition,
      maxWaitTimeInMs: 100,
      sessionTimeout: this.config.sessionTimeoutMs,
      heartbeatInterval: 3_000,
    });
    this.consumer = consumer;
    instrumentConsumer(consumer, 'decider', this.config.groupId);
    consumer.on(consumer.events.CRASH, ({ payload }) => {
      if (!payload.restart) {
        this.log.fatal({ err: payload.error }, 'decider consumer crashed and will not restart');
        this.onFatal(payload.error);
      }
    });
    consumer.on(consumer.events.GROUP_JOIN, ({ payload }) => this.onAssignment(payload.memberAssignment[TOPICS.intake] ?? []));
    await consumer.connect();
    await consumer.subscribe({ topic: TOPICS.intake, fromBeginning: true });
    await consumer.run({
      autoCommit: false,
      eachBatchAutoResolve: false,
      partitionsConsumedConcurrently: this.config.concurrency,
      eachBatch: (payload) => runBatch((spans) => this.onBatch(payload, spans)),
    });
  }

  private async checkPartitionCounts(): Promise<void> {
    const meta = await this.admin.fetchTopicMetadata({ topics: [TOPICS.intake, TOPICS.pipelineState] });
    const [intake, state] = [TOPICS.intake, TOPICS.pipelineState].map((t) => meta.topics.find((x) => x.name === t)?.partitions.length ?? 0);
    if (intake !== state) throw new Error(`${TOPICS.intake} has ${intake} partitions but ${TOPICS.pipelineState} has ${state}: they must match (run verity topics apply)`);
  }

  private onAssignment(partitions: number[]): void {
    const next = new Set(partitions);
    for (const p of this.assigned) {
      if (!next.has(p)) {
        this.states.drop(p);
        this.needRestore.delete(p);
        const producer = this.producers.get(p);
        this.producers.delete(p);
        void producer?.then((x) => x.disconnect()).catch(() => undefined);
      }
    }
    for (const p of next) if (!this.assigned.has(p)) this.needRestore.add(p);
    this.assigned = next;
    this.joined = true;
    this.log.info({ partitions: [...next].sort((a, b) => a - b), restore: [...this.needRestore] }, 'assignment');
    // Restore now, not at the first batch: an idle decider becomes ready (and fences the previous
    // owners) without waiting for traffic. A batch that arrives meanwhile shares this restore.
    void this.ensureRestored().catch((err: Error) => this.log.error({ err: err.message }, 'restoring state after an assignment failed; retried at the next batch'));
  }

  /** The partition's producer; concurrent callers share one (two with one transactional id would fence each other). */
  private producerFor(partition: number): Promise<Producer> {
    let p = this.producers.get(partition);
    if (!p) {
      // Without transactions (benchmark baseline only) the same per-partition producers, idempotent.
      const producer = this.config.transactional
        ? this.kafka.producer({ transactionalId: scopedId(`verity-decider-${partition}`), idempotent: true, maxInFlightRequests: 1, transactionTimeout: 60_000 })
        : this.kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
      // InitProducerId: fences the previous owner, aborts its open transaction.
      p = producer.connect().then(() => producer);
      p.catch(() => this.producers.delete(partition));
      this.producers.set(partition, p);
    }
    return p;
  }

  /** Restores every partition waiting for it, once; concurrent batches share the same restore. */
  private ensureRestored(): Promise<void> {
    if (this.needRestore.size === 0) return Promise.resolve();
    this.restoring ??= (async () => {
      try {
        while (this.needRestore.size > 0) {
          const parts = [...this.needRestore];
          await Promise.all(parts.map((p) => this.producerFor(p)));
          const restored = await restorePartitions(this.kafka, this.admin, this.codecs.state, parts, this.config.restoreTimeoutMs, this.log);
          for (const [p, m] of restored) {
            if (!this.needRestore.delete(p)) continue;
            this.states.replace(p, m);
            for (const id of m.keys()) this.retention.touch(id);
          }
        }
      } finally {
        this.restoring = undefined;
      }
    })();
    return this.restoring;
  }

  /** `spans` end when this returns (or throws): the report spans cover deciding and committing. */
  private async onBatch({ batch, resolveOffset, heartbeat, isRunning, isStale }: EachBatchPayload, spans: SpanGroup): Promise<void> {
    if (batch.messages.length === 0 || !isRunning() || isStale()) return;
    const startedAt = Date.now();
    await this.ensureRestored();
    const partition = batch.partition;
    const producer = await this.producerFor(partition);
    const reports: IntakeEvent[] = [];
    const received: KafkaMessage[] = [];
    const deadLetters: Message[] = [];
    for (const m of batch.messages) {
      try {
        reports.push((await this.codecs.intake.decode(m.value)).event);
        received.push(m);
      } catch (err) {
        if (!(err instanceof EventDecodeError || err instanceof EventValidationError)) throw err; // transient: retry the batch
        this.log.warn({ err: err.message, partition, offset: m.offset }, 'poison intake record sent to the DLQ');
        deadLetters.push(deadLetter(TOPICS.intake, partition, m, err));
      }
    }
    // One CONSUMER span per report, child of the context its record carries; the events and rejections
    // decided from a report carry that span's traceparent.
    const spanOf = new Map<string, Span>();
    const reportSpans = received.map((m, i) => {
      const span = spans.add(startRecordSpan({ topic: TOPICS.intake, partition, group: this.config.groupId, message: m, startTime: startedAt }));
      if (!spanOf.has(reports[i]!.report_id)) spanOf.set(reports[i]!.report_id, span);
      return span;
    });
    const traceOf = (reportId: string): Record<string, string> => {
      const span = spanOf.get(reportId);
      return span ? traceHeaders(trace.setSpan(ROOT_CONTEXT, span)) : {};
    };
    const now = new Date().toISOString();
    const result = decideBatch(this.states.of(partition), reports, { now, newEventId: uuidv7, newJobId: uuidv7 });
    const cause = (e: { causation_id?: string; report_id?: string }) => e.causation_id ?? e.report_id ?? '';
    const snapshots: PipelineSnapshot[] = [...result.touched.values()].map((s) => ({
      type: 'PipelineSnapshot',
      pipeline_id: s.pipeline_id,
      project_id: s.project_id,
      seq: s.seq,
      recorded_at: now,
      state_version: STATE_VERSION,
      state: s as unknown as PipelineSnapshot['state'],
    }));
    // Finished pipelines idle past the retention leave memory and the changelog (tombstones).
    const archived = this.retention.expired(this.states.of(partition)).filter((id) => !result.touched.has(id));
    const tombstones = archived.map((id) => ({ key: id, value: null }));
    const topicMessages = [
      { topic: TOPICS.pipelineEvents, messages: await Promise.all(result.events.map((e) => this.codecs.events.toMessage(e, 'decider', { 'causation-id': cause(e), ...traceOf(cause(e)) }))) },
      { topic: TOPICS.intakeRejected, messages: await Promise.all(result.rejections.map((r) => this.codecs.rejected.toMessage(r, 'decider', { 'causation-id': r.report_id, ...traceOf(r.report_id) }))) },
      { topic: TOPICS.pipelineState, messages: [...(await Promise.all(snapshots.map((s) => this.codecs.state.toMessage(s, 'decider')))), ...tombstones] },
      { topic: dlqOf(TOPICS.intake), messages: deadLetters },
    ].filter((t) => t.messages.length > 0);
    const lastOffset = batch.lastOffset();
    const nextOffset = (BigInt(lastOffset) + 1n).toString();
    // The PRODUCER span of the batch's writes (one transaction across topics), linked to each report's span.
    spans.add(startSendSpan({ count: topicMessages.reduce((n, t) => n + t.messages.length, 0), links: reportSpans.map((s) => ({ context: s.spanContext() })) }));

    if (this.config.transactional) {
      const txn = await producer.transaction();
      try {
        for (const chunk of chunked(topicMessages)) await txn.sendBatch({ topicMessages: chunk, acks: -1 });
        this.faults.beforeCommit(this.stats.batches + 1);
        await txn.sendOffsets({ consumerGroupId: this.config.groupId, topics: [{ topic: TOPICS.intake, partitions: [{ partition, offset: nextOffset }] }] });
        await txn.commit();
      } catch (err) {
        await txn.abort().catch(() => undefined);
        throw err;
      }
    } else {
      for (const chunk of chunked(topicMessages)) await producer.sendBatch({ topicMessages: chunk, acks: -1 });
      await this.consumer!.commitOffsets([{ topic: TOPICS.intake, partition, offset: nextOffset }]);
    }
    const states = this.states.of(partition);
    for (const [id, s] of result.touched) {
      states.set(id, s);
      this.retention.touch(id);
    }
    for (const id of archived) {
      states.delete(id);
      this.retention.forget(id);
    }
    this.stats.archived += archived.length;
    resolveOffset(lastOffset);
    this.stats.batches++;
    this.stats.reports += batch.messages.length;
    this.stats.events += result.events.length;
    this.stats.rejections += result.rejections.length;
    this.stats.deadLetters += deadLetters.length;
    countEvents('decider', TOPICS.intake, reports.map((r) => r.type));
    countEvents('decider', TOPICS.pipelineEvents, result.events.map((e) => e.type));
    countEvents('decider', TOPICS.intakeRejected, result.rejections.map((r) => r.type));
    for (const r of result.rejections) {
      metrics.rejections.inc({ code: r.code });
      spanOf.get(r.report_id)?.setAttributes({ 'verity.decision': 'rejected', 'verity.rejection.code': r.code });
    }
    if (deadLetters.length > 0) metrics.dlq.inc({ topic: dlqOf(TOPICS.intake) }, deadLetters.length);
    await heartbeat();
  }

  async stop(): Promise<void> {
    await this.consumer?.disconnect(); // waits for the batch in flight to finish (commit or abort)
    await Promise.all([...this.producers.values()].map((p) => p.then((x) => x.disconnect()).catch(() => undefined)));
    this.producers.clear();
  }
}
