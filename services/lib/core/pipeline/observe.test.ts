// Observed pipelines: the decider records what an external CI reports, in any order, never overrules it.
import { expect } from 'chai';
import type { PipelineEvent } from '../events/generated.js';
import { definition, job, Reports } from './fixtures.js';
import { decide, evolveAll, nextDue, type PipelineState } from './index.js';
import { fiveDeliveries, Observations, permutations, T } from './observed-fixtures.js';
import { given, run } from './spec.js';
import { testContext } from './fixtures.js';

const build = { name: 'build', stage: 'build' } as const;
const rspec = { name: 'rspec', stage: 'test' } as const;

describe('observed pipelines: a GitLab pipeline recorded as its hooks report it', () => {
  it('a Pipeline Hook creates an observed pipeline with its stages and builds', () => {
    const o = new Observations();
    given()
      .when(
        o.observe(
          [
            { ...build, status: 'running', queued_at: T(0), started_at: T(1), runner: 'r-1' },
            { ...rspec, status: 'created' },
          ],
          { status: 'running', stages: ['build', 'test'], created_at: T(0) },
        ),
      )
      .then([
        {
          type: 'PipelineCreated',
          mode: 'observed',
          source: 'push',
          occurred_at: T(0),
          definition: { stages: ['build', 'test'], jobs: [] },
          external: { system: 'gitlab', instance: 'https://gitlab.example.com', id: '4711', url: null },
        },
        { type: 'PipelineObserved', status: 'running', stages: ['build', 'test'] },
        { type: 'JobCreated', name: 'build', stage: 'build', attempt: 1, occurred_at: T(0) },
        { type: 'JobEnqueued', name: 'build', occurred_at: T(0) },
        { type: 'JobStarted', name: 'build', occurred_at: T(1), runner_id: 'r-1', queued_ms: 60_000 },
        { type: 'JobObserved', name: 'build', status: 'running' },
        { type: 'JobCreated', name: 'rspec', stage: 'test' },
        { type: 'JobObserved', name: 'rspec', status: 'created' },
        { type: 'PipelineStatusChanged', from: 'created', to: 'running' },
      ]);
  });

  it('a success that arrives before its running holds the same times; the late running is stale', () => {
    const o = new Observations();
    const success = { ...build, status: 'success', queued_at: T(0), started_at: T(1), finished_at: T(3) } as const;
    const { events, ctx } = run([o.observe([success])]);
    expect(events.map((e) => [e.type, e.occurred_at])).to.deep.include.members([
      ['JobEnqueued', T(0)],
      ['JobStarted', T(1)],
      ['JobSucceeded', T(3)],
    ]);
    given(events, ctx)
      .when(o.observe([{ ...build, status: 'running', queued_at: T(0), started_at: T(1) }]))
      .thenRejects('stale_observation', { stale_jobs: 1 });
    // the same content again under another delivery id: a duplicate by content
    given(events, ctx)
      .when(o.observe([success]))
      .thenRejects('stale_observation');
  });

  it('a move GitLab forbids is recorded, after a JobDiverged naming both statuses', () => {
    const o = new Observations();
    const { events, ctx } = run([o.observe([{ ...build, status: 'success', started_at: T(1), finished_at: T(2) }])]);
    given(events, ctx)
      .when(
        o.observe([
          { ...build, status: 'failed', started_at: T(1), finished_at: T(4), failure_reason: 'script_failure' },
        ]),
      )
      .then([
        { type: 'JobDiverged', name: 'build', from: 'success', to: 'failed', observed_at: T(4) },
        { type: 'JobFailed', name: 'build', failure_reason: 'script_failure', log_pending: true, occurred_at: T(4) },
        { type: 'JobObserved', status: 'failed' },
        { type: 'PipelineStatusChanged', from: 'success', to: 'failed' },
        { type: 'PipelineFinished', status: 'failed' },
      ]);
  });

  it('a missed hook is no divergence: created → success is a path GitLab allows', () => {
    const o = new Observations();
    const { events } = run([
      o.observe([{ ...build, status: 'created' }]),
      o.observe([{ ...build, status: 'success', finished_at: T(2) }]),
    ]);
    expect(events.map((e) => e.type)).to.not.include('JobDiverged');
  });

  it('a failed job: GitLab reason mapped (unknown kept raw), allow_failure kept, log pending', () => {
    const o = new Observations();
    const failed = { ...build, status: 'failed', started_at: T(1), finished_at: T(2), allow_failure: true } as const;
    const { events } = run([o.observe([{ ...failed, failure_reason: 'some_new_reason' }])]);
    const ev = events.find((e) => e.type === 'JobFailed');
    expect(ev).to.deep.include({
      type: 'JobFailed',
      failure_reason: 'unknown_failure',
      failure_reason_raw: 'some_new_reason',
    });
    expect(ev).to.deep.include({ allow_failure: true, log: null, log_pending: true, duration_ms: 60_000 });
  });

  it('attempts found in any order: the higher attempt is the latest, the other retried', () => {
    for (const order of [
      [1, 2],
      [2, 1],
    ]) {
      const o = new Observations();
      const reports = order.map((attempt) =>
        o.observe([{ ...build, attempt, status: attempt === 1 ? 'failed' : 'success', finished_at: T(attempt) }]),
      );
      const { state, events } = run(reports);
      expect(state.latest.build, `order ${order.join(',')}`).to.equal(o.jobId('build', 2));
      expect(state.jobs[o.jobId('build', 1)]!.retried).to.equal(true);
      expect(state.status).to.equal('success');
      expect(events.filter((e) => e.type === 'JobRetried')).to.have.length(1);
    }
  });

  it("a Pipeline Hook's build without retries_count takes the Job Hook's attempt, in either order", () => {
    for (const jobHookFirst of [true, false]) {
      const o = new Observations();
      const retried = { ...build, status: 'success', started_at: T(5), finished_at: T(6) } as const;
      const first = o.observe([{ ...build, status: 'failed', started_at: T(1), finished_at: T(2) }]);
      const pipelineHook = o.observe([{ ...o.job({ ...retried, attempt: 2 }), attempt: null }], { status: 'success' });
      const jobHook = o.observe([{ ...retried, attempt: 2 }]);
      // the second of the two says nothing new: stale
      const { events, ctx, state: before } = run([first, jobHookFirst ? jobHook : pipelineHook]);
      const stale = given(events, ctx).when(jobHookFirst ? pipelineHook : jobHook);
      const state = stale.decision.kind === 'accepted' ? evolveAll(before, stale.decision.events)! : before;
      const latest = state.jobs[state.latest.build!]!;
      expect(
        [latest.attempt, latest.status, state.jobs[o.jobId('build', 1)]!.retried],
        `job hook first: ${jobHookFirst}`,
      ).to.deep.equal([2, 'success', true]);
    }
  });

  it("a pipeline without jobs (GitHub's workflow_run) takes the status its CI reports, by attempt and time", () => {
    const o = new Observations();
    const { events, ctx, state } = run([
      o.observe([], { status: 'running', observed_at: T(1), attempt: 1 }),
      o.observe([], { status: 'success', observed_at: T(5), attempt: 1, finished_at: T(5) }),
    ]);
    expect(state.status).to.equal('success');
    expect(events.at(-1)).to.deep.include({ type: 'PipelineFinished', status: 'success' });
    given(events, ctx)
      .when(o.observe([], { status: 'running', observed_at: T(2), attempt: 1 }))
      .thenRejects('stale_observation');
    // a re-run is a new attempt: it re-opens the pipeline
    given(events, ctx)
      .when(o.observe([], { status: 'running', observed_at: T(9), attempt: 2 }))
      .then([
        { type: 'PipelineObserved', attempt: 2 },
        { type: 'PipelineStatusChanged', to: 'running' },
      ]);
  });

  it("Verity's commands do not apply to an observed pipeline; a hook cannot take over a decided one", () => {
    const o = new Observations();
    const { events, ctx } = run([o.observe([{ ...build, status: 'running', started_at: T(1) }])]);
    const r = new Reports();
    given(events, ctx).when(r.cancel()).thenRejects('observed_pipeline', { type: 'CancelPipeline' });
    given(events, ctx).when(r.job('build', 'success')).thenRejects('observed_pipeline');
    given(events, ctx).when(r.retry('build')).thenRejects('observed_pipeline');
    const decided = run([r.create(definition(['build'], [job('build', 'build')]))]);
    given(decided.events, decided.ctx)
      .when(o.observe([{ ...build, status: 'success' }]))
      .thenRejects('not_observed');
  });

  it("a fetched log is recorded with the job's failure reason; for an unknown job it is refused", () => {
    const o = new Observations();
    const { events, ctx } = run([
      o.observe([{ ...build, status: 'failed', finished_at: T(2), failure_reason: 'runner_system_failure' }]),
    ]);
    given(events, ctx)
      .when(o.attachLog(o.jobId('build')))
      .then([{ type: 'JobLogAttached', name: 'build', failure_reason: 'runner_system_failure', fetch_error: null }]);
    given(events, ctx)
      .when(o.attachLog(o.jobId('nope')))
      .thenRejects('unknown_job');
  });

  it('Verity never times out an observed job: its CI does', () => {
    const o = new Observations();
    const { state } = run([o.observe([{ ...build, status: 'running', started_at: T(1) }])]);
    expect(nextDue(state)).to.equal(null);
  });
});

