// Due times on the decider's clock: when a pending job is stuck, and which due time the timer waits for.
import { expect } from 'chai';
import { definition, job, NOW, Reports } from './fixtures.js';
import { given, run } from './spec.js';
import { nextDue, STUCK_PENDING_S } from './tick.js';

const at = (seconds: number) => new Date(Date.parse(NOW) + seconds * 1000).toISOString();

describe('Tick: a pending job is stuck a day after it became pending (GitLab: BUILD_PENDING_OUTDATED_TIMEOUT)', () => {
  const def = definition(['build'], [job('compile', 'build')]);
  // The producer's clock (10:00:10) is two hours behind the decider's (NOW, 12:00): the day counts from NOW.
  const pending = () => {
    const r = new Reports();
    return { r, ...run([r.create(def)]) };
  };

  it('a second before the day is up: nothing is due, and the next due time is a day after NOW', () => {
    const { r, events, ctx, state } = pending();
    expect(state.jobs[state.latest.compile!]!.enqueued_at).to.equal('2026-11-28T10:00:10.000Z');
    given(events, ctx)
      .when(r.tick(STUCK_PENDING_S - 1))
      .thenRejects('nothing_due', { next_due: at(STUCK_PENDING_S) });
  });

  it('when the day is up, the job fails stuck_or_timeout_failure', () => {
    const { r, events, ctx } = pending();
    given(events, ctx)
      .when(r.tick(STUCK_PENDING_S))
      .then([
        { type: 'JobFailed', name: 'compile', failure_reason: 'stuck_or_timeout_failure', exit_code: null },
        { type: 'PipelineStatusChanged', from: 'pending', to: 'failed' },
        { type: 'PipelineFinished', status: 'failed' },
      ]);
  });
});

describe('nextDue: the earliest due time of the latest jobs', () => {
  const rows: [string, string[], string][] = [
    ['the first job is due last', ['compile', 'rollout'], at(30)],
    ['the first job is due first', ['rollout', 'compile'], at(30)],
  ];
  for (const [rule, order, expected] of rows) {
    it(`${rule}: the earliest of a stuck time and a delayed start`, () => {
      const jobs = {
        compile: job('compile', 'build'),
        rollout: job('rollout', 'build', { when: 'delayed', start_in_s: 30 }),
      } as const;
      const r = new Reports();
      const { events, ctx, state } = run([
        r.create(
          definition(
            ['build'],
            order.map((n) => jobs[n as keyof typeof jobs]),
          ),
        ),
      ]);
      expect(nextDue(state)).to.equal(expected);
      given(events, ctx).when(r.tick(10)).thenRejects('nothing_due', { next_due: expected });
    });
  }
});
