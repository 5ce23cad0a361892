// Observed pipelines, rule by rule: what a report's pipeline facts change (status, stages, start), when the
// pipeline ended, the refusals, and the fetched log of a job.
import { expect } from 'chai';
import { definition, job, PIPELINE_ID, Reports } from './fixtures.js';
import { Observations, T } from './observed-fixtures.js';
import { given, run } from './spec.js';

const build = { name: 'build', stage: 'build' } as const;
const deploy = { name: 'deploy', stage: 'deploy' } as const;

describe('observed pipelines: when it was created', () => {
  it('without a pipeline time: the earliest time any job gives', () => {
    const o = new Observations();
    const report = o.observe(
      [
        { ...build, status: 'running', started_at: T(3), observed_at: T(4) },
        { ...deploy, status: 'created', observed_at: T(2) },
      ],
      null,
    );
    given()
      .when(report)
      .then([
        { type: 'PipelineCreated', occurred_at: T(2) },
        { type: 'JobCreated', name: 'build' },
        { type: 'JobEnqueued' },
        { type: 'JobStarted' },
        { type: 'JobObserved' },
        { type: 'JobCreated', name: 'deploy' },
        { type: 'JobObserved' },
        { type: 'PipelineStatusChanged' },
      ]);
  });

  it("a later hook's pipeline start moves it; the same start again says nothing new", () => {
    const o = new Observations();
    const { events, ctx } = run([o.observe([{ ...build, status: 'running', started_at: T(1) }], null)]);
    const moved = given(events, ctx)
      .when(o.observe([], { created_at: T(0) }))
      .then([{ type: 'PipelineObserved', created_at: T(0), status: null, stages: null }]);
    given([...events, ...moved], ctx)
      .when(o.observe([], { created_at: T(0) }))
      .thenRejects('stale_observation', { stale_jobs: 0 });
  });
});

describe('observed pipelines: stages and status the CI reports', () => {
  it('stages learned from a job, then listed by the CI: recorded once, not again', () => {
    const o = new Observations();
    const { events, ctx } = run([o.observe([{ ...build, status: 'running', started_at: T(1) }], null)]);
    const listed = given(events, ctx)
      .when(o.observe([], { stages: ['build', 'test'] }))
      .then([{ type: 'PipelineObserved', stages: ['build', 'test'] }]);
    const { state } = run([], [...events, ...listed]);
    expect(state.definition.stages).to.deep.equal(['build', 'test']);
    given([...events, ...listed], ctx)
      .when(o.observe([], { stages: ['build', 'test'] }))
      .thenRejects('stale_observation');
  });

  it('the same pipeline status at the same time again is stale; a later time is recorded', () => {
    const o = new Observations();
    const { events, ctx } = run([o.observe([], { status: 'running', observed_at: T(1), attempt: 1 })]);
    given(events, ctx)
      .when(o.observe([], { status: 'running', observed_at: T(1), attempt: 1 }))
      .thenRejects('stale_observation');
    given(events, ctx)
      .when(o.observe([], { status: 'running', observed_at: T(2), attempt: 1 }))
      .then([{ type: 'PipelineObserved', status: 'running', occurred_at: T(2) }]);
  });

  it('a job-less pipeline takes the reported status, without warnings', () => {
    const o = new Observations();
    given()
      .when(o.observe([], { status: 'failed', observed_at: T(1), finished_at: T(1) }))
      .then([
        { type: 'PipelineCreated' },
        { type: 'PipelineObserved' },
        { type: 'PipelineStatusChanged', to: 'failed', warnings: false },
        { type: 'PipelineFinished', status: 'failed', warnings: false, occurred_at: T(1) },
      ]);
  });

  it('once jobs are known, their composite is the status, whatever the pipeline hook says', () => {
    const o = new Observations();
    const { state } = run([
      o.observe([{ ...build, status: 'success', started_at: T(1), finished_at: T(3) }], { status: 'running' }),
    ]);
    expect([state.status, state.reported?.status]).to.deep.equal(['success', 'running']);
  });
});