describe('observed pipelines: order-insensitive', () => {
  const o = new Observations();
  const deliveries = fiveDeliveries(o);

  /** What a reader sees: the pipeline and every job attempt, without event ids and clocks. */
  const view = (state: PipelineState, events: PipelineEvent[]) => ({
    status: state.status,
    created_at: state.created_at,
    stages: state.definition.stages,
    finished: state.finished,
    duration: events.filter((e) => e.type === 'PipelineFinished').at(-1),
    jobs: Object.values(state.jobs)
      .map((j) => [j.name, j.attempt, j.status, j.retried, j.enqueued_at, j.started_at, j.finished_at, j.stage])
      .sort(),
    latest: Object.entries(state.latest).sort(),
  });

  it('every order of the five deliveries, each delivered twice, ends in the same pipeline', () => {
    const seen = new Set<string>();
    let orders = 0;
    for (const order of permutations([0, 1, 2, 3, 4])) {
      let state: PipelineState | null = null;
      const events: PipelineEvent[] = [];
      const ctx = testContext();
      for (const i of [...order, ...order]) {
        const d = decide(state, deliveries[i]!, ctx);
        if (d.kind === 'rejected') {
          expect(['duplicate_report', 'stale_observation']).to.include(d.code);
          continue;
        }
        events.push(...d.events);
        state = evolveAll(state, d.events);
      }
      const v = view(state!, events);
      seen.add(
        JSON.stringify({
          ...v,
          duration: v.duration && {
            status: v.duration.type === 'PipelineFinished' && v.duration.status,
            ms: v.duration.type === 'PipelineFinished' && v.duration.duration_ms,
          },
        }),
      );
      orders++;
    }
    expect(orders).to.equal(120);
    expect([...seen], 'distinct end states').to.have.length(1, [...seen].join('\n'));
    const end = JSON.parse([...seen][0]!) as ReturnType<typeof view>;
    expect(end).to.deep.include({ status: 'success', created_at: T(0), stages: ['build', 'test'], finished: true });
    expect(end.duration).to.deep.equal({ status: 'success', ms: 9 * 60_000 });
  });
});
