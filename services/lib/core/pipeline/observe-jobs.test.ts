// Observed jobs, rule by rule: the events that take a job to each reported status, the moves that are not
// repeated, and how attempts are found (told, or inferred from the CI's job ids) in any order.
import { expect } from 'chai';
import type { PipelineEvent } from '../events/generated.js';
import { Observations, T, type JobObservation } from './observed-fixtures.js';
import { given, run } from './spec.js';

const build = { name: 'build', stage: 'build' } as const;
const rspec = { name: 'rspec', stage: 'test' } as const;
const types = (events: readonly PipelineEvent[]) => events.map((e) => e.type);

describe('observed jobs: the events of each reported status', () => {
  const first = (o: Observations, job: JobObservation) => given().when(o.observe([job], null));

  it('running without a start time: enqueued and started when it was observed', () => {
    const o = new Observations();
    first(o, { ...build, status: 'running', observed_at: T(2) }).then([
      { type: 'PipelineCreated' },
      { type: 'JobCreated', name: 'build', when: 'on_success', occurred_at: T(2) },
      { type: 'JobEnqueued', occurred_at: T(2) },
      { type: 'JobStarted', occurred_at: T(2), runner_id: 'unknown', queued_ms: 0 },
      { type: 'JobObserved', status: 'running' },
      { type: 'PipelineStatusChanged', to: 'running' },
    ]);
  });

  it('a success without a start time never ran as far as Verity knows: no enqueue, no start', () => {
    const o = new Observations();
    const events = first(o, { ...build, status: 'success', finished_at: T(3) }).then([
      { type: 'PipelineCreated' },
      { type: 'JobCreated' },
      { type: 'JobSucceeded', occurred_at: T(3), duration_ms: 0 },
      { type: 'JobObserved', status: 'success' },
      { type: 'PipelineStatusChanged', to: 'success' },
      { type: 'PipelineFinished', status: 'success' },
    ]);
    expect(types(events)).to.not.include.members(['JobEnqueued', 'JobStarted']);
  });

  it('failed: the reason mapped, the exit code kept, an empty excerpt until the log is fetched', () => {
    const o = new Observations();
    const failed = { status: 'failed', started_at: T(1), finished_at: T(2), exit_code: 1 } as const;
    const events = first(o, { ...build, ...failed, failure_reason: 'script_failure' }).then([
      { type: 'PipelineCreated' },
      { type: 'JobCreated' },
      { type: 'JobEnqueued' },
      { type: 'JobStarted' },
      { type: 'JobFailed', failure_reason: 'script_failure', exit_code: 1, log_excerpt: '', log: null },
      { type: 'JobObserved', status: 'failed' },
      { type: 'PipelineStatusChanged', to: 'failed' },
      { type: 'PipelineFinished', status: 'failed' },
    ]);
    expect(events[4]).to.deep.include({ duration_ms: 60_000, log_pending: true, occurred_at: T(2) });
  });

  it('canceled after it ran: its run time; canceled before it started: no duration', () => {
    const o = new Observations();
    first(o, { ...build, status: 'canceled', started_at: T(1), finished_at: T(4) }).then([
      { type: 'PipelineCreated' },
      { type: 'JobCreated' },
      { type: 'JobEnqueued', occurred_at: T(1) },
      { type: 'JobStarted', occurred_at: T(1) },
      { type: 'JobCanceled', duration_ms: 180_000, occurred_at: T(4) },
      { type: 'JobObserved', status: 'canceled' },
      { type: 'PipelineStatusChanged', to: 'canceled' },
      { type: 'PipelineFinished', status: 'canceled' },
    ]);
    first(new Observations(), { ...build, status: 'canceled', finished_at: T(4) }).then([
      { type: 'PipelineCreated' },
      { type: 'JobCreated' },
      { type: 'JobCanceled', duration_ms: null, occurred_at: T(4) },
      { type: 'JobObserved', status: 'canceled' },
      { type: 'PipelineStatusChanged', to: 'canceled' },
      { type: 'PipelineFinished', status: 'canceled' },
    ]);
  });

  it('canceling, skipped, manual and scheduled each have their own event', () => {
    const rows: [JobObservation, PipelineEvent['type'][], Record<string, unknown>][] = [
      [
        { ...build, status: 'canceling', started_at: T(1), observed_at: T(2) },
        ['JobEnqueued', 'JobStarted', 'JobCanceling'],
        { occurred_at: T(2) },
      ],
      [{ ...build, status: 'skipped', finished_at: T(2) }, ['JobSkipped'], { reason: 'reported', occurred_at: T(2) }],
      [{ ...build, status: 'manual', observed_at: T(2) }, ['JobManualActionRequired'], { occurred_at: T(2) }],
      [
        { ...build, status: 'scheduled', observed_at: T(2) },
        ['JobScheduled'],
        { scheduled_at: T(2), occurred_at: T(2) },
      ],
      [{ ...build, status: 'pending', queued_at: T(1) }, ['JobEnqueued'], { occurred_at: T(1) }],
      [{ ...build, status: 'preparing', observed_at: T(1) }, [], {}],
    ];
    for (const [job, moves, fields] of rows) {
      const d = first(new Observations(), job).decision;
      if (d.kind !== 'accepted') expect.fail(job.status);
      const own = d.events.slice(
        2,
        d.events.findIndex((e) => e.type === 'JobObserved'),
      );
      expect(types(own), job.status).to.deep.equal(moves);
      if (own.length > 0) expect(own.at(-1), job.status).to.deep.include(fields);
    }
  });

  it('a job found manual is created when: manual, scheduled when: delayed, any other when: on_success', () => {
    const whens = (['manual', 'scheduled', 'created', 'pending'] as const).map((status) => {
      const d = first(new Observations(), { ...build, status }).decision;
      return d.kind === 'accepted' && d.events.find((e) => e.type === 'JobCreated');
    });
    expect(whens.map((e) => e && e.type === 'JobCreated' && e.when)).to.deep.equal([
      'manual',
      'delayed',
      'on_success',
      'on_success',
    ]);
  });
});

