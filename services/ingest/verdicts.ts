// ?wait=<ms>: a request registers its report id, then waits until the decider's verdict comes back
// on ci.pipeline.events.v1 (events caused by the report) or ci.intake.rejected.v1 (its rejection).
// Matching uses the `causation-id` header, so only matching records are decoded. Bounded: at most
// maxWaiters at once.
import { randomUUID } from 'node:crypto';
import type { Consumer, Kafka } from 'kafkajs';
import type { IntakeRejectedEvent, PipelineEvent } from '../core/events/generated.js';
import type { Logger } from '../platform/log.js';
import { scopedId, TOPICS } from '../platform/kafka/topics.js';
import type { EventCodec } from '../platform/registry/codec.js';

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
  private consumer: Consumer | undefined;
  private joined = false;

  constructor(
    private readonly kafka: Kafka,
    private readonly codecs: { events: EventCodec<PipelineEvent>; rejected: EventCodec<IntakeRejectedEvent> },
    private readonly maxWaiters: number,
    private readonly log: Logger,
    /** Sees the events of an accepted report before its waiter is answered. */
    private readonly beforeAnswer: (events: PipelineEvent[]) => Promise<void> = async () => undefined,
  ) {}

  get ready(): boolean {
    return this.joined;
  }

  get full(): boolean {
    return this.waiters.size >= this.maxWaiters;
  }

  async start(instanceId: string): Promise<void> {
    const consumer = this.kafka.consumer({ groupId: scopedId(`verity-ingest-verdicts-${instanceId}-${randomUUID().slice(0, 8)}`), maxWaitTimeInMs: 50 });
    this.consumer = consumer;
    consumer.on(consumer.events.GROUP_JOIN, () => {
      this.joined = true;
    });
    await consumer.connect();
    await consumer.subscribe({ topics: [TOPICS.pipelineEvents, TOPICS.intakeRejected], fromBeginning: false });
    await consumer.run({
      eachBatch: async ({ batch }) => {
        const touched = new Set<string>();
        for (const m of batch.messages) {
          const cause = m.headers?.['causation-id']?.toString();
          const w = cause ? this.waiters.get(cause) : undefined;
          if (!w || !cause) continue;
          try {
            if (batch.topic === TOPICS.intakeRejected) {
              const { event } = await this.codecs.rejected.decode(m.value);
              this.settle(cause, { verdict: 'rejected', code: event.code, message: event.message, details: event.details ?? {} });
            } else {
              w.events.push((await this.codecs.events.decode(m.value)).event);
              touched.add(cause);
            }
          } catch (err) {
            this.log.warn({ err, cause }, 'verdict record could not be decoded');
          }
        }
        // A report's events are written in one transaction, so they arrive in one batch.
        for (const cause of touched) {
          const w = this.waiters.get(cause);
          if (w) {
            await this.beforeAnswer(w.events).catch((err: unknown) => this.log.warn({ err, cause }, 'events of a verdict not applied'));
            const events = w.events.map((e) => ({ type: e.type, seq: e.seq, ...('job_id' in e ? { job_id: e.job_id, name: e.name } : {}) }));
            this.settle(cause, { verdict: 'accepted', events });
          }
        }
      },
    });
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
    await this.consumer?.disconnect();
  }
}
