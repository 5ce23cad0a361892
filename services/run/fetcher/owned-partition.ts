// One partition of ci.pipeline.events.v1 while this instance owns it: its records go into the book; its failed
// jobs are judged (decisions.ts) and fetched in the background (the fetch queue bounds how many at once, the
// producer API's attempts and timeouts how long each), so one slow job never holds the partition's reading;
// every result becomes an AttachJobLog that is written, with the partition's offset, by the committer — the
// offset never past a failed job whose record is not written (progress.ts). Released or stopped: in-flight
// fetches are aborted and their results dropped; the next owner fetches them again.
import type { AttachJobLog, JobFailed, PipelineEvent } from '../../lib/core/events/generated.js';
import type { ConsumedRecord } from '../../lib/platform/consumer/runner.js';
import type { Logger } from '../../lib/platform/log.js';
import { attachJobLogRecord } from '../../lib/platform/producer-api/attach-record.js';
import {
  fetchError,
  fetchJobLog,
  type JobLogDeps,
  type JobLogResult,
} from '../../lib/platform/producer-api/job-log.js';
import type { Committer } from './committer.js';
import { FETCHER_PRODUCER } from './committer.js';
import { judge, mayNeedLog, ParkingLot, type Judgement } from './decisions.js';
import type { FetchQueue } from './fetch-queue.js';
import { fetcherMetrics } from './metrics.js';
import type { ObservedBook } from './observed-book.js';
import { PartitionProgress } from './progress.js';

/** How soon ready records are written; offsets alone go at most this often. */
const RECORDS_DELAY_MS = 50;
const OFFSETS_DELAY_MS = 1000;
const RETRY_DELAY_MS = 1000;

export interface PartitionDeps {
  book: ObservedBook;
  queue: FetchQueue;
  committer: Committer;
  jobLogs: JobLogDeps;
  parkMs: number;
  log: Logger;
  now?: () => number;
}

export class OwnedPartition {
  readonly progress: PartitionProgress<AttachJobLog>;
  private readonly parking: ParkingLot;
  private readonly abort = new AbortController();
  private timer: NodeJS.Timeout | undefined;
  /** When the timer fires (a sooner write replaces it). */
  private timerDue = 0;
  private flushing: Promise<void> | undefined;
  private released = false;
  private readonly now: () => number;

  constructor(
    readonly partition: number,
    actFrom: bigint,
    start: bigint,
    private readonly deps: PartitionDeps,
  ) {
    this.progress = new PartitionProgress(actFrom, start);
    this.parking = new ParkingLot(deps.parkMs);
    this.now = deps.now ?? Date.now;
  }

  /** One slice of records, in offset order; `next` is the offset after it. */
  process(records: ConsumedRecord<PipelineEvent>[], next: bigint): void {
    const { book } = this.deps;
    for (const r of records) {
      const e = r.event;
      this.settle(e);
      if (e.type === 'PipelineCreated' || e.type === 'JobObserved') {
        book.note(e);
        if (e.type === 'JobObserved' && this.parking.size > 0) this.rejudge();
      } else if (e.type === 'JobFailed' && mayNeedLog(e, r.offset, this.progress.actFrom)) {
        this.progress.hold(r.offset);
        this.act(r.offset, e, judge(book, e, false));
      }
    }
    this.progress.read(next);
    this.tick();
  }

  /** Parked jobs past their time are judged; whatever is ready is written soon. */
  tick(): void {
    this.settle(null);
    this.schedule();
  }

  /** No longer ours: in-flight fetches aborted, nothing more written. */
  release(): void {
    this.released = true;
    this.abort.abort();
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
  }

  /** Stopping: in-flight fetches aborted, what is ready written with the offset it allows. */
  async stop(): Promise<void> {
    this.abort.abort();
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    await this.flushing;
    await this.flush().catch(() => undefined);
    this.released = true;
  }

  private settle(next: { causation_id: string } | null): void {
    for (const p of this.parking.settle(next, this.now()))
      this.act(p.offset, p.event, judge(this.deps.book, p.event, true));
  }

  /** A JobObserved came: parked jobs it names can be fetched now. */
  private rejudge(): void {
    for (const p of this.parking.takeAll()) {
      const j = judge(this.deps.book, p.event, false);
      if (j.kind === 'wait') this.parking.park(p);
      else this.act(p.offset, p.event, j);
    }
  }

  private act(offset: bigint, failed: JobFailed, j: Judgement): void {
    switch (j.kind) {
      case 'wait':
        this.parking.park({ offset, event: failed, since: this.now() });
        return;
      case 'error':
        this.ready(offset, failed, fetchError(j.reason), 'unknown');
        return;
      case 'fetch': {
        const system = j.job.at && 'system' in j.job.at ? (j.job.at.system ?? 'unknown') : 'unknown';
        const policy = { ...this.deps.jobLogs.policy, signal: this.abort.signal };
        void this.deps.queue
          .run(async () => {
            if (this.abort.signal.aborted) throw new Error('aborted');
            const started = this.now();
            const result = await fetchJobLog({ ...this.deps.jobLogs, policy }, j.job);
            fetcherMetrics.fetchSeconds.observe({ system }, (this.now() - started) / 1000);
            return result;
          })
          .then(
            (result) => this.ready(offset, failed, result, system),
            (err: Error) => {
              if (this.abort.signal.aborted) return; // released or stopping: the next owner fetches it
              this.ready(offset, failed, fetchError(`fetching failed: ${err.message}`), system);
            },
          );
      }
    }
  }

  private ready(offset: bigint, failed: JobFailed, result: JobLogResult, system: string): void {
    if (this.released) return;
    const record = attachJobLogRecord({
      pipelineId: failed.pipeline_id,
      projectId: failed.project_id,
      job: failed.job_id,
      at: new Date(this.now()).toISOString(),
      producer: FETCHER_PRODUCER,
      correlationId: failed.correlation_id,
      result,
    });
    fetcherMetrics.logs.inc({ system, outcome: result.fetch_error === null ? 'stored' : 'fetch_error' });
    if (result.fetch_error !== null)
      this.deps.log.warn(
        { pipeline: failed.pipeline_id, job: failed.job_id, name: failed.name, reason: result.fetch_error },
        'no log for an observed failed job: AttachJobLog with fetch_error',
      );
    this.progress.done(offset, record);
    this.schedule();
  }

  private schedule(delayMs?: number): void {
    if (this.released || this.flushing) return;
    if (this.progress.next() === null) return;
    const delay = delayMs ?? (this.progress.readyCount > 0 ? RECORDS_DELAY_MS : OFFSETS_DELAY_MS);
    const due = Date.now() + delay;
    if (this.timer) {
      if (this.timerDue <= due) return;
      clearTimeout(this.timer);
    }
    this.timerDue = due;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      let failed = false;
      this.flushing = this.flush()
        .catch((err: Error) => {
          failed = true;
          fetcherMetrics.writeFailures.inc();
          this.deps.log.warn(
            { partition: this.partition, err: err.message },
            'writing AttachJobLog records and the offset failed; trying again',
          );
        })
        .finally(() => {
          this.flushing = undefined;
          this.schedule(failed ? RETRY_DELAY_MS : undefined);
        });
    }, delay);
  }

  /** One transaction: the ready records and the offset they allow. */
  private async flush(): Promise<void> {
    const batch = this.progress.next();
    if (batch === null || this.released) return;
    await this.deps.committer.write(this.partition, batch.records, batch.commit);
    this.progress.written(batch);
  }
}