describe('observed jobs: what is not repeated', () => {
  it('pending then running: started, not enqueued again; running then success: not started again', () => {
    const o = new Observations();
    const pending = run([o.observe([{ ...build, status: 'pending', queued_at: T(0) }])]);
    const running = given(pending.events, pending.ctx)
      .when(o.observe([{ ...build, status: 'running', queued_at: T(0), started_at: T(1) }]))
      .then([{ type: 'JobStarted', queued_ms: 60_000 }, { type: 'JobObserved' }, { type: 'PipelineStatusChanged' }]);
    const all = [...pending.events, ...running];
    given(all, pending.ctx)
      .when(o.observe([{ ...build, status: 'success', queued_at: T(0), started_at: T(1), finished_at: T(3) }], null))
      .then([
        { type: 'JobSucceeded', duration_ms: 120_000 },
        { type: 'JobObserved' },
        { type: 'PipelineStatusChanged' },
        { type: 'PipelineFinished' },
      ]);
  });

  it('a later observation of the same final status is no divergence', () => {
    const o = new Observations();
    const { events, ctx } = run([o.observe([{ ...build, status: 'success', finished_at: T(2) }], null)]);
    const later = given(events, ctx)
      .when(o.observe([{ ...build, status: 'success', finished_at: T(4) }], null))
      .then([{ type: 'JobSucceeded', occurred_at: T(4) }, { type: 'JobObserved' }]);
    expect(types(later)).to.not.include('JobDiverged');
  });

  it('a job keeps the highest attempt it was told, even when a later hook tells a lower one', () => {
    const o = new Observations();
    const id = o.jobId('build', 2);
    const { events, ctx } = run([o.observe([{ ...build, attempt: 2, status: 'running', started_at: T(1) }], null)]);
    given(events, ctx)
      .when(
        o.observe([{ ...build, job_id: id, attempt: 1, status: 'success', started_at: T(1), finished_at: T(3) }], null),
      )
      .then([
        { type: 'JobSucceeded' },
        { type: 'JobObserved', job_id: id, attempt: 2 },
        { type: 'PipelineStatusChanged' },
        { type: 'PipelineFinished' },
      ]);
  });
});

