// Circuit breaker around a provider: after `failureThreshold` consecutive failures it opens and refuses
// calls; after `cooldownMs` it lets one probe through (half-open); the probe's success closes it, its
// failure opens it for another cool-down. Pure: the clock is injected.

export type CircuitState = 'closed' | 'open' | 'half_open';

export interface CircuitBreakerOptions {
  /** Consecutive failures that open the circuit (≥ 1). */
  failureThreshold: number;
  /** How long the circuit stays open before a probe is let through; also how long a probe may take. */
  cooldownMs: number;
}

export class CircuitBreaker {
  private failures = 0;
  private openedAt: number | null = null;
  /** When the half-open probe was let through; null when none is in flight. */
  private probeAt: number | null = null;

  constructor(
    private readonly opts: CircuitBreakerOptions,
    private readonly now: () => number = Date.now,
  ) {}

  state(): CircuitState {
    if (this.openedAt === null) return 'closed';
    return this.now() - this.openedAt < this.opts.cooldownMs ? 'open' : 'half_open';
  }

  /**
   * Whether a call may go ahead now. Closed: always. Open: never. Half-open: the first caller gets the
   * probe; others are refused while it is in flight, unless it has not reported for `cooldownMs` (a lost
   * probe must not keep the circuit half-open for ever).
   */
  tryAcquire(): boolean {
    const state = this.state();
    if (state === 'closed') return true;
    if (state === 'open') return false;
    const now = this.now();
    if (this.probeAt !== null && now - this.probeAt < this.opts.cooldownMs) return false;
    this.probeAt = now;
    return true;
  }

  /** A call succeeded: the circuit closes and the failure count restarts. */
  onSuccess(): void {
    this.failures = 0;
    this.openedAt = null;
    this.probeAt = null;
  }

  /** A call failed: the threshold-th consecutive failure, or a failed probe, opens the circuit. */
  onFailure(): void {
    this.failures++;
    if (this.openedAt !== null || this.failures >= this.opts.failureThreshold) {
      this.openedAt = this.now();
      this.probeAt = null;
    }
  }
}
