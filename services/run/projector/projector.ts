// The projector shell: the handler of one topic (read_committed) for the consumer runner in external
// mode → Postgres read models, one transaction per slice that also advances projection_checkpoints (and
// records the slice's dead letters). Postgres, not Kafka, holds the truth about what was applied: on every
// assignment the runner seeks each partition to its checkpoint; records below it are skipped. Kafka
// offsets are committed too, after Postgres, for outside tools only. Poison (undecodable, schema-invalid,
// or refused by Postgres as data: class 22/23) is dead-lettered and the partition goes on; a seq gap stops
// the partition (/readyz names it); Postgres down is waited out with backoff.
import type { Kafka } from 'kafkajs';
import { ConsumerRunner } from '../../lib/platform/consumer/runner.js';
import type { Logger } from '../../lib/platform/log.js';
import type { EventCodec, TypedEvent } from '../../lib/platform/registry/codec.js';
import type { ProjectorConfig } from './config.js';
import type { ProjectionSink } from './store.js';
import { metrics } from '../../lib/platform/telemetry/metrics.js';

export interface ProjectorStats {
  batches: number;
  events: number;
  applied: number;
  ignored: number;
  deadLetters: number;
  lastCommitAt: string | null;
}

export interface ProjectorOptions {
  /**
   * Dead-letter poison to `<topic>.dlq` too (default). Off for `verity replay`, which writes no topic:
   * poison is recorded in projection_dead_letters only.
   */
  deadLetters?: boolean;
  /** Where each partition's read ends (exclusive; a window's end): paused there. */
  endAt?: (partition: number) => bigint | undefined;
}

/** Projects one topic into one sink. `E` is the topic's event union; every event has an occurred_at. */
export class Projector<E extends TypedEvent & { occurred_at: string } = TypedEvent & { occurred_at: string }> {
  private readonly runner: ConsumerRunner<E>;
  readonly stats: ProjectorStats = {
    batches: 0,
    events: 0,
    applied: 0,
    ignored: 0,
    deadLetters: 0,
    lastCommitAt: null,
  };
  /** End-to-end lag samples (read model committed − event occurred_at, ms): a bounded ring. */
  readonly lag = new LagRing(50_000);
  constructor(
    kafka: Kafka,
    readonly topic: string,
    /** Consumer group id, as used (scoped by the topic prefix: ProjectionTarget.group). */
    readonly groupId: string,
    codec: EventCodec<E>,
    private readonly store: ProjectionSink<E>,
    config: ProjectorConfig,
    log: Logger,
    opts: ProjectorOptions = {},
  ) {
    this.runner = new ConsumerRunner<E>(
      kafka,
      {
        service: 'projector',
        groupId: this.groupId,
        topics: [topic],
        codecs: new Map([[topic, codec]]),
        mode: 'external',
        deadLetters: opts.deadLetters ?? true,
        fromBeginning: true,
        spans: 'batch',
        concurrency: config.concurrency,
        maxBytesPerPartition: config.maxBytesPerPartition,
        sessionTimeoutMs: config.sessionTimeoutMs,
        stallMs: config.stallMs,
        commitForMonitoring: true,
        ...(opts.endAt ? { endAt: (_topic: string, partition: number) => opts.endAt!(partition) } : {}),
      },
      {
        position: (t, p) => this.store.checkpoint(t, p),
        process: async (slice) => {
          const events = slice.records.map((r) => r.event);
          const result = await this.store.apply(
            slice.topic,
            slice.partition,
            slice.from,
            slice.next,
            events,
            slice.deadLetters,
          );
          const committedAt = Date.now();
          for (const e of events) {
            const ms = committedAt - Date.parse(e.occurred_at);
            this.lag.add(ms);
            metrics.e2eLag.observe({ topic: this.topic }, Math.max(0, ms) / 1000);
          }
          this.stats.batches++;
          this.stats.events += slice.records.length + slice.deadLetters.length;
          this.stats.applied += result.applied;
          this.stats.ignored += result.ignored;
          this.stats.deadLetters += slice.deadLetters.length;
          this.stats.lastCommitAt = new Date(committedAt).toISOString();
        },
      },
      log,
    );
  }

  get ready(): boolean {
    return this.runner.ready;
  }

  /** True, or why not (joining, stalled partitions with their reason). */
  readiness(): true | string {
    return this.runner.readiness();
  }

  /** Stalled partitions with why, and lag per partition. */
  consumerStatus() {
    return this.runner.status();
  }

  async start(): Promise<void> {
    await this.runner.start();
  }

  /** The offset after the last record handled of a partition (undefined: none yet in this run). */
  position(partition: number): bigint | undefined {
    return this.runner.position(this.topic, partition);
  }

  /** True when every partition was handled up to `targets` (end offsets, exclusive; taken earlier). */
  caughtUp(targets: Map<number, { low: bigint; high: bigint }>): boolean {
    for (const [p, { low, high }] of targets) {
      if (high <= low) continue;
      if ((this.runner.position(this.topic, p) ?? -1n) < high) return false;
    }
    return true;
  }

  async stop(): Promise<void> {
    await this.runner.stop(); // lets the slice in flight finish its Postgres transaction
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
