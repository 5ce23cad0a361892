// Time as data: delayed jobs, job timeouts and stuck jobs. decide() never reads a clock; the timer's Tick
// report carries the instant, and the same reports always decide the same events (a replay too).
import { expect } from 'chai';
import { definition, job, NOW, Reports } from './fixtures.js';
import { given, run } from './spec.js';
import { DEFAULT_TIMEOUT_S, nextDue, STUCK_PENDING_S } from './tick.js';

const HOUR = 3600;

describe('delayed jobs (GitLab: when: delayed, start_in)', () => {
  const def = definition(
    ['build', 'deploy'],
    [job('compile', 'build'), job('rollout', 'deploy', { when: 'delayed', start_in_s: 30 * 60 })],
  );
  const built = () => {
    const r = new Reports();
    const { events, ctx } = run([r.create(def), r.job('compile', 'running')]);
    return { r, events, ctx };
  };

  it('given its stage passed, the delayed job is scheduled start_in after that decision (decider clock)', () => {
    const { r, events, ctx } = built();
    given(events, ctx)
      .when(r.job('compile', 'success'))
      .then([
        { type: 'JobSucceeded', name: 'compile' },
        {
          type: 'JobScheduled',
          name: 'rollout',
          // GitLab: scheduled_at = now + start_in on the server; the producer's clock does not count
          scheduled_at: new Date(Date.parse(ctx.now) + 30 * 60_000).toISOString(),
        },
        // GitLab's composite: {success, scheduled} → scheduled; the pipeline is not finished
        { type: 'PipelineStatusChanged', from: 'running', to: 'scheduled' },
      ]);
  });

  it('when a tick comes before it is due, nothing happens (nothing_due, with the next due time)', () => {
    const { r, ctx } = built();
    const { events, state } = run([r.create(def), ...r.runs('compile')]);
    given(events, ctx)
      .when(r.tick(29 * 60))
      .thenRejects('nothing_due', { next_due: state.jobs[state.latest.rollout!]!.scheduled_at });
  });

  it('when a tick comes at or after the due time, the job is enqueued (GitLab: enqueue_scheduled)', () => {
    const r = new Reports();
    const { events, ctx } = run([r.create(def), ...r.runs('compile')]);
    given(events, ctx)
      .when(r.tick(30 * 60))
      .then([
        { type: 'JobEnqueued', name: 'rollout' },
        { type: 'PipelineStatusChanged', from: 'scheduled', to: 'running' },
      ]);
  });

  it('play runs it early; unschedule makes it manual, and play then runs it', () => {
    const r = new Reports();
    const { events, ctx } = run([r.create(def), ...r.runs('compile')]);
    given(events, ctx)
      .when(r.play('rollout'))
      .then([
        { type: 'JobEnqueued', name: 'rollout' },
        { type: 'PipelineStatusChanged', from: 'scheduled', to: 'running' },
      ]);
    const unscheduled = given(events, ctx)
      .when(r.unschedule('rollout'))
      .then([
        { type: 'JobUnscheduled', name: 'rollout' },
        { type: 'PipelineStatusChanged', from: 'scheduled', to: 'manual' },
      ]);
    given([...events, ...unscheduled], ctx)
      .when(r.play('rollout'))
      .then([
        { type: 'JobEnqueued', name: 'rollout' },
        { type: 'PipelineStatusChanged', from: 'manual', to: 'running' },
      ]);
    // an unscheduled job is no longer due: a later tick has nothing to do
    given([...events, ...unscheduled], ctx)
      .when(r.tick(HOUR))
      .thenRejects('nothing_due', { next_due: null });
  });

  it('canceling the pipeline cancels a scheduled job (GitLab: scheduled is cancelable)', () => {
    const r = new Reports();
    const { events, ctx } = run([r.create(def), ...r.runs('compile')]);
    given(events, ctx)
      .when(r.cancel())
      .then([
        { type: 'JobCanceled', name: 'rollout' },
        { type: 'PipelineStatusChanged', from: 'scheduled', to: 'canceled' },
        { type: 'PipelineFinished', status: 'canceled' },
      ]);
  });

  it('a delayed job whose stage failed is skipped, never scheduled', () => {
    const r = new Reports();
    const { state } = run([r.create(def), ...r.runs('compile', 'failed')]);
    expect(state.jobs[state.latest.rollout!]).to.include({ status: 'skipped' });
  });
});

