// The supervisor's restart policy, pure: (state, event, now) → the next state and a decision. The
// process shell (supervisor.ts) feeds it each child's start and exit and does what it decides.
//  - A child that exits when the supervisor did not ask it to is restarted after a capped exponential
//    backoff (base · 2^attempt, at most max), less a random jitter of up to `jitter` of it.
//  - A child that stayed up at least `stableMs` resets the backoff and the crash history: its exit is
//    not a fast crash, and its restart waits the base delay.
//  - A fast crash (up less than `stableMs`) is remembered for `windowMs`; the `maxFastCrashes`-th fast
//    crash within the window gives the service up (it stays down; the other services go on).
//  - A child that exits because the supervisor stopped it stays down.

export interface RestartPolicy {
  /** First backoff delay. */
  baseMs: number;
  /** Cap of the backoff delay. */
  maxMs: number;
  /** Fraction (0..1) of the delay that a random jitter may take off. */
  jitter: number;
  /** A child up this long was stable: its exit resets the backoff and the crash history. */
  stableMs: number;
  /** Fast crashes within `windowMs` that make the supervisor give up on the service. */
  maxFastCrashes: number;
  windowMs: number;
}

export interface RestartState {
  /** When the current (or last) child started; undefined before the first start. */
  startedAt?: number;
  /** Exponent of the next backoff delay: consecutive restarts since the last stable run. */
  attempt: number;
  /** Times of the fast crashes still within the window, oldest first. */
  fastCrashes: number[];
}

export type ChildEvent =
  | { type: 'started' }
  /** `requested`: the supervisor stopped it. `random`: a sample of [0, 1) for the jitter. */
  | { type: 'exited'; requested: boolean; random: number };

export type Decision =
  | { action: 'none' }
  | { action: 'stay-down' }
  | { action: 'restart'; delayMs: number; fast: boolean; upMs: number }
  | { action: 'give-up'; fastCrashes: number; windowMs: number; upMs: number };

export const INITIAL_STATE: RestartState = { attempt: 0, fastCrashes: [] };

/** Capped exponential backoff for `attempt` (0-based), less `random · jitter` of it. */
export function backoffMs(policy: RestartPolicy, attempt: number, random: number): number {
  const raw = Math.min(policy.maxMs, policy.baseMs * 2 ** Math.min(attempt, 52));
  const r = Math.min(Math.max(random, 0), 1);
  return Math.round(raw * (1 - policy.jitter * r));
}

export function decide(
  policy: RestartPolicy,
  state: RestartState,
  event: ChildEvent,
  now: number,
): { state: RestartState; decision: Decision } {
  if (event.type === 'started') return { state: { ...state, startedAt: now }, decision: { action: 'none' } };
  const upMs = state.startedAt === undefined ? 0 : Math.max(0, now - state.startedAt);
  if (event.requested) return { state, decision: { action: 'stay-down' } };
  const fast = upMs < policy.stableMs;
  const history = fast ? [...state.fastCrashes.filter((t) => now - t < policy.windowMs), now] : [];
  const attempt = fast ? state.attempt : 0;
  if (fast && history.length >= policy.maxFastCrashes) {
    return {
      state: { ...state, fastCrashes: history },
      decision: { action: 'give-up', fastCrashes: history.length, windowMs: policy.windowMs, upMs },
    };
  }
  return {
    state: { ...state, attempt: attempt + 1, fastCrashes: history },
    decision: { action: 'restart', delayMs: backoffMs(policy, attempt, event.random), fast, upMs },
  };
}
