// `when`: which jobs run after their predecessors succeed, fail, are canceled or skipped (GitLab's
// ProcessBuildService), for stage jobs and for DAG jobs.
import { expect } from 'chai';
import { definition, job, Reports } from './fixtures.js';
import { given, run } from './spec.js';

const def = definition(
  ['build', 'test', 'cleanup'],
  [
    job('compile', 'build'),
    job('tests', 'test'),
    job('report_failure', 'cleanup', { when: 'on_failure' }),
    job('always_notify', 'cleanup', { when: 'always' }),
    job('publish', 'cleanup', { when: 'on_success' }),
  ],
);

describe('when: on_success, on_failure, always', () => {
  it('after a failure: on_success jobs are skipped, on_failure and always jobs run', () => {
    const r = new Reports();
    const { events, ctx } = run([r.create(def), r.job('compile', 'running')]);
    given(events, ctx)
      .when(r.job('compile', 'failed'))
      .then([
        { type: 'JobFailed', name: 'compile' },
        { type: 'JobSkipped', name: 'tests', reason: 'predecessors_not_qualified' },
        { type: 'JobEnqueued', name: 'report_failure' },
        { type: 'JobEnqueued', name: 'always_notify' },
        { type: 'JobSkipped', name: 'publish', reason: 'predecessors_not_qualified' },
      ]);
  });

  it('after a failure the pipeline fails once the on_failure and always jobs are done', () => {
    const r = new Reports();
    const { events, state } = run([
      r.create(def),
      ...r.runs('compile', 'failed'),
      ...r.runs('report_failure'),
      ...r.runs('always_notify'),
    ]);
    expect(events.at(-1)).to.include({ type: 'PipelineFinished', status: 'failed', warnings: false });
    expect(Object.fromEntries(Object.values(state.jobs).map((j) => [j.name, j.status]))).to.deep.equal({
      compile: 'failed',
      tests: 'skipped',
      report_failure: 'success',
      always_notify: 'success',
      publish: 'skipped',
    });
  });

  it('after success: on_failure jobs are skipped, on_success and always jobs run', () => {
    const r = new Reports();
    const { events, ctx } = run([r.create(def), ...r.runs('compile'), r.job('tests', 'running')]);
    given(events, ctx)
      .when(r.job('tests', 'success'))
      .then([
        { type: 'JobSucceeded', name: 'tests' },
        { type: 'JobSkipped', name: 'report_failure' },
        { type: 'JobEnqueued', name: 'always_notify' },
        { type: 'JobEnqueued', name: 'publish' },
      ]);
  });

  it('a failure allowed to fail counts as success: on_success runs, on_failure is skipped, with warnings', () => {
    const r = new Reports();
    const lenient = definition(
      ['build', 'test'],
      [
        job('compile', 'build', { allow_failure: true }),
        job('tests', 'test'),
        job('triage', 'test', { when: 'on_failure' }),
      ],
    );
    const { events, ctx } = run([r.create(lenient), r.job('compile', 'running')]);
    given(events, ctx)
      .when(r.job('compile', 'failed'))
      .then([
        { type: 'JobFailed', name: 'compile', allow_failure: true },
        { type: 'JobEnqueued', name: 'tests' },
        { type: 'JobSkipped', name: 'triage' },
        { type: 'PipelineStatusChanged', from: 'running', to: 'pending', warnings: true }, // {failed!, pending, skipped} → pending
      ]);
  });

  it('after a cancellation nothing runs, not even always jobs (GitLab: always needs success, failed or skipped)', () => {
    const r = new Reports();
    const { events, ctx } = run([r.create(def), r.job('compile', 'running')]);
    given(events, ctx)
      .when(r.job('compile', 'canceled'))
      .then([
        { type: 'JobCanceled', name: 'compile', duration_ms: 10_000 },
        { type: 'JobSkipped', name: 'tests' },
        { type: 'JobSkipped', name: 'report_failure' },
        { type: 'JobSkipped', name: 'always_notify' },
        { type: 'JobSkipped', name: 'publish' },
        { type: 'PipelineStatusChanged', from: 'running', to: 'canceled' },
        { type: 'PipelineFinished', status: 'canceled' },
      ]);
  });

  it('skipped predecessors count as success for stage jobs', () => {
    const r = new Reports();
    const onlyOnFailure = definition(
      ['check', 'ship'],
      [job('triage', 'check', { when: 'on_failure' }), job('publish', 'ship')],
    );
    given()
      .when(r.create(onlyOnFailure))
      .then([
        { type: 'PipelineCreated' },
        { type: 'JobCreated', name: 'triage' },
        { type: 'JobCreated', name: 'publish' },
        { type: 'JobSkipped', name: 'triage' },
        { type: 'JobEnqueued', name: 'publish' },
        { type: 'PipelineStatusChanged', from: 'created', to: 'pending', job_statuses: { skipped: 1, pending: 1 } },
      ]);
  });

  it('a pipeline of which every job is skipped finishes skipped', () => {
    const r = new Reports();
    const { events } = run([r.create(definition(['check'], [job('triage', 'check', { when: 'on_failure' })]))]);
    expect(events.slice(-3).map((e) => e.type)).to.deep.equal([
      'JobSkipped',
      'PipelineStatusChanged',
      'PipelineFinished',
    ]);
    expect(events.at(-1)).to.include({ status: 'skipped' });
  });
});

