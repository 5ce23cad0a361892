// The remediator shell: the handler of ci.pipeline.events.v1 for the consumer runner in commit mode
// (read_committed, its own consumer group): JobFailed → context → provider (behind the guards) →
// RemediationProposed / RemediationNotProposed on ci.remediation.events.v1. At least once with
// deterministic ids: a slice's results are produced (idempotent producer, acks=all) before its offsets are
// committed, and a re-delivered failure yields the same event id, which the projection keeps once. Poison
// (undecodable, or a failure that breaks the remediator itself every time) is dead-lettered to
// ci.pipeline.events.v1.dlq with this group's name; Postgres or the registry down is waited out.
import { context, ROOT_CONTEXT, trace, type Context, type Link } from '@opentelemetry/api';
import type { Kafka } from 'kafkajs';
import type { JobFailed, PipelineEvent, RemediationEvent } from '../../lib/core/events/generated.js';
import type { RemediationProvider } from '../../lib/core/remediation/proposal.js';
import { ConsumerRunner, type ConsumedRecord, type Output, type Slice } from '../../lib/platform/consumer/runner.js';
import { TOPICS } from '../../lib/platform/kafka/topics.js';
import type { Logger } from '../../lib/platform/log.js';
import type { EventCodec } from '../../lib/platform/registry/codec.js';
import { isShadow, providerFor, type RemediatorConfig } from './config.js';
import type { ContextSource } from './context.js';
import { CircuitBreaker } from './guard/circuit-breaker.js';
import { ProjectBudget } from './guard/budget.js';
import { remediate } from './remediate.js';
import { ObservedFailures } from './observed-failures.js';
import { startSendSpan, traceHeaders } from '../../lib/platform/telemetry/kafka-context.js';
import { addCircuitSource, countEvents, metrics } from '../../lib/platform/telemetry/metrics.js';

const HOUR_MS = 3_600_000;
/** Reasons given by a guard before any provider call (no provider latency to measure). */
const GUARD_REASONS = new Set(['kill_switch', 'budget_exhausted', 'circuit_open']);
/** The canonical events the remediator reads; the others are passed over before decoding (by header). */
const READ = new Set(['JobFailed', 'JobLogAttached', 'PipelineCreated']);

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
  batches: number;
}

export class Remediator {
  private readonly runner: ConsumerRunner<PipelineEvent>;
  private readonly abort = new AbortController();
  private readonly circuits = new Map<string, CircuitBreaker>();
  /** Observed jobs' failures waiting for their fetched log (JobLogAttached). */
  private readonly observed = new ObservedFailures();
  private readonly budget: ProjectBudget;
  private unregisterCircuits: (() => void) | undefined;
  readonly stats: RemediatorStats = { failures: 0, proposed: 0, notProposed: {}, batches: 0 };

  constructor(
    kafka: Kafka,
    private readonly codecs: { events: EventCodec<PipelineEvent>; remediations: EventCodec<RemediationEvent> },
    private readonly context: ContextSource,
    private readonly providers: (name: string) => RemediationProvider,
    private readonly config: RemediatorConfig,
    log: Logger,
  ) {
    this.budget = new ProjectBudget({
      requestsPerWindow: config.budgetRequestsPerHour,
      tokensPerWindow: config.budgetTokensPerHour,
      windowMs: HOUR_MS,
      maxProjects: config.budgetMaxProjects,
    });
    this.runner = new ConsumerRunner(
      kafka,
      {
        service: 'remediator',
        groupId: config.groupId,
        topics: [TOPICS.pipelineEvents],
        codecs: new Map([[TOPICS.pipelineEvents, codecs.events]]),
        mode: 'commit',
        // History is not re-proposed: a new group starts at the end of the topic.
        fromBeginning: false,
        // Cheap pre-filter on the type header before decoding: most canonical events are not failures.
        accept: (m) => {
          const type = m.headers?.['event-type']?.toString();
          return type === undefined || READ.has(type);
        },
        spans: 'record',
        maxWaitTimeInMs: 200,
        sessionTimeoutMs: config.sessionTimeoutMs,
        stallMs: config.stallMs,
      },
      { process: (slice) => this.onSlice(slice) },
      log,
    );
  }

