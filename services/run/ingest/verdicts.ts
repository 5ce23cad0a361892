// ?wait=<ms>: a request registers its report id, then waits until the decider's verdict comes back
// on ci.pipeline.events.v1 (events caused by the report) or ci.intake.rejected.v1 (its rejection).
// Matching uses the `causation-id` header, so only matching records are decoded. Bounded: at most
// maxWaiters at once. The consumer runner in 'none' mode (a group of its own from the end of the topics,
// nothing committed; an undecodable record is logged and skipped).
import { randomUUID } from 'node:crypto';
import type { Kafka } from 'kafkajs';
import type { IntakeRejectedEvent, PipelineEvent } from '../../lib/core/events/generated.js';
import { ConsumerRunner, type Slice } from '../../lib/platform/consumer/runner.js';
import type { Logger } from '../../lib/platform/log.js';
import { scopedId, TOPICS } from '../../lib/platform/kafka/topics.js';
import type { EventCodec } from '../../lib/platform/registry/codec.js';

export type Verdict =
  | { verdict: 'accepted'; events: { type: string; seq: number; job_id?: string; name?: string }[] }
  | { verdict: 'rejected'; code: string; message: string; details: Record<string, unknown> }
  | { verdict: 'pending' };

interface Waiter {
  events: PipelineEvent[];
  resolve: (v: Verdict) => void;
}

export class VerdictWaiters {
  private readonly waiters = new Map<string, Waiter>();
  private runner: ConsumerRunner<PipelineEvent | IntakeRejectedEvent> | undefined;

  constructor(
    private readonly kafka: Kafka,
    private readonly codecs: { events: EventCodec<PipelineEvent>; rejected: EventCodec<IntakeRejectedEvent> },
    private readonly maxWaiters: number,
    private readonly log: Logger,
    /** Sees the events of an accepted report before its waiter is answered. */
    private readonly beforeAnswer: (events: PipelineEvent[]) => Promise<void> = async () => undefined,
    private readonly stallMs = 60_000,
  ) {}

  get ready(): boolean {
    return this.runner?.ready ?? false;
  }

  /** True, or why verdicts cannot be followed now. */
  readiness(): true | string {
    return this.runner?.readiness() ?? 'verdict consumer not started';
  }

  get full(): boolean {
    return this.waiters.size >= this.maxWaiters;
  }

  async start(instanceId: string): Promise<void> {
    const cause = (m: { headers?: Record<string, unknown> }) =>
      (m.headers?.['causation-id'] as Buffer | undefined)?.toString();
    this.runner = new ConsumerRunner<PipelineEvent | IntakeRejectedEvent>(
      this.kafka,
      {
        service: 'ingest',
        groupId: scopedId(`verity-ingest-verdicts-${instanceId}-${randomUUID().slice(0, 8)}`),
        topics: [TOPICS.pipelineEvents, TOPICS.intakeRejected],
        codecs: new Map<string, EventCodec<PipelineEvent | IntakeRejectedEvent>>([
          [TOPICS.pipelineEvents, this.codecs.events as EventCodec<PipelineEvent | IntakeRejectedEvent>],
          [TOPICS.intakeRejected, this.codecs.rejected as EventCodec<PipelineEvent | IntakeRejectedEvent>],
        ]),
        mode: 'none',
        fromBeginning: false,
        // Only the records of a report someone waits for are decoded.
        accept: (m) => {
          const id = cause(m);
          return id !== undefined && this.waiters.has(id);
        },
        maxWaitTimeInMs: 50,
        stallMs: this.stallMs,
      },
      { process: (slice) => this.onSlice(slice) },
      this.log,
    );
    await this.runner.start();
  }

  private async onSlice(slice: Slice<PipelineEvent | IntakeRejectedEvent>): Promise<void> {
    const touched = new Set<string>();
    for (const r of slice.records) {
      const id = r.message.headers?.['causation-id']?.toString();
      const w = id ? this.waiters.get(id) : undefined;
      if (!w || !id) continue;
      if (slice.topic === TOPICS.intakeRejected) {
        const event = r.event as IntakeRejectedEvent;
        this.settle(id, {
          verdict: 'rejected',
          code: event.code,
          message: event.message,
          details: event.details ?? {},
        });
      } else {
        w.events.push(r.event as PipelineEvent);
        touched.add(id);
      }
    }
    // A report's events are written in one transaction, so they arrive in one batch.
    for (const id of touched) {
      const w = this.waiters.get(id);
      if (w) {
        await this.beforeAnswer(w.events).catch((err: unknown) =>
          this.log.warn({ err, cause: id }, 'events of a verdict not applied'),
        );
        const events = w.events.map((e) => ({
          type: e.type,
          seq: e.seq,
          ...('job_id' in e ? { job_id: e.job_id, name: e.name } : {}),
        }));
        this.settle(id, { verdict: 'accepted', events });
      }
    }
  }

  /** Register before writing the report, then await the returned promise (resolves 'pending' on timeout). */
  register(reportId: string, timeoutMs: number): Promise<Verdict> {
    return new Promise<Verdict>((resolve) => {
      const timer = setTimeout(() => this.settle(reportId, { verdict: 'pending' }), timeoutMs);
      this.waiters.set(reportId, {
        events: [],
        resolve: (v) => {
          clearTimeout(timer);
          resolve(v);
        },
      });
    });
  }

  cancel(reportId: string): void {
    this.settle(reportId, { verdict: 'pending' });
  }

  private settle(reportId: string, verdict: Verdict): void {
    const w = this.waiters.get(reportId);
    if (!w) return;
    this.waiters.delete(reportId);
    w.resolve(verdict);
  }

  async stop(): Promise<void> {
    for (const id of [...this.waiters.keys()]) this.settle(id, { verdict: 'pending' });
    await this.runner?.stop();
  }
}