describe('observed jobs: attempts found from the CI job ids, in any order', () => {
  /** A build of `name` with GitLab build id `externalId`, its attempt not said (a Pipeline Hook). */
  const hookBuild = (o: Observations, name: string, externalId: string, status: JobObservation['status']) => ({
    ...o.job({ name, stage: 'build', status, attempt: 1 }),
    job_id: o.jobId(name, Number(externalId)),
    external_id: externalId,
    attempt: null,
  });

  it('a retry found after the first is attempt 2 (counting only builds of its name with lower ids)', () => {
    const o = new Observations();
    const first = o.observe([
      { ...build, status: 'failed', finished_at: T(1), attempt: null },
      { ...rspec, status: 'created', attempt: null },
    ]);
    // build#1 is 1001, rspec 1002, the retry of build 1003
    const retry = o.observe([
      { ...o.job({ ...build, attempt: 2, status: 'success', finished_at: T(3) }), attempt: null },
    ]);
    const { state } = run([first, retry]);
    expect(state.jobs[o.jobId('build', 2)]).to.include({ attempt: 2, retried: false });
    expect(state.jobs[o.jobId('build', 1)]).to.include({ attempt: 1, retried: true });
    expect(state.jobs[o.jobId('rspec', 1)]).to.include({ attempt: 1 });
  });

  it('an older build whose attempt is not said, found after its retry (attempt 2), is attempt 1 and retried', () => {
    const o = new Observations();
    const retry = { ...hookBuild(o, 'build', '1003', 'success'), attempt: 2 };
    const older = hookBuild(o, 'build', '1001', 'failed');
    const { state, events } = run([o.observe([], null, { jobs: [retry] }), o.observe([], null, { jobs: [older] })]);
    expect(state.latest.build).to.equal(retry.job_id);
    expect(state.jobs[older.job_id]).to.include({ attempt: 1, retried: true });
    expect(events.find((e) => e.type === 'JobRetried')).to.deep.include({
      job_id: older.job_id,
      new_job_id: retry.job_id,
      new_attempt: 2,
      automatic: false,
    });
  });

  it('a retry found before its older build, neither telling its attempt, becomes attempt 2 and keeps it', () => {
    const o = new Observations();
    const retry = hookBuild(o, 'build', '1003', 'success');
    const older = hookBuild(o, 'build', '1001', 'failed');
    const { state, events, ctx } = run([retry, older].map((j) => o.observe([], null, { jobs: [j] })));
    expect([state.jobs[older.job_id]!.attempt, state.jobs[retry.job_id]!.attempt, state.latest.build]).to.deep.equal([
      1,
      2,
      retry.job_id,
    ]);
    // inferred 1 when it came first; the older build found since renumbers it (new_attempt 1 broke the schema)
    expect(events.filter((e) => e.type === 'JobRetried')).to.have.length(1);
    expect(events.find((e) => e.type === 'JobRetried')).to.deep.include({
      job_id: older.job_id,
      new_job_id: retry.job_id,
      new_attempt: 2,
    });
    // seen again as the hook lists it (no attempt): the attempt it has now, so nothing is ahead
    given(events, ctx)
      .when(o.observe([], null, { jobs: [retry] }))
      .thenRejects('stale_observation', { stale_jobs: 1 });
  });

  it('build ids compare as numbers: 999 is older than 1000', () => {
    const o = new Observations();
    const a = hookBuild(o, 'build', '999', 'failed');
    const b = hookBuild(o, 'build', '1000', 'success');
    const apart = run([a, b].map((j) => o.observe([], null, { jobs: [j] }))).state;
    // in one report too, listed newest first: the older build is found first
    const together = run([o.observe([], null, { jobs: [b, a] })]).state;
    for (const state of [apart, together])
      expect([state.jobs[a.job_id]!.attempt, state.jobs[b.job_id]!.attempt, state.latest.build]).to.deep.equal([
        1,
        2,
        b.job_id,
      ]);
  });

  // Two runs of one job told the same attempt (every CDEvents task run says 1): the CI's id orders them (Tekton-like
  // names as text, Jenkins-like numbers), and the newer counts one more — its JobRetried's new_attempt is 2, as the
  // event's schema requires (it was 1, refused by the schema, before the fix).
  for (const [older, newer] of [
    ['unit-run-1', 'unit-run-2'],
    ['9', '10'],
  ] as const)
    it(`runs ${older} and ${newer} of one task, told the same attempt: ${newer} is the latest, in either order`, () => {
      const o = new Observations();
      const task = (id: string, status: JobObservation['status']) => ({
        ...o.job({ name: 'unit', stage: 'tasks', status, attempt: 1, finished_at: T(id === newer ? 4 : 2) }),
        job_id: o.jobId('unit', id === newer ? 2 : 1),
        external_id: id,
      });
      const a = task(older, 'failed');
      const b = task(newer, 'success');
      for (const order of [
        [a, b],
        [b, a],
      ]) {
        const { state, events } = run(order.map((j) => o.observe([], null, { system: 'cdevents', jobs: [j] })));
        expect(
          [state.latest.unit, state.status, state.jobs[a.job_id]!.retried],
          `${order[0]!.external_id} first`,
        ).to.deep.equal([b.job_id, 'success', true]);
        expect(
          [state.jobs[a.job_id]!.attempt, state.jobs[b.job_id]!.attempt],
          `${order[0]!.external_id} first`,
        ).to.deep.equal([1, 2]);
        expect(events.find((e) => e.type === 'JobRetried')).to.deep.include({
          job_id: a.job_id,
          new_job_id: b.job_id,
          new_attempt: 2,
        });
      }
      // without an attempt: an id after the known one is a retry
      const untold = run(
        [a, b].map((j) => o.observe([], null, { system: 'cdevents', jobs: [{ ...j, attempt: null }] })),
      );
      expect(untold.state.jobs[b.job_id]!.attempt).to.equal(2);
    });

  it('ids of mixed forms compare as text, never as numbers', () => {
    const o = new Observations();
    const a = hookBuild(o, 'build', '1000', 'failed');
    const b = {
      ...hookBuild(o, 'build', '7f2c1a9e-5d0b-4c3e-9a8f-1b2c3d4e5f60', 'success'),
      job_id: o.jobId('build', 7),
    };
    const { state } = run([o.observe([], null, { jobs: [a] }), o.observe([], null, { jobs: [b] })]);
    expect([state.latest.build, state.jobs[b.job_id]!.attempt]).to.deep.equal([b.job_id, 2]);
  });

  for (const externalId of ['1001', 'unit-run-1'])
    it(`one report listing job ${externalId} twice records both observations, in the order listed`, () => {
      const o = new Observations();
      const seen = (status: JobObservation['status'], at: number) => ({
        ...o.job({ ...build, status, started_at: T(1), ...(status === 'success' ? { finished_at: T(at) } : {}) }),
        external_id: externalId,
        observed_at: T(at),
      });
      given()
        .when(o.observe([], null, { jobs: [seen('running', 2), seen('success', 3)] }))
        .then([
          { type: 'PipelineCreated' },
          { type: 'JobCreated' },
          { type: 'JobEnqueued' },
          { type: 'JobStarted' },
          { type: 'JobObserved', status: 'running' },
          { type: 'JobSucceeded' },
          { type: 'JobObserved', status: 'success' },
          { type: 'PipelineStatusChanged', to: 'success' },
          { type: 'PipelineFinished' },
        ]);
    });

  it('a known job keeps the attempt it was given, though older builds found since would count more', () => {
    const o = new Observations();
    const third = { ...hookBuild(o, 'build', '1005', 'success'), attempt: 3 };
    const second = hookBuild(o, 'build', '1003', 'failed');
    const first = hookBuild(o, 'build', '1001', 'failed');
    const { events, ctx, state } = run([third, second, first].map((j) => o.observe([], null, { jobs: [j] })));
    expect([first, second, third].map((j) => state.jobs[j.job_id]!.attempt)).to.deep.equal([1, 1, 3]);
    given(events, ctx)
      .when(o.observe([], null, { jobs: [second] }))
      .thenRejects('stale_observation', { stale_jobs: 1 });
  });
});
