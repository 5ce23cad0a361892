// The fetcher shell: the logs of observed failed jobs, from GitLab's or GitHub's API into the log store, as
// AttachJobLog records on ci.intake.v1. The pieces: the book of observed pipelines and jobs (observed-book.ts),
// the feed that reads ci.pipeline.events.v1 (feed.ts), each owned partition's judging, fetching and progress
// (owned-partition.ts), the fetch queue (fetch-queue.ts), the transactional writer (committer.ts). Connections
// and their API tokens come from the producer tokens file (INGEST_TOKENS_FILE), re-read when it changes.
import type { Kafka } from 'kafkajs';
import type { IntakeEvent, PipelineEvent } from '../../lib/core/events/generated.js';
import type { ConnectionsSource } from '../../lib/platform/connections/load.js';
import type { Logger } from '../../lib/platform/log.js';
import type { LogStore } from '../../lib/platform/logstore/log-store.js';
import { RateLimits } from '../../lib/platform/producer-api/token-bucket.js';
import type { EventCodec } from '../../lib/platform/registry/codec.js';
import { Committer } from './committer.js';
import type { FetcherConfig } from './config.js';
import { FetcherFeed } from './feed.js';
import { FetchQueue } from './fetch-queue.js';
import { setGaugeSource } from './metrics.js';
import { ObservedBook } from './observed-book.js';

export interface FetcherCodecs {
  events: EventCodec<PipelineEvent>;
  intake: EventCodec<IntakeEvent>;
}

export class Fetcher {
  readonly book: ObservedBook;
  readonly queue: FetchQueue;
  private readonly committer: Committer;
  private readonly feed: FetcherFeed;

  constructor(
    kafka: Kafka,
    codecs: FetcherCodecs,
    private readonly connections: ConnectionsSource,
    store: LogStore,
    config: FetcherConfig,
    log: Logger,
  ) {
    this.book = new ObservedBook({ maxPipelines: config.maxPipelines, maxJobs: config.maxJobs });
    this.queue = new FetchQueue(config.concurrency, config.concurrency * 50);
    this.committer = new Committer(
      kafka,
      codecs.intake,
      { events: config.eventsTopic, intake: config.intakeTopic },
      config.groupId,
    );
    const policy = {
      maxAttempts: config.maxAttempts,
      timeoutMs: config.timeoutMs,
      limitBytes: config.logLimitBytes,
      backoff: { baseMs: 1000, maxMs: config.maxWaitMs },
    };
    this.feed = new FetcherFeed(
      kafka,
      codecs.events,
      {
        book: this.book,
        queue: this.queue,
        committer: this.committer,
        jobLogs: { connections: () => connections.current(), store, policy, limits: new RateLimits(config.ratePerS) },
        parkMs: config.parkMs,
        log,
      },
      config,
      log,
    );
  }

  async start(): Promise<void> {
    setGaugeSource({
      pending: () => this.pending(),
      pipelines: () => this.book.stats().pipelines,
      jobs: () => this.book.stats().jobs,
    });
    await this.feed.start();
  }

  readiness(): true | string {
    return this.feed.readiness();
  }

  /** Failed jobs read whose AttachJobLog is not written yet. */
  pending(): number {
    let n = 0;
    for (const o of this.feed.owned.values()) n += o.progress.pending;
    return n;
  }

  stats() {
    const partitions: Record<string, { committed: string; read: string; pending: number }> = {};
    for (const [p, o] of this.feed.owned)
      partitions[p] = {
        committed: o.progress.committed.toString(),
        read: o.progress.readTo.toString(),
        pending: o.progress.pending,
      };
    return {
      book: this.book.stats(),
      fetches: { running: this.queue.active, queued: this.queue.size - this.queue.active },
      connections: this.connections
        .current()
        .map((c) => ({ name: c.name, system: c.system, token: c.apiToken !== null })),
      partitions,
      consumer: this.feed.consumerStatus(),
    };
  }

  async stop(): Promise<void> {
    await this.feed.stop();
    await this.committer.close();
    setGaugeSource(undefined);
  }
}