describe('observed pipelines: when it ended', () => {
  it("at its last job's end, not when the hook arrived nor when the pipeline hook was sent", () => {
    const o = new Observations();
    for (const facts of [null, { observed_at: T(0) }]) {
      const { events } = run([
        o.observe([{ ...build, status: 'success', started_at: T(1), finished_at: T(3) }], facts),
      ]);
      expect(events.at(-1), JSON.stringify(facts)).to.deep.include({
        type: 'PipelineFinished',
        occurred_at: T(3),
        duration_ms: 2 * 60_000,
      });
    }
  });

  it('the latest of three job ends, in any order of the jobs', () => {
    const o = new Observations();
    const ends = [5, 2, 3].map(
      (m, i) => ({ name: `j${i}`, stage: 'test', status: 'success', finished_at: T(m) }) as const,
    );
    const { events } = run([o.observe(ends, { created_at: T(0) })]);
    expect(events.at(-1)).to.deep.include({ type: 'PipelineFinished', occurred_at: T(5), duration_ms: 5 * 60_000 });
  });

  it('an optional manual job that never ran does not end it: the job that finished does', () => {
    const o = new Observations();
    const { events, state } = run([
      o.observe(
        [
          { ...build, status: 'success', started_at: T(1), finished_at: T(3) },
          { ...deploy, status: 'manual', allow_failure: true, observed_at: T(3) },
        ],
        null,
      ),
    ]);
    expect(state.status).to.equal('success');
    expect(events.at(-1)).to.deep.include({ type: 'PipelineFinished', occurred_at: T(3) });
  });
});

describe('observed pipelines: refusals', () => {
  it('a hook for a pipeline Verity decides is refused, naming the pipeline and the system', () => {
    const o = new Observations();
    const r = new Reports();
    const decided = run([r.create(definition(['build'], [job('build', 'build')]))]);
    const refused = given(decided.events, decided.ctx)
      .when(o.observe([{ ...build, status: 'success' }], {}, { system: 'github' }))
      .thenRejects('not_observed', { system: 'github' });
    expect(refused.message).to.include(PIPELINE_ID);
    const log = given(decided.events, decided.ctx).when(o.attachLog('build')).thenRejects('not_observed');
    expect(log.message).to.include(PIPELINE_ID);
  });

  it('a report with nothing new names the pipeline', () => {
    const o = new Observations();
    const report = o.observe([{ ...build, status: 'success', finished_at: T(2) }], null);
    const { events, ctx } = run([report]);
    const stale = given(events, ctx)
      .when(o.observe([{ ...build, status: 'running', started_at: T(1) }], null))
      .thenRejects('stale_observation', { stale_jobs: 1 });
    expect(stale.message).to.include(PIPELINE_ID);
  });

  it('deciding a report leaves its list of jobs as it was', () => {
    const o = new Observations();
    const report = o.observe(
      [
        { ...build, attempt: 2, status: 'success', finished_at: T(3) },
        { ...build, attempt: 1, status: 'failed', finished_at: T(1) },
      ],
      null,
    );
    const before = report.jobs.map((j) => j.job_id);
    run([report]);
    expect(report.jobs.map((j) => j.job_id)).to.deep.equal(before);
  });
});

describe('observed pipelines: a fetched log', () => {
  it('for an unknown job: refused, naming the job', () => {
    const o = new Observations();
    const { events, ctx } = run([o.observe([{ ...build, status: 'failed', finished_at: T(2) }], null)]);
    const refused = given(events, ctx).when(o.attachLog('lint')).thenRejects('unknown_job', { job: 'lint' });
    expect(refused.message).to.include('"lint"').and.to.include(PIPELINE_ID);
  });

  it('of a job that failed and was then reported passing carries no failure reason', () => {
    const o = new Observations();
    const { events, ctx } = run([
      o.observe([{ ...build, status: 'failed', finished_at: T(2), failure_reason: 'script_failure' }], null),
      o.observe([{ ...build, status: 'success', finished_at: T(4) }], null),
    ]);
    expect(events.map((e) => e.type)).to.include('JobDiverged');
    given(events, ctx)
      .when(o.attachLog('build'))
      .then([{ type: 'JobLogAttached', name: 'build', failure_reason: null }]);
  });
});
