// The remediator shell: JobFailed from ci.pipeline.events.v1 (read_committed, its own consumer group)
// → context → provider (behind the guards) → RemediationProposed / RemediationNotProposed on
// ci.remediation.events.v1. At least once with deterministic ids: a batch's results are produced
// (idempotent producer, acks=all) before its offsets are committed, and a re-delivered failure yields
// the same event id, which the projection keeps once. Undecodable records are skipped here: the
// projector owns the canonical topic's dead-letter queue.
import { trace, type Context, type Link } from '@opentelemetry/api';
import type { Consumer, EachBatchPayload, Kafka, KafkaMessage, Producer } from 'kafkajs';
import type { JobFailed, PipelineEvent, RemediationEvent } from '../core/events/generated.js';
import type { RemediationProvider } from '../core/remediation/proposal.js';
import { TOPICS } from '../platform/kafka/topics.js';
import type { Logger } from '../platform/log.js';
import { EventDecodeError, EventValidationError, type EventCodec } from '../platform/registry/codec.js';
import { isShadow, providerFor, type RemediatorConfig } from './config.js';
import type { ContextSource } from './context.js';
import { CircuitBreaker } from './guard/circuit-breaker.js';
import { ProjectBudget } from './guard/budget.js';
import { remediate } from './remediate.js';
import { traceHeaders, withRecordSpan, withSendSpan } from '../platform/telemetry/kafka-context.js';
import { addCircuitSource, countEvents, instrumentConsumer, metrics } from '../platform/telemetry/metrics.js';

const HOUR_MS = 3_600_000;
/** Reasons given by a guard before any provider call (no provider latency to measure). */
const GUARD_REASONS = new Set(['kill_switch', 'budget_exhausted', 'circuit_open']);

/** One failure handled: its remediation event, the context of its process span, the provider call's duration. */
interface Handled {
  event: RemediationEvent;
  ctx: Context;
  ms: number;
}

export interface RemediatorStats {
  failures: number;
  proposed: number;
  notProposed: Record<string, number>;
  undecodable: number;
  batches: number;
}

export class Remediator {
  private consumer: Consumer | undefined;
  private producer: Producer | undefined;
  private readonly abort = new AbortController();
  private readonly circuits = new Map<string, CircuitBreaker>();
  private readonly budget: ProjectBudget;
  private joined = false;
  private unregisterCircuits: (() => void) | undefined;
  readonly stats: RemediatorStats = { failures: 0, proposed: 0, notProposed: {}, undecodable: 0, batches: 0 };

  constructor(
    private readonly kafka: Kafka,
    private readonly codecs: { events: EventCodec<PipelineEvent>; remediations: EventCodec<RemediationEvent> },
    private readonly context: ContextSource,
    private readonly providers: (name: string) => RemediationProvider,
    private readonly config: RemediatorConfig,
    private readonly log: Logger,
  ) {
    this.budget = new ProjectBudget({ requestsPerWindow: config.budgetRequestsPerHour, tokensPerWindow: config.budgetTokensPerHour, windowMs: HOUR_MS, maxProjects: config.budgetMaxProjects });
  }

  get ready(): boolean {
    return this.joined;
  }

  /** Circuit state per provider (for /stats and metrics). */
  get circuitStates(): Record<string, string> {
    return Object.fromEntries([...this.circuits].map(([name, c]) => [name, c.state()]));
  }

  private circuitOf(provider: string): CircuitBreaker {
    let c = this.circuits.get(provider);
    if (!c) {
      c = new CircuitBreaker({ failureThreshold: this.config.circuitFailures, cooldownMs: this.config.circuitCooldownMs });
      this.circuits.set(provider, c);
    }
    return c;
  }

  async start(): Promise<void> {
    this.producer = this.kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
    await this.producer.connect();
    const consumer = this.kafka.consumer({ groupId: this.config.groupId, maxWaitTimeInMs: 200, sessionTimeout: 30_000 });
    this.consumer = consumer;
    instrumentConsumer(consumer, 'remediator', this.config.groupId);
    this.unregisterCircuits = addCircuitSource(() => this.circuitStates);
    consumer.on(consumer.events.GROUP_JOIN, () => (this.joined = true));
    await consumer.connect();
    await consumer.subscribe({ topic: TOPICS.pipelineEvents, fromBeginning: false });
    await consumer.run({ autoCommit: false, eachBatchAutoResolve: false, eachBatch: (p) => this.onBatch(p) });
  }

