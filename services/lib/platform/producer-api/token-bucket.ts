// Pacing of the calls to one producer API: a token bucket per connection (its requests per second, a burst
// of as many), so the fetcher and the import never ask GitLab or GitHub faster than configured, however many
// fetches run at once. The clock and the wait are injected: tests count requests, not milliseconds.

export interface Clock {
  now(): number;
  sleep(ms: number): Promise<void>;
}

export const realClock: Clock = {
  now: () => Date.now(),
  sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
};

export class TokenBucket {
  private tokens: number;
  private last: number;
  /** Callers waiting for a token, served in order. */
  private queue: Promise<void> = Promise.resolve();

  constructor(
    /** Tokens added per second. */
    readonly ratePerS: number,
    /** Most tokens held (requests that may go at once after a quiet time). */
    readonly burst: number = Math.max(1, Math.ceil(ratePerS)),
    private readonly clock: Clock = realClock,
  ) {
    if (!(ratePerS > 0)) throw new Error('a token bucket needs a rate > 0');
    this.tokens = this.burst;
    this.last = clock.now();
  }

  /** Resolves when a token is taken; callers are served first come, first served. */
  take(): Promise<void> {
    const turn = this.queue.then(() => this.takeNow());
    this.queue = turn.catch(() => undefined);
    return turn;
  }

  /** Empties the bucket (the server said to slow down: the next calls wait a full refill). */
  drain(): void {
    this.refill();
    this.tokens = Math.min(this.tokens, 0);
  }

  private refill(): void {
    const now = this.clock.now();
    this.tokens = Math.min(this.burst, this.tokens + ((now - this.last) / 1000) * this.ratePerS);
    this.last = now;
  }

  private async takeNow(): Promise<void> {
    for (;;) {
      this.refill();
      if (this.tokens >= 1) {
        this.tokens -= 1;
        return;
      }
      await this.clock.sleep(Math.ceil(((1 - this.tokens) / this.ratePerS) * 1000));
    }
  }
}

/** One bucket per connection name, made on first use with the rate of that moment. */
export class RateLimits {
  private readonly buckets = new Map<string, TokenBucket>();

  constructor(
    private readonly ratePerS: number,
    private readonly clock: Clock = realClock,
  ) {}

  of(connection: string): TokenBucket {
    let b = this.buckets.get(connection);
    if (!b) {
      b = new TokenBucket(this.ratePerS, undefined, this.clock);
      this.buckets.set(connection, b);
    }
    return b;
  }
}
