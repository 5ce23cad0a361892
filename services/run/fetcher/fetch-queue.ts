// At most FETCHER_CONCURRENCY log fetches at once, over every partition, first come first served. Reading the
// partitions goes on meanwhile; only when more than `maxQueued` fetches wait does the feed pause to let them
// drain (room()), so memory stays bounded under a burst of failures.

export class FetchQueue {
  private running = 0;
  private readonly waiting: (() => void)[] = [];
  private readonly roomWaiters: (() => void)[] = [];

  constructor(
    readonly concurrency: number,
    readonly maxQueued: number,
  ) {}

  /** Fetches running plus waiting. */
  get size(): number {
    return this.running + this.waiting.length;
  }

  get active(): number {
    return this.running;
  }

  /** Runs `task` when a slot is free. */
  async run<T>(task: () => Promise<T>): Promise<T> {
    if (this.running >= this.concurrency) await new Promise<void>((resolve) => this.waiting.push(resolve));
    else this.running++;
    try {
      return await task();
    } finally {
      const next = this.waiting.shift();
      if (next) next();
      else this.running--;
      if (this.waiting.length < this.maxQueued) for (const r of this.roomWaiters.splice(0)) r();
    }
  }

  /** Resolves when fewer than `maxQueued` fetches wait, or after `maxMs` (the consumer must not stall). */
  async room(maxMs: number): Promise<void> {
    if (this.waiting.length < this.maxQueued) return;
    await new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, maxMs);
      this.roomWaiters.push(() => {
        clearTimeout(timer);
        resolve();
      });
    });
  }
}
