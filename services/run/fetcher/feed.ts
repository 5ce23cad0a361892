// ci.pipeline.events.v1 → the fetcher, on the consumer runner in its 'external' mode: the fetcher keeps its own
// position, because it reads more than it acts on. What it acts on (failed jobs) starts at the group's
// committed offset, which the committer moves in the transaction of the AttachJobLog records; but to know
// the observed pipelines and jobs again after a restart or a rebalance — the book is memory only — every
// partition it gets is read from FETCHER_LOOKBACK_HOURS ago (or from the committed offset when that is
// older; 0: from the start of the topic), records before the committed offset going only into the book. A
// failed job's JobObserved (its id and link there) comes in the decision that failed it, so the book always
// knows the job; the lookback brings back the pipeline's system and instance (PipelineCreated) for the
// pipelines that can still fail jobs. A group that never committed starts acting at the end of
// the partition (a new fetcher does not fetch the logs of the past; `verity import` does) and commits that
// at once. Only PipelineCreated, JobObserved and JobFailed are decoded (filtered by their event-type header);
// poison is skipped, never dead-lettered (the topic is not the fetcher's).
import type { Admin, Kafka, KafkaMessage } from 'kafkajs';
import type { PipelineEvent } from '../../lib/core/events/generated.js';
import { ConsumerRunner, type Slice } from '../../lib/platform/consumer/runner.js';
import type { Logger } from '../../lib/platform/log.js';
import type { EventCodec } from '../../lib/platform/registry/codec.js';
import type { FetcherConfig } from './config.js';
import { OwnedPartition, type PartitionDeps } from './owned-partition.js';

const ACCEPTED: ReadonlySet<string> = new Set(['PipelineCreated', 'JobObserved', 'JobFailed']);
/** How often parked jobs are checked for their time when no record comes. */
const SWEEP_MS = 1000;
/** Longest pause of the reading to let queued fetches drain (a slice must end well within the session). */
const ROOM_WAIT_MS = 5000;

export class FetcherFeed {
  private readonly runner: ConsumerRunner<PipelineEvent>;
  private readonly admin: Admin;
  readonly owned = new Map<number, OwnedPartition>();
  private readonly positioning = new Map<number, Promise<bigint>>();
  private sweep: NodeJS.Timeout | undefined;

  constructor(
    kafka: Kafka,
    codec: EventCodec<PipelineEvent>,
    private readonly deps: PartitionDeps,
    private readonly config: FetcherConfig,
    private readonly log: Logger,
  ) {
    this.admin = kafka.admin();
    const topic = config.eventsTopic;
    this.runner = new ConsumerRunner(
      kafka,
      {
        service: 'fetcher',
        groupId: config.groupId,
        topics: [topic],
        codecs: new Map([[topic, codec]]),
        mode: 'external',
        fromBeginning: true,
        accept: (m: KafkaMessage) => ACCEPTED.has(m.headers?.['event-type']?.toString() ?? ''),
        deadLetters: false,
        sessionTimeoutMs: config.sessionTimeoutMs,
        stallMs: config.stallMs,
        concurrency: 4,
      },
      {
        position: (_topic, partition) => this.position(partition),
        process: async (slice) => this.process(slice),
        released: (parts) => this.release(parts.map((p) => p.partition)),
      },
      log,
    );
  }

  async start(): Promise<void> {
    await this.admin.connect();
    await this.runner.start();
    this.sweep = setInterval(() => {
      for (const o of this.owned.values()) o.tick();
    }, SWEEP_MS);
  }

  readiness(): true | string {
    return this.runner.readiness();
  }

  consumerStatus() {
    return this.runner.status();
  }

  /** Stops reading (the slice in flight finishes), then each partition writes what is ready. */
  async stop(): Promise<void> {
    if (this.sweep) clearInterval(this.sweep);
    await this.runner.stop();
    await Promise.all([...this.owned.values()].map((o) => o.stop()));
    this.owned.clear();
    await this.admin.disconnect().catch(() => undefined);
  }

  private async process(slice: Slice<PipelineEvent>): Promise<void> {
    const owned = this.owned.get(slice.partition);
    if (!owned) throw new Error(`partition ${slice.partition} has no position yet`);
    owned.process(slice.records, slice.next);
    await this.deps.queue.room(ROOM_WAIT_MS);
  }

  /**
   * Where to read a partition from. One still owned goes on where it is; one got now: its previous owner
   * fenced, the committed offset read (acting starts there), reading starts at the lookback or at that offset.
   */
  private position(partition: number): Promise<bigint> {
    const held = this.owned.get(partition);
    if (held) return Promise.resolve(held.progress.readTo);
    let p = this.positioning.get(partition);
    if (!p) {
      p = this.take(partition).finally(() => this.positioning.delete(partition));
      this.positioning.set(partition, p);
    }
    return p;
  }

  private async take(partition: number): Promise<bigint> {
    const topic = this.config.eventsTopic;
    await this.deps.committer.fence(partition);
    const [committedRaw] = (await this.admin.fetchOffsets({ groupId: this.config.groupId, topics: [topic] }))
      .flatMap((t) => t.partitions)
      .filter((p) => p.partition === partition)
      .map((p) => BigInt(p.offset));
    const committed = committedRaw ?? -1n;
    const water = (await this.admin.fetchTopicOffsets(topic)).find((o) => o.partition === partition);
    const low = BigInt(water?.low ?? '0');
    const high = BigInt(water?.high ?? '0');
    const actFrom = committed < 0n ? high : committed < low ? low : committed;
    let start = low;
    if (this.config.lookbackMs > 0) {
      const at = await this.admin.fetchTopicOffsetsByTimestamp(topic, Date.now() - this.config.lookbackMs);
      const found = BigInt(at.find((o) => o.partition === partition)?.offset ?? '-1');
      start = found < 0n ? high : found;
    }
    if (start > actFrom) start = actFrom;
    if (start < low) start = low;
    const owned = new OwnedPartition(partition, actFrom, start, this.deps);
    // A group's first owner fixes where acting starts before it reads anything.
    if (committed < 0n) await this.deps.committer.write(partition, [], actFrom);
    this.owned.set(partition, owned);
    this.log.info(
      { partition, committed: committed.toString(), actFrom: actFrom.toString(), readFrom: start.toString() },
      'partition taken: reading from the lookback, acting from the committed offset',
    );
    return start;
  }

  private release(partitions: number[]): void {
    for (const p of partitions) {
      this.owned.get(p)?.release();
      this.owned.delete(p);
      this.deps.committer.drop(p);
    }
    if (partitions.length > 0) this.log.info({ partitions }, 'partitions released: their in-flight fetches dropped');
  }
}