  get ready(): boolean {
    return this.runner.ready;
  }

  /** True, or why not (joining, stalled partitions). */
  readiness(): true | string {
    return this.runner.readiness();
  }

  consumerStatus() {
    return this.runner.status();
  }

  /** Circuit state per provider (for /stats and metrics). */
  get circuitStates(): Record<string, string> {
    return Object.fromEntries([...this.circuits].map(([name, c]) => [name, c.state()]));
  }

  private circuitOf(provider: string): CircuitBreaker {
    let c = this.circuits.get(provider);
    if (!c) {
      c = new CircuitBreaker({
        failureThreshold: this.config.circuitFailures,
        cooldownMs: this.config.circuitCooldownMs,
      });
      this.circuits.set(provider, c);
    }
    return c;
  }

  async start(): Promise<void> {
    this.unregisterCircuits = addCircuitSource(() => this.circuitStates);
    await this.runner.start();
  }

  private async onSlice(slice: Slice<PipelineEvent>): Promise<Output> {
    const failures: ConsumedRecord<PipelineEvent>[] = [];
    for (const r of slice.records) {
      // A pipeline's events share a partition, in order: its PipelineCreated comes before its failures.
      if (r.event.type === 'PipelineCreated') this.context.remember(r.event);
      else if (r.event.type === 'JobFailed' && r.event.log_pending === true) this.observed.hold(r.event);
      else if (r.event.type === 'JobFailed') failures.push(r);
      else if (r.event.type === 'JobLogAttached') failures.push({ ...r, event: this.observed.release(r.event) });
    }
    const out: Handled[] = [];
    for (let i = 0; i < failures.length; i += this.config.concurrency) {
      const slice = failures.slice(i, i + this.config.concurrency);
      out.push(...(await Promise.all(slice.map((f) => this.handle(f)))));
    }
    if (out.length === 0) return { onCommitted: () => void this.stats.batches++ };
    // Each event carries the traceparent of its failure's process span; the send span links them all.
    const links = out.flatMap((h): Link[] => {
      const sc = trace.getSpanContext(h.ctx);
      return sc ? [{ context: sc }] : [];
    });
    slice.spans.add(startSendSpan({ topic: TOPICS.remediationEvents, count: out.length, links }));
    const messages = await Promise.all(
      out.map((h) => this.codecs.remediations.toMessage(h.event, 'remediator', traceHeaders(h.ctx))),
    );
    return {
      messages: [{ topic: TOPICS.remediationEvents, messages }],
      onCommitted: () => this.committed(failures.length, out),
    };
  }

  private committed(failures: number, out: Handled[]): void {
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
    countEvents(
      'remediator',
      TOPICS.remediationEvents,
      out.map((h) => h.event.type),
    );
    this.stats.failures += failures;
    this.stats.batches++;
  }

  /** One failure, inside the CONSUMER span `process <topic>` the runner started for its record. */
  private async handle(record: ConsumedRecord<PipelineEvent>): Promise<Handled> {
    const failure = record.event as JobFailed;
    const span = record.span;
    const spanCtx = span ? trace.setSpan(ROOT_CONTEXT, span) : ROOT_CONTEXT;
    return context.with(spanCtx, async () => {
      const provider = this.providers(providerFor(this.config, failure.project_id));
      const ctx = await this.context.build(failure);
      const started = performance.now();
      const event = await remediate(
        failure,
        ctx,
        provider,
        {
          killSwitch: this.config.killSwitch,
          shadow: isShadow(this.config, failure.project_id),
          budget: this.budget,
          circuit: this.circuitOf(provider.name),
        },
        { signal: this.abort.signal },
      );
      const ms = performance.now() - started;
      span?.setAttributes({
        'verity.remediation.provider': provider.name,
        'verity.remediation.outcome': event.type,
        ...(event.type === 'RemediationNotProposed' ? { 'verity.remediation.reason': event.reason } : {}),
      });
      return { event, ctx: spanCtx, ms };
    });
  }

  async stop(): Promise<void> {
    this.abort.abort(new Error('remediator stopping'));
    await this.runner.stop();
    this.unregisterCircuits?.();
  }
}
