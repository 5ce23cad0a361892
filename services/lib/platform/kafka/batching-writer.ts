// Group commit for an idempotent producer: concurrent writers' messages are sent together, one
// request in flight at a time; while it flies, the next batch fills. Bounded: past maxQueued
// messages, write() fails fast with QueueFullError (callers answer 503 + Retry-After).
import type { Message, Producer } from 'kafkajs';

export class QueueFullError extends Error {}

interface Pending {
  messages: Message[];
  resolve: () => void;
  reject: (err: Error) => void;
}

export class BatchingWriter {
  private queue: Pending[] = [];
  private queued = 0;
  private flying: Promise<void> | undefined;
  private closed = false;

  constructor(
    private readonly producer: Producer,
    private readonly topic: string,
    private readonly opts: { maxQueued: number; maxBatch: number } = { maxQueued: 20_000, maxBatch: 2_000 },
  ) {}

  get depth(): number {
    return this.queued;
  }

  write(messages: Message[]): Promise<void> {
    if (this.closed) return Promise.reject(new QueueFullError('shutting down'));
    if (this.queued + messages.length > this.opts.maxQueued) {
      return Promise.reject(new QueueFullError(`${this.queued} records already queued for ${this.topic}`));
    }
    return new Promise<void>((resolve, reject) => {
      this.queue.push({ messages, resolve, reject });
      this.queued += messages.length;
      if (!this.flying) this.flying = this.drain();
    });
  }

  private async drain(): Promise<void> {
    while (this.queue.length > 0) {
      const batch: Pending[] = [];
      let n = 0;
      while (
        this.queue.length > 0 &&
        (batch.length === 0 || n + this.queue[0]!.messages.length <= this.opts.maxBatch)
      ) {
        const p = this.queue.shift()!;
        batch.push(p);
        n += p.messages.length;
      }
      try {
        await this.producer.send({ topic: this.topic, acks: -1, messages: batch.flatMap((p) => p.messages) });
        for (const p of batch) p.resolve();
      } catch (err) {
        for (const p of batch) p.reject(err as Error);
      } finally {
        this.queued -= n;
      }
    }
    this.flying = undefined;
  }

  /** Stops accepting, waits for what is queued to be sent. */
  async close(): Promise<void> {
    this.closed = true;
    while (this.flying) await this.flying;
  }
}