describe('job timeout and stuck jobs', () => {
  const def = definition(['build'], [job('compile', 'build', { timeout_s: 600 }), job('lint', 'build')]);

  it('a running job past its timeout fails with job_execution_timeout', () => {
    const r = new Reports();
    const { events, ctx } = run([r.create(def), r.job('compile', 'running'), r.job('lint', 'running')]);
    // lint runs on: {failed, running} is still running, no status change
    given(events, ctx).when(r.tick(599)).thenRejects('nothing_due');
    given(events, ctx)
      .when(r.tick(600))
      .then([{ type: 'JobFailed', name: 'compile', failure_reason: 'job_execution_timeout', exit_code: null }]);
  });

  it('without a timeout of its own a job gets the default (one hour)', () => {
    const r = new Reports();
    const { events, ctx } = run([r.create(def), r.job('lint', 'running')]);
    expect(DEFAULT_TIMEOUT_S).to.equal(HOUR);
    given(events, ctx)
      .when(r.tick(HOUR - 10))
      .thenRejects('nothing_due');
    given(events, ctx)
      .when(r.tick(HOUR))
      .then([{ type: 'JobFailed', name: 'lint', failure_reason: 'job_execution_timeout' }]);
  });

  it('a job pending for a day fails as stuck (stuck_or_timeout_failure), and its retry policy applies', () => {
    const retried = definition(
      ['build'],
      [job('compile', 'build', { retry: { max: 1, when: ['stuck_or_timeout_failure'] } })],
    );
    const r = new Reports();
    const { events, ctx } = run([r.create(retried)]);
    expect(STUCK_PENDING_S).to.equal(24 * HOUR);
    given(events, ctx)
      .when(r.tick(STUCK_PENDING_S))
      .then([
        { type: 'JobFailed', name: 'compile', failure_reason: 'stuck_or_timeout_failure' },
        { type: 'JobRetried', name: 'compile', automatic: true },
        { type: 'JobCreated', name: 'compile', attempt: 2 },
        { type: 'JobEnqueued', name: 'compile', attempt: 2 },
      ]);
  });

  it('nextDue is the earliest due time of the pipeline: what the timer waits for', () => {
    const r = new Reports();
    const { state } = run([r.create(def), r.job('compile', 'running')]);
    // the decider's clock when it started (recorded_at), not the runner's
    const started = Date.parse(state.jobs[state.latest.compile!]!.running_since!);
    expect(started).to.equal(Date.parse(NOW));
    expect(nextDue(state)).to.equal(new Date(started + 600_000).toISOString());
  });

  it('a runner whose clock is hours behind does not have its job timed out at once', () => {
    const r = new Reports();
    r.wait(-5 * HOUR); // the producer's clock: five hours before the decider's
    const { events, ctx } = run([r.create(def), r.job('compile', 'running')]);
    given(events, ctx).when(r.tick(599)).thenRejects('nothing_due');
  });

  it('the same tick decides the same events twice (a replay gives the same result)', () => {
    const r = new Reports();
    const reports = [r.create(def), r.job('compile', 'running'), r.tick(700)];
    expect(run(reports).events).to.deep.equal(run(reports).events);
  });
});

describe('allow_failure: exit_codes (GitLab)', () => {
  const def = definition(['build'], [job('compile', 'build', { allow_failure_exit_codes: [137, 255] })]);

  for (const [code, allowed, status] of [
    [137, true, 'success'],
    [255, true, 'success'],
    [1, false, 'failed'],
    [null, false, 'failed'],
  ] as const) {
    it(`exit code ${code} → allow_failure ${allowed}, the pipeline ends ${status}${allowed ? ' with warnings' : ''}`, () => {
      const r = new Reports();
      const { events, ctx } = run([r.create(def), r.job('compile', 'running')]);
      given(events, ctx)
        .when(r.job('compile', 'failed', { exit_code: code }))
        .then([
          { type: 'JobFailed', name: 'compile', exit_code: code, allow_failure: allowed },
          { type: 'PipelineStatusChanged', from: 'running', to: status, warnings: allowed },
          { type: 'PipelineFinished', status, warnings: allowed },
        ]);
    });
  }
});
