// ci.pipeline.due.v1 → the due book. The consumer runner in mode 'none': nothing is committed, every partition is
// read from its start whenever this instance gets it (the topic is compacted: about one record per pipeline with
// something due), and instances of one group share the partitions. Poison is logged and skipped (no dead letters).
//  - A tombstone (null value: nothing due) never reaches the handler, which gets decoded records only: the runner's
//    `accept` sees it and it waits (tombstones.ts) until the slice holding its offset is applied, in offset order
//    with that slice's records — so whatever of one pipeline comes last wins.
//  - A partition is caught up (catch-up.ts) once read to its high watermark of when it was got; only then are
//    its pipelines ticked, and only then is the timer ready.
import type { Admin, Kafka, KafkaMessage } from 'kafkajs';
import type { PipelineDueEvent } from '../../lib/core/events/generated.js';
import { ConsumerRunner, type Slice } from '../../lib/platform/consumer/runner.js';
import { TOPICS } from '../../lib/platform/kafka/topics.js';
import type { Logger } from '../../lib/platform/log.js';
import type { EventCodec } from '../../lib/platform/registry/codec.js';
import { CatchUp } from './catch-up.js';
import type { TimerConfig } from './config.js';
import type { DueBook } from './due-book.js';
import { timerMetrics } from './metrics.js';
import { Tombstones } from './tombstones.js';

/** How often, at most, the log says again that the due book is full. */
const FULL_LOG_EVERY_MS = 60_000;

export class DueFeed {
  private readonly runner: ConsumerRunner<PipelineDueEvent>;
  private readonly catchUp = new CatchUp();
  /** Tombstones seen by `accept`, waiting for the slice that holds them. */
  private readonly tombstones = new Tombstones();
  private readonly admin: Admin;
  private refused = 0;
  private fullLoggedAt = -Infinity;

  constructor(
    kafka: Kafka,
    codec: EventCodec<PipelineDueEvent>,
    private readonly book: DueBook,
    private readonly config: TimerConfig,
    private readonly log: Logger,
  ) {
    this.admin = kafka.admin();
    this.runner = new ConsumerRunner(
      kafka,
      {
        service: 'timer',
        groupId: config.groupId,
        topics: [TOPICS.pipelineDue],
        codecs: new Map([[TOPICS.pipelineDue, codec]]),
        mode: 'none',
        fromBeginning: true,
        accept: (m, _topic, partition) => this.accept(m, partition),
        sessionTimeoutMs: config.sessionTimeoutMs,
        stallMs: config.stallMs,
      },
      {
        prepare: async (parts) => this.prepare(parts.map((p) => p.partition)),
        released: (parts) => this.release(parts.map((p) => p.partition)),
        process: async (slice) => this.apply(slice),
      },
      log,
    );
  }

  async start(): Promise<void> {
    await this.admin.connect();
    await this.runner.start();
  }

  /** True when the partition is read up to date: its pipelines may be ticked. */
  live(partition: number): boolean {
    return this.catchUp.live(partition, this.runner.position(TOPICS.pipelineDue, partition));
  }

  /** True, or why not: the consumer not joined (or stalled), or partitions not read up to date yet. */
  readiness(): true | string {
    const r = this.runner.readiness();
    if (r !== true) return r;
    const behind = this.catchUp.behind((p) => this.runner.position(TOPICS.pipelineDue, p));
    if (behind.length === 0) return true;
    const parts = behind.map((b) => `${b.partition}${b.records === null ? '' : ` (${b.records} behind)`}`);
    return `catching up with ${TOPICS.pipelineDue}: partitions ${parts.join(', ')}`;
  }

  /** Lag and stalls of the due partitions (for /stats). */
  consumerStatus() {
    return this.runner.status();
  }

  get partitions(): number[] {
    return this.catchUp.partitions;
  }

  async stop(): Promise<void> {
    await this.runner.stop();
    await this.admin.disconnect().catch(() => undefined);
  }

  private accept(m: KafkaMessage, partition: number): boolean {
    if (m.value !== null) return true;
    const id = m.key?.toString();
    if (id) this.tombstones.add(partition, BigInt(m.offset), id);
    return false;
  }

  /** Partitions got: read from their start; caught up once at their high watermark of now. */
  private async prepare(partitions: number[]): Promise<void> {
    const offsets = await this.admin.fetchTopicOffsets(TOPICS.pipelineDue);
    for (const p of partitions) {
      const o = offsets.find((x) => x.partition === p);
      this.catchUp.assigned(p, BigInt(o?.low ?? '0'), BigInt(o?.high ?? '0'));
    }
    this.log.info({ partitions }, `reading ${TOPICS.pipelineDue} from the start`);
  }

  private release(partitions: number[]): void {
    for (const p of partitions) {
      this.catchUp.released(p);
      this.tombstones.drop(p);
    }
    const dropped = this.book.dropPartitions(new Set(partitions));
    this.log.info({ partitions, dropped }, 'partitions given up: their pipelines are left to their new owner');
  }

  /** One slice: its records and the tombstones it holds, in offset order, into the book. */
  private apply(slice: Slice<PipelineDueEvent>): void {
    const { partition, next } = slice;
    const changes = this.tombstones.slice(partition, next, slice.records);
    const offsets = [...changes.map((c) => c.offset), ...slice.deadLetters.map((d) => d.offset)];
    if (offsets.length > 0) {
      const first = offsets.reduce((a, b) => (b < a ? b : a));
      this.catchUp.applied(partition, first, next);
    }
    for (const c of changes) {
      if ('removed' in c) {
        this.book.remove(c.removed);
        continue;
      }
      const dueAt = Date.parse(c.due.due_at);
      const r = this.book.set({ pipelineId: c.due.pipeline_id, projectId: c.due.project_id, partition, dueAt });
      if (r === 'full') this.refuse(c.due.pipeline_id);
    }
  }

  private refuse(pipelineId: string): void {
    timerMetrics.untracked.inc();
    this.refused++;
    const now = Date.now();
    if (now - this.fullLoggedAt < FULL_LOG_EVERY_MS) return;
    this.fullLoggedAt = now;
    this.log.error(
      { maxPipelines: this.config.maxPipelines, refused: this.refused, pipeline: pipelineId },
      `the due book is full (TIMER_MAX_PIPELINES=${this.config.maxPipelines}): pipelines beyond it get no Tick ` +
        'until their next due time finds room; raise TIMER_MAX_PIPELINES or run more timer instances',
    );
  }
}
