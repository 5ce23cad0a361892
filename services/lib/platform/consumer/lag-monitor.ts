// Lag and stalls of the partitions a consumer owns, from the broker's high watermarks (read every few
// seconds) and the consumer's own position: `verity_consumer_lag` and `verity_consumer_stalled_partitions`,
// and the reasons /readyz gives. A partition is stalled when it is behind and its position has not moved
// for `stallMs`, or when its handler stopped it (a seq gap). Series of partitions this process no longer
// owns are removed.
import type { Admin } from 'kafkajs';
import type { Logger } from '../log.js';
import { metrics } from '../telemetry/metrics.js';
import { isStalled, lagOf, observe, type PartitionProgress } from './progress.js';

export interface TopicPartition {
  topic: string;
  partition: number;
}

export const keyOf = (topic: string, partition: number) => `${topic}[${partition}]`;

export interface LagSource {
  /** The partitions owned now. */
  owned(): TopicPartition[];
  /** The position known in memory (the offset after the last record handled), if any. */
  position(topic: string, partition: number): bigint | undefined;
  /**
   * Positions stored outside memory (committed group offsets or a sink's checkpoint) for partitions without one in
   * memory.
   */
  storedPositions(missing: TopicPartition[]): Promise<Map<string, bigint>>;
  /** Partitions the handler stopped, with why. */
  stopped(): Map<string, string>;
  /** Where a bounded consumer (a replay or rebuild window) stops reading a partition: its lag ends there. */
  end?(topic: string, partition: number): bigint | undefined;
}

export class LagMonitor {
  private readonly progress = new Map<string, PartitionProgress & TopicPartition>();
  private timer: NodeJS.Timeout | undefined;
  private ticking: Promise<void> | undefined;
  /** The partitions whose lag series this monitor set, by key. */
  private labelled = new Map<string, TopicPartition>();

  constructor(
    private readonly admin: Admin,
    private readonly group: string,
    private readonly source: LagSource,
    private readonly opts: { intervalMs: number; stallMs: number; log: Logger; now?: () => number },
  ) {}

  start(): void {
    const run = () => {
      this.ticking = this.tick()
        .catch((err: Error) => this.opts.log.debug({ err: err.message }, 'reading high watermarks failed'))
        .finally(() => {
          if (this.timer) this.timer = setTimeout(run, this.opts.intervalMs).unref();
        });
    };
    this.timer = setTimeout(run, Math.min(1000, this.opts.intervalMs)).unref();
  }

  async stop(): Promise<void> {
    const t = this.timer;
    this.timer = undefined;
    if (t) clearTimeout(t);
    await this.ticking;
    this.clear();
  }

  /** Reads the high watermarks once and updates lag, stalls and the metrics. */
  async tick(): Promise<void> {
    const now = (this.opts.now ?? Date.now)();
    const owned = this.source.owned();
    const topics = [...new Set(owned.map((o) => o.topic))];
    const highs = new Map<string, bigint>();
    for (const topic of topics) {
      for (const o of await this.admin.fetchTopicOffsets(topic)) highs.set(keyOf(topic, o.partition), BigInt(o.high));
    }
    const missing = owned.filter((o) => this.source.position(o.topic, o.partition) === undefined);
    const stored = missing.length > 0 ? await this.source.storedPositions(missing) : new Map<string, bigint>();
    const seen = new Set<string>();
    for (const o of owned) {
      const key = keyOf(o.topic, o.partition);
      const watermark = highs.get(key);
      if (watermark === undefined) continue;
      // A partition paused at the end of its window is done, not behind, whatever was written after it.
      const end = this.source.end?.(o.topic, o.partition);
      const high = end !== undefined && end < watermark ? end : watermark;
      // Nothing known at all (a new group starting from the latest offset): caught up by definition.
      const position = this.source.position(o.topic, o.partition) ?? stored.get(key) ?? high;
      this.progress.set(key, { ...o, ...observe(this.progress.get(key), position, high, now) });
      seen.add(key);
    }
    for (const key of this.progress.keys()) if (!seen.has(key)) this.progress.delete(key);
    this.publish(now);
  }

  /** Stalled partitions with why ("ci.pipeline.events.v1[3]: 120 behind, no progress for 75 s"). */
  stalled(now = (this.opts.now ?? Date.now)()): string[] {
    const out: string[] = [];
    const stopped = this.source.stopped();
    for (const [key, why] of stopped) out.push(`${key}: ${why}`);
    for (const [key, p] of this.progress) {
      if (stopped.has(key) || !isStalled(p, now, this.opts.stallMs)) continue;
      out.push(`${key}: ${lagOf(p)} behind, no progress for ${Math.round((now - p.movedAt) / 1000)} s`);
    }
    return out.sort();
  }

  /** Lag per partition, for /stats. */
  lags(): Record<string, number> {
    return Object.fromEntries([...this.progress].map(([k, p]) => [k, Number(lagOf(p))]));
  }

  private publish(now: number): void {
    const stopped = this.source.stopped();
    const stalledByTopic = new Map<string, number>();
    const current = new Map<string, TopicPartition>();
    for (const [key, p] of this.progress) {
      metrics.consumerLag.set({ group: this.group, topic: p.topic, partition: String(p.partition) }, Number(lagOf(p)));
      current.set(key, { topic: p.topic, partition: p.partition });
      stalledByTopic.set(
        p.topic,
        (stalledByTopic.get(p.topic) ?? 0) + (stopped.has(key) || isStalled(p, now, this.opts.stallMs) ? 1 : 0),
      );
    }
    for (const [key, tp] of this.labelled)
      if (!current.has(key))
        metrics.consumerLag.remove({ group: this.group, topic: tp.topic, partition: String(tp.partition) });
    for (const [topic, n] of stalledByTopic) metrics.consumerStalled.set({ group: this.group, topic }, n);
    this.labelled = current;
  }

  /** Removes every series of this group (the consumer stopped: its lag is no one's). */
  private clear(): void {
    const topics = new Set<string>();
    for (const tp of [...this.labelled.values(), ...this.progress.values()]) topics.add(tp.topic);
    for (const tp of this.labelled.values())
      metrics.consumerLag.remove({ group: this.group, topic: tp.topic, partition: String(tp.partition) });
    for (const topic of topics) metrics.consumerStalled.remove({ group: this.group, topic });
    this.labelled = new Map();
    this.progress.clear();
  }
}
