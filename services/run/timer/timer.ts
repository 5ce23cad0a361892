// The timer shell: the clock as reports. Due times are pipeline state: the decider writes each pipeline's earliest
// one to ci.pipeline.due.v1 in the transaction of the state itself; the feed (due-feed.ts) keeps them in the due
// book. Every TIMER_INTERVAL_MS, each pipeline whose due time has passed (of a partition read up to date) gets a
// Tick on ci.intake.v1, keyed by its pipeline id, with occurred_at = now; decide() acts on every due time up to
// that instant. The same (pipeline, due time) is ticked again only after TIMER_RESEND_MS: a Tick that took effect
// brings a new due time (or a tombstone) before then, unless the decider lags. The timer decides nothing itself.
import type { Kafka, Producer } from 'kafkajs';
import { v7 as uuidv7 } from 'uuid';
import type { IntakeEvent, PipelineDueEvent } from '../../lib/core/events/generated.js';
import { chunked } from '../../lib/platform/consumer/chunked.js';
import { TOPICS } from '../../lib/platform/kafka/topics.js';
import type { Logger } from '../../lib/platform/log.js';
import type { EventCodec } from '../../lib/platform/registry/codec.js';
import { withSendSpan } from '../../lib/platform/telemetry/kafka-context.js';
import { countEvents } from '../../lib/platform/telemetry/metrics.js';
import type { TimerConfig } from './config.js';
import { DueBook } from './due-book.js';
import { DueFeed } from './due-feed.js';
import { setGaugeSource, timerMetrics } from './metrics.js';
import { TIMER_PRODUCER, tickRecord } from './tick-record.js';

export interface TimerCodecs {
  due: EventCodec<PipelineDueEvent>;
  intake: EventCodec<IntakeEvent>;
}

export interface TimerStats {
  rounds: number;
  ticks: number;
  resends: number;
  sendFailures: number;
  lastRoundAt: string | null;
}

export class Timer {
  readonly book: DueBook;
  private readonly feed: DueFeed;
  private producer: Producer | undefined;
  private loop: NodeJS.Timeout | undefined;
  private round: Promise<unknown> = Promise.resolve();
  private stopping = false;
  readonly stats: TimerStats = { rounds: 0, ticks: 0, resends: 0, sendFailures: 0, lastRoundAt: null };

  constructor(
    private readonly kafka: Kafka,
    private readonly codecs: TimerCodecs,
    private readonly config: TimerConfig,
    private readonly log: Logger,
    private readonly now: () => number = Date.now,
  ) {
    this.book = new DueBook({ maxPipelines: config.maxPipelines, resendMs: config.resendMs });
    this.feed = new DueFeed(kafka, codecs.due, this.book, config, log);
  }

  async start(): Promise<void> {
    this.producer = this.kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
    await this.producer.connect();
    await this.feed.start();
    setGaugeSource({
      pipelines: () => this.book.size,
      oldestOverdueSeconds: () => this.book.oldestOverdueMs(this.now()) / 1000,
    });
    const next = () => {
      this.round = this.tickOnce()
        .catch((err: Error) => {
          this.stats.sendFailures++;
          timerMetrics.sendFailures.inc();
          this.log.warn({ err: err.message }, 'sending Ticks failed; they go again next round');
        })
        .finally(() => {
          if (!this.stopping) this.loop = setTimeout(next, this.config.intervalMs);
        });
    };
    this.loop = setTimeout(next, this.config.intervalMs);
  }

  /** True, or why not: the due topic's consumer not joined or stalled, or not read up to date yet. */
  readiness(): true | string {
    return this.feed.readiness();
  }

  consumerStatus() {
    return this.feed.consumerStatus();
  }

  get partitions(): number[] {
    return this.feed.partitions;
  }

  /** One round: a Tick for each due pipeline (earliest first, bounded); returns how many were sent. */
  async tickOnce(): Promise<number> {
    const now = this.now();
    const due = this.book.due(now, this.config.maxTicksPerRound, (p) => this.feed.live(p));
    this.stats.rounds++;
    this.stats.lastRoundAt = new Date(now).toISOString();
    if (due.length === 0) return 0;
    const at = new Date(now).toISOString();
    const records = due.map((d) => tickRecord(d, at, uuidv7()));
    await withSendSpan({ topic: TOPICS.intake, count: records.length }, async () => {
      const messages = await Promise.all(records.map((r) => this.codecs.intake.toMessage(r, TIMER_PRODUCER)));
      for (const chunk of chunked([{ topic: TOPICS.intake, messages }]))
        await this.producer!.sendBatch({ topicMessages: chunk, acks: -1 });
    });
    this.book.sent(due, now);
    const resends = due.filter((d) => d.resend).length;
    this.stats.ticks += due.length;
    this.stats.resends += resends;
    if (due.length > resends) timerMetrics.ticks.inc({ kind: 'first' }, due.length - resends);
    if (resends > 0) timerMetrics.ticks.inc({ kind: 'resend' }, resends);
    countEvents(
      'timer',
      TOPICS.intake,
      records.map((r) => r.type),
    );
    this.log.debug({ ticks: due.length, resends, oldestDueAt: new Date(due[0]!.dueAt).toISOString() }, 'ticks sent');
    return due.length;
  }

  /** Stops the rounds (the one in flight finishes), then the feed and the producer. */
  async stop(): Promise<void> {
    this.stopping = true;
    if (this.loop) clearTimeout(this.loop);
    await this.round;
    setGaugeSource(undefined);
    await this.feed.stop();
    await this.producer?.disconnect().catch(() => undefined);
  }
}
