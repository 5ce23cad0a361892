import { expect } from 'chai';
import {
  backoffMs,
  decide,
  INITIAL_STATE,
  type ChildEvent,
  type Decision,
  type RestartPolicy,
  type RestartState,
} from './policy.js';

const POLICY: RestartPolicy = {
  baseMs: 1000,
  maxMs: 30_000,
  jitter: 0.2,
  stableMs: 30_000,
  maxFastCrashes: 3,
  windowMs: 120_000,
};
const crash = (random = 0): ChildEvent => ({ type: 'exited', requested: false, random });
const started: ChildEvent = { type: 'started' };

describe('supervisor restart policy', () => {
  describe('one step', () => {
    const rows: {
      name: string;
      state: RestartState;
      event: ChildEvent;
      now: number;
      decision: Decision;
      next?: Partial<RestartState>;
    }[] = [
      {
        name: 'a start records when',
        state: INITIAL_STATE,
        event: started,
        now: 5,
        decision: { action: 'none' },
        next: { startedAt: 5, attempt: 0 },
      },
      {
        name: 'the first fast crash restarts after the base delay',
        state: { startedAt: 0, attempt: 0, fastCrashes: [] },
        event: crash(),
        now: 2000,
        decision: { action: 'restart', delayMs: 1000, fast: true, upMs: 2000 },
        next: { attempt: 1, fastCrashes: [2000] },
      },
      {
        name: 'the Nth fast crash within the window gives the service up',
        state: { startedAt: 10_000, attempt: 2, fastCrashes: [1000, 5000] },
        event: crash(),
        now: 11_000,
        decision: { action: 'give-up', fastCrashes: 3, windowMs: 120_000, upMs: 1000 },
      },
      {
        name: 'the delay doubles with each consecutive fast crash',
        state: { startedAt: 10_000, attempt: 2, fastCrashes: [5000] },
        event: crash(),
        now: 11_000,
        decision: { action: 'restart', delayMs: 4000, fast: true, upMs: 1000 },
        next: { attempt: 3, fastCrashes: [5000, 11_000] },
      },
      {
        name: 'the delay is capped',
        state: { startedAt: 1_000_000, attempt: 10, fastCrashes: [] },
        event: crash(),
        now: 1_000_500,
        decision: { action: 'restart', delayMs: 30_000, fast: true, upMs: 500 },
      },
      {
        name: 'the jitter takes off up to its fraction of the delay',
        state: { startedAt: 0, attempt: 1, fastCrashes: [] },
        event: crash(0.5),
        now: 100,
        decision: { action: 'restart', delayMs: 1800, fast: true, upMs: 100 },
      },
      {
        name: 'fast crashes older than the window are forgotten',
        state: { startedAt: 200_000, attempt: 2, fastCrashes: [10_000, 60_000] },
        event: crash(),
        now: 201_000,
        decision: { action: 'restart', delayMs: 4000, fast: true, upMs: 1000 },
        next: { fastCrashes: [201_000] },
      },
      {
        name: 'a child that stayed up long enough resets the backoff and the crash history',
        state: { startedAt: 0, attempt: 6, fastCrashes: [-1000, -500] },
        event: crash(),
        now: 30_000,
        decision: { action: 'restart', delayMs: 1000, fast: false, upMs: 30_000 },
        next: { attempt: 1, fastCrashes: [] },
      },
      {
        name: 'a child the supervisor stopped stays down, whatever its history',
        state: { startedAt: 0, attempt: 2, fastCrashes: [0, 1] },
        event: { type: 'exited', requested: true, random: 0 },
        now: 10,
        decision: { action: 'stay-down' },
        next: { attempt: 2, fastCrashes: [0, 1] },
      },
    ];
    for (const row of rows) {
      it(row.name, () => {
        const { state, decision } = decide(POLICY, row.state, row.event, row.now);
        expect(decision).to.deep.equal(row.decision);
        if (row.next) expect(state).to.deep.include(row.next);
      });
    }
  });

  it('a child that crashes at once every time is given up on at the Nth fast crash, with growing delays before', () => {
    let state = INITIAL_STATE;
    let now = 0;
    const decisions: Decision[] = [];
    for (let i = 0; i < POLICY.maxFastCrashes; i++) {
      state = decide(POLICY, state, started, now).state;
      now += 300;
      const step = decide(POLICY, state, crash(), now);
      state = step.state;
      decisions.push(step.decision);
      if (step.decision.action === 'restart') now += step.decision.delayMs;
    }
    expect(decisions.map((d) => d.action)).to.deep.equal(['restart', 'restart', 'give-up']);
    expect(decisions.map((d) => (d.action === 'restart' ? d.delayMs : undefined))).to.deep.equal([
      1000,
      2000,
      undefined,
    ]);
  });

  it('backoffMs: base · 2^attempt up to the cap, less the jitter; random is clamped to [0, 1]', () => {
    const rows: [number, number, number][] = [
      [0, 0, 1000],
      [3, 0, 8000],
      [5, 0, 30_000],
      [200, 0, 30_000],
      [0, 1, 800],
      [0, 7, 800],
      [0, -1, 1000],
    ];
    for (const [attempt, random, ms] of rows)
      expect(backoffMs(POLICY, attempt, random), `attempt ${attempt}, random ${random}`).to.equal(ms);
  });
});