  private async onBatch({ batch, resolveOffset, heartbeat, isRunning, isStale, commitOffsetsIfNecessary }: EachBatchPayload): Promise<void> {
    const failures: { failure: JobFailed; message: KafkaMessage }[] = [];
    for (const m of batch.messages) {
      // Cheap pre-filter on the type header before decoding: most canonical events are not failures.
      const type = m.headers?.['event-type']?.toString();
      if (type !== undefined && type !== 'JobFailed' && type !== 'PipelineCreated') continue;
      try {
        const { event } = await this.codecs.events.decode(m.value);
        if (event.type === 'JobFailed') failures.push({ failure: event, message: m });
        // A pipeline's events share a partition, in order: its PipelineCreated comes before its failures.
        else if (event.type === 'PipelineCreated') this.context.remember(event);
      } catch (err) {
        if (!(err instanceof EventDecodeError || err instanceof EventValidationError)) throw err;
        this.stats.undecodable++;
      }
    }
    const out: Handled[] = [];
    for (let i = 0; i < failures.length && isRunning() && !isStale(); i += this.config.concurrency) {
      const slice = failures.slice(i, i + this.config.concurrency);
      try {
        out.push(...(await Promise.all(slice.map((f) => this.handle(f.failure, f.message, batch.partition)))));
      } catch (err) {
        if (this.abort.signal.aborted) return; // stopping: not committed, handled again after a restart
        throw err;
      }
      await heartbeat();
    }
    if (!isRunning() || isStale()) return; // not committed: handled again after the rebalance or restart
    if (out.length > 0) {
      // Each event carries the traceparent of its failure's process span; the send span links them all.
      const links = out.flatMap((h): Link[] => {
        const sc = trace.getSpanContext(h.ctx);
        return sc ? [{ context: sc }] : [];
      });
      await withSendSpan({ topic: TOPICS.remediationEvents, count: out.length, links }, async () =>
        this.producer!.send({ topic: TOPICS.remediationEvents, acks: -1, messages: await Promise.all(out.map((h) => this.codecs.remediations.toMessage(h.event, 'remediator', traceHeaders(h.ctx)))) }),
      );
    }
    for (const { event: e, ms } of out) {
      if (e.type === 'RemediationProposed') {
        this.stats.proposed++;
        metrics.proposals.inc({ provider: e.provider, category: e.category });
        metrics.remediationLatency.observe({ provider: e.provider }, e.latency_ms / 1000);
        metrics.remediationTokens.inc({ provider: e.provider, kind: 'prompt' }, e.tokens.prompt);
        metrics.remediationTokens.inc({ provider: e.provider, kind: 'completion' }, e.tokens.completion);
      } else if (e.type === 'RemediationNotProposed') {
        this.stats.notProposed[e.reason] = (this.stats.notProposed[e.reason] ?? 0) + 1;
        metrics.remediationNotProposed.inc({ provider: e.provider, reason: e.reason });
        if (!GUARD_REASONS.has(e.reason)) metrics.remediationLatency.observe({ provider: e.provider }, ms / 1000);
      }
    }
    countEvents('remediator', TOPICS.pipelineEvents, batch.messages.map((m) => m.headers?.['event-type']?.toString() ?? 'unknown'));
    countEvents('remediator', TOPICS.remediationEvents, out.map((h) => h.event.type));
    this.stats.failures += failures.length;
    this.stats.batches++;
    resolveOffset(batch.lastOffset());
    await commitOffsetsIfNecessary();
  }

  /** One failure, in the CONSUMER span `process <topic>` whose parent is the context its record carries. */
  private handle(failure: JobFailed, message: KafkaMessage, partition: number): Promise<Handled> {
    return withRecordSpan({ topic: TOPICS.pipelineEvents, partition, group: this.config.groupId, message }, async (span, spanCtx) => {
      const provider = this.providers(providerFor(this.config, failure.project_id));
      const ctx = await this.context.build(failure);
      const started = performance.now();
      const event = await remediate(failure, ctx, provider, { killSwitch: this.config.killSwitch, shadow: isShadow(this.config, failure.project_id), budget: this.budget, circuit: this.circuitOf(provider.name) }, { signal: this.abort.signal });
      const ms = performance.now() - started;
      span.setAttributes({ 'verity.remediation.provider': provider.name, 'verity.remediation.outcome': event.type, ...(event.type === 'RemediationNotProposed' ? { 'verity.remediation.reason': event.reason } : {}) });
      return { event, ctx: spanCtx, ms };
    });
  }

  async stop(): Promise<void> {
    this.abort.abort(new Error('remediator stopping'));
    await this.consumer?.disconnect();
    await this.producer?.disconnect();
    this.unregisterCircuits?.();
  }
}
