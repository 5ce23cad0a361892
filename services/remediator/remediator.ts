// The remediator shell: JobFailed from ci.pipeline.events.v1 (read_committed, its own consumer group)
// → context → provider (behind the guards) → RemediationProposed / RemediationNotProposed on
// ci.remediation.events.v1. At least once with deterministic ids: a batch's results are produced
// (idempotent producer, acks=all) before its offsets are committed, and a re-delivered failure yields
// the same event id, which the projection keeps once. Undecodable records are skipped here: the
// projector owns the canonical topic's dead-letter queue.
import type { Consumer, EachBatchPayload, Kafka, Producer } from 'kafkajs';
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

const HOUR_MS = 3_600_000;

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
    consumer.on(consumer.events.GROUP_JOIN, () => (this.joined = true));
    await consumer.connect();
    await consumer.subscribe({ topic: TOPICS.pipelineEvents, fromBeginning: false });
    await consumer.run({ autoCommit: false, eachBatchAutoResolve: false, eachBatch: (p) => this.onBatch(p) });
  }

  private async onBatch({ batch, resolveOffset, heartbeat, isRunning, isStale, commitOffsetsIfNecessary }: EachBatchPayload): Promise<void> {
    const failures: JobFailed[] = [];
    for (const m of batch.messages) {
      // Cheap pre-filter on the type header before decoding: most canonical events are not failures.
      const type = m.headers?.['event-type']?.toString();
      if (type !== undefined && type !== 'JobFailed') continue;
      try {
        const { event } = await this.codecs.events.decode(m.value);
        if (event.type === 'JobFailed') failures.push(event);
      } catch (err) {
        if (!(err instanceof EventDecodeError || err instanceof EventValidationError)) throw err;
        this.stats.undecodable++;
      }
    }
    const out: RemediationEvent[] = [];
    for (let i = 0; i < failures.length && isRunning() && !isStale(); i += this.config.concurrency) {
      const slice = failures.slice(i, i + this.config.concurrency);
      try {
        out.push(...(await Promise.all(slice.map((f) => this.handle(f)))));
      } catch (err) {
        if (this.abort.signal.aborted) return; // stopping: not committed, handled again after a restart
        throw err;
      }
      await heartbeat();
    }
    if (!isRunning() || isStale()) return; // not committed: handled again after the rebalance or restart
    if (out.length > 0) {
      await this.producer!.send({ topic: TOPICS.remediationEvents, acks: -1, messages: await Promise.all(out.map((e) => this.codecs.remediations.toMessage(e, 'remediator'))) });
    }
    for (const e of out) {
      if (e.type === 'RemediationProposed') this.stats.proposed++;
      else if (e.type === 'RemediationNotProposed') this.stats.notProposed[e.reason] = (this.stats.notProposed[e.reason] ?? 0) + 1;
    }
    this.stats.failures += failures.length;
    this.stats.batches++;
    resolveOffset(batch.lastOffset());
    await commitOffsetsIfNecessary();
  }

  private async handle(failure: JobFailed): Promise<RemediationEvent> {
    const provider = this.providers(providerFor(this.config, failure.project_id));
    const ctx = await this.context.build(failure);
    return remediate(failure, ctx, provider, { killSwitch: this.config.killSwitch, shadow: isShadow(this.config, failure.project_id), budget: this.budget, circuit: this.circuitOf(provider.name) }, { signal: this.abort.signal });
  }

  async stop(): Promise<void> {
    this.abort.abort(new Error('remediator stopping'));
    await this.consumer?.disconnect();
    await this.producer?.disconnect();
  }
}