describe('when with needs (DAG)', () => {
  const dag = definition(
    ['build', 'test'],
    [
      job('compile', 'build'),
      job('docs', 'build', { when: 'on_failure' }),
      job('unit', 'test', { needs: ['compile'] }),
      job('spell', 'test', { needs: ['docs'] }),
      job('spell_always', 'test', { needs: ['docs'], when: 'always' }),
      job('independent', 'test', { needs: [] }),
    ],
  );

  it('needs [] runs at once; a DAG job whose need was skipped is skipped, an always one runs', () => {
    const r = new Reports();
    given()
      .when(r.create(dag))
      .then([
        { type: 'PipelineCreated' },
        ...['compile', 'docs', 'unit', 'spell', 'spell_always', 'independent'].map((name) => ({
          type: 'JobCreated' as const,
          name,
        })),
        { type: 'JobEnqueued', name: 'compile' },
        { type: 'JobSkipped', name: 'docs' },
        { type: 'JobSkipped', name: 'spell' },
        { type: 'JobEnqueued', name: 'spell_always' },
        { type: 'JobEnqueued', name: 'independent' },
        { type: 'PipelineStatusChanged', from: 'created', to: 'pending' },
      ]);
  });

  it('a DAG job needing a job allowed to fail runs when that job failed', () => {
    const r = new Reports();
    const lenient = definition(
      ['build', 'test'],
      [job('compile', 'build', { allow_failure: true }), job('unit', 'test', { needs: ['compile'] })],
    );
    const { events, ctx } = run([r.create(lenient), r.job('compile', 'running')]);
    given(events, ctx)
      .when(r.job('compile', 'failed'))
      .then([
        { type: 'JobFailed', name: 'compile' },
        { type: 'JobEnqueued', name: 'unit' },
        { type: 'PipelineStatusChanged', warnings: true },
      ]);
  });

  it('a DAG job needing an unplayed optional manual job is skipped, and re-opened when it is played', () => {
    const r = new Reports();
    const optional = definition(
      ['build', 'deploy'],
      [
        job('compile', 'build'),
        job('review', 'build', { when: 'manual', allow_failure: true }),
        job('announce', 'deploy', { needs: ['review'] }),
      ],
    );
    const { events, ctx, state } = run([r.create(optional), ...r.runs('compile')]);
    expect(state.jobs[state.latest.announce!]!.status).to.equal('skipped');
    expect(state).to.include({ status: 'success', finished: true });
    given(events, ctx)
      .when(r.play('review'))
      .then([
        { type: 'JobEnqueued', name: 'review' },
        { type: 'JobReopened', name: 'announce' },
        { type: 'PipelineStatusChanged', from: 'success', to: 'running' },
      ]);
  });
});
