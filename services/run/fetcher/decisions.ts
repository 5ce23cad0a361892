// Pure: which canonical events the fetcher acts on, and how.
//  - PipelineCreated (mode observed) and JobObserved go into the book (observed-book.ts).
//  - A JobFailed with `log_pending` (the decider's mark of an observed job: "JobLogAttached follows"), at or
//    after the partition's committed offset, needs its log fetched. The book must know the job's id there (a
//    JobObserved of the same attempt); the connection is then looked for by the pipeline's system and
//    instance, the Verity project and the job's (or pipeline's) link. The decider writes a job's JobFailed
//    before the JobObserved of the same decision, so a JobFailed whose job is not known yet waits until its
//    decision is over — the next record of the partition with another causation, or FETCHER_PARK_MS — and is
//    judged then: still unknown, it gets a fetch_error (never silence: the remediator waits for it).
import type { JobFailed } from '../../lib/core/events/generated.js';
import type { FailedJob } from '../../lib/platform/producer-api/job-log.js';
import type { ObservedBook } from './observed-book.js';

export type Judgement =
  | { kind: 'fetch'; job: FailedJob }
  | { kind: 'error'; reason: string }
  /** Not yet: the decision that failed the job may still name it (JobObserved after JobFailed). */
  | { kind: 'wait' };

/** A JobFailed whose log is to be fetched, at an offset not done before (at or after the committed one). */
export function mayNeedLog(event: JobFailed, offset: bigint, actFrom: bigint): boolean {
  return offset >= actFrom && event.log_pending === true && event.log === null;
}

/** What to do with a failed job now; `final`: the decision that failed it is over (nothing more will come). */
export function judge(book: ObservedBook, failed: JobFailed, final: boolean): Judgement {
  const job = book.job(failed.job_id);
  const pipeline = book.pipeline(failed.pipeline_id);
  if (job) {
    return {
      kind: 'fetch',
      job: {
        pipelineId: failed.pipeline_id,
        projectId: failed.project_id,
        job: failed.job_id,
        externalJobId: job.externalId,
        at: {
          system: pipeline?.system ?? null,
          instance: pipeline?.instance ?? null,
          project: failed.project_id,
          urls: [job.url, pipeline?.url ?? null],
        },
      },
    };
  }
  if (!final) return { kind: 'wait' };
  return {
    kind: 'error',
    reason:
      `no JobObserved gave the ${pipeline?.system ?? 'external'} id of job ${failed.name} ` +
      `(attempt ${failed.attempt}): its log cannot be asked for`,
  };
}

export interface Parked {
  offset: bigint;
  event: JobFailed;
  /** When it was read (ms). */
  since: number;
}

/**
 * Failed jobs waiting for the end of their decision, in offset order. `next` is a later record of the same
 * partition: a parked job whose causation it does not share is final now; so is one parked longer than
 * `parkMs`.
 */
export class ParkingLot {
  private parked: Parked[] = [];

  constructor(private readonly parkMs: number) {}

  get size(): number {
    return this.parked.length;
  }

  park(p: Parked): void {
    this.parked.push(p);
  }

  /** The parked jobs whose decision is over, taken out. */
  settle(next: { causation_id: string } | null, now: number): Parked[] {
    const over = (p: Parked) =>
      (next !== null && next.causation_id !== p.event.causation_id) || now - p.since >= this.parkMs;
    const out = this.parked.filter(over);
    if (out.length > 0) this.parked = this.parked.filter((p) => !over(p));
    return out;
  }

  /** Every parked job, taken out (a JobObserved may have come: judge them again). */
  takeAll(): Parked[] {
    const out = this.parked;
    this.parked = [];
    return out;
  }
}
