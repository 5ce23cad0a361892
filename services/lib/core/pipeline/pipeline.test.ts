// A full pipeline, report by report: stages, a DAG job overtaking its stage, an automatic retry, an
// allow_failure failure (warnings), an optional manual job never played and a blocking one played.
import { expect } from 'chai';
import { definition, job, Reports } from './fixtures.js';
import { given, run } from './spec.js';

const def = definition(
  ['build', 'test', 'deploy'],
  [
    job('compile', 'build'),
    job('lint', 'build'),
    job('unit', 'test', { needs: ['compile'] }),
    job('flaky', 'test', { retry: { max: 2, when: ['runner_system_failure'] } }),
    job('audit', 'test', { allow_failure: true }),
    job('review', 'test', { when: 'manual', allow_failure: true }),
    job('deploy', 'deploy', { when: 'manual' }),
  ],
);

function scenario() {
  const r = new Reports();
  const steps = {
    create: [r.create(def)],
    compileRuns: r.runs('compile'),
    lintStarts: [r.job('lint', 'running')],
    unitRuns: r.runs('unit'),
    lintSucceeds: [r.job('lint', 'success')],
    flakyLosesRunner: [
      r.job('flaky', 'running'),
      r.job('flaky', 'failed', { failure_reason: 'runner_system_failure' }),
    ],
    auditFails: r.runs('audit', 'failed'),
    flakyPasses: r.runs('flaky'),
    playDeploy: [r.play('deploy')],
    deployRuns: r.runs('deploy'),
  };
  return { r, steps };
}

describe('a full pipeline (3 stages, DAG, auto-retry, allow_failure, manual jobs)', () => {
  it('emits exactly this sequence of events and ends success with warnings', () => {
    const { steps } = scenario();
    const { events, state } = run(Object.values(steps).flat());
    const seq = events.map((e) => ('name' in e ? `${e.type}(${e.name}#${e.attempt})` : e.type));
    expect(seq).to.deep.equal([
      // create: every job exists, the first stage is enqueued, everything else waits
      'PipelineCreated',
      'JobCreated(compile#1)',
      'JobCreated(lint#1)',
      'JobCreated(unit#1)',
      'JobCreated(flaky#1)',
      'JobCreated(audit#1)',
      'JobCreated(review#1)',
      'JobCreated(deploy#1)',
      'JobEnqueued(compile#1)',
      'JobEnqueued(lint#1)',
      'PipelineStatusChanged',
      // compile runs; the DAG job unit is enqueued although lint (same stage as compile) has not finished
      'JobStarted(compile#1)',
      'PipelineStatusChanged',
      'JobSucceeded(compile#1)',
      'JobEnqueued(unit#1)',
      'JobStarted(lint#1)',
      'JobStarted(unit#1)',
      'JobSucceeded(unit#1)',
      // lint done: the test stage's stage jobs proceed; the optional manual job waits for a user
      'JobSucceeded(lint#1)',
      'JobEnqueued(flaky#1)',
      'JobEnqueued(audit#1)',
      'JobManualActionRequired(review#1)',
      // runner_system_failure is retried automatically: a second attempt, enqueued at once
      'JobStarted(flaky#1)',
      'JobFailed(flaky#1)',
      'JobRetried(flaky#1)',
      'JobCreated(flaky#2)',
      'JobEnqueued(flaky#2)',
      // audit may fail: the pipeline keeps running, now with warnings
      'JobStarted(audit#1)',
      'JobFailed(audit#1)',
      'PipelineStatusChanged',
      // flaky passes: the blocking manual deploy job blocks the pipeline (status manual)
      'JobStarted(flaky#2)',
      'JobSucceeded(flaky#2)',
      'JobManualActionRequired(deploy#1)',
      'PipelineStatusChanged',
      'JobEnqueued(deploy#1)',
      'PipelineStatusChanged',
      'JobStarted(deploy#1)',
      'JobSucceeded(deploy#1)',
      'PipelineStatusChanged',
      'PipelineFinished',
    ]);
    const transitions = events.flatMap((e) =>
      e.type === 'PipelineStatusChanged' ? [`${e.from}→${e.to}${e.warnings ? '+w' : ''}`] : [],
    );
    expect(transitions).to.deep.equal([
      'created→pending',
      'pending→running',
      'running→running+w',
      'running→manual+w',
      'manual→running+w',
      'running→success+w',
    ]);
    expect(events.at(-1)).to.include({
      type: 'PipelineFinished',
      status: 'success',
      warnings: true,
      duration_ms: 150_000,
    });
    expect(state).to.include({ status: 'success', warnings: true, finished: true, seq: events.length });
    expect(state.jobs[state.latest.review!]!.status).to.equal('manual');
    expect(
      Object.values(state.jobs)
        .filter((j) => j.name === 'flaky')
        .map((j) => [j.attempt, j.status, j.retried]),
    ).to.deep.equal([
      [1, 'failed', true],
      [2, 'success', false],
    ]);
  });

  it('given the first stage running, when compile succeeds then only the DAG job is enqueued', () => {
    const { steps } = scenario();
    const { events } = run([...steps.create, ...steps.compileRuns.slice(0, 1), ...steps.lintStarts]);
    given(events)
      .when(steps.compileRuns[1]!)
      .then([
        { type: 'JobSucceeded', name: 'compile', attempt: 1, duration_ms: 10_000 },
        { type: 'JobEnqueued', name: 'unit' },
      ]);
  });

  it('given flaky running, when it fails with runner_system_failure then it is retried with a new attempt', () => {
    const { steps } = scenario();
    const prior = [
      ...steps.create,
      ...steps.compileRuns,
      ...steps.lintStarts,
      ...steps.unitRuns,
      ...steps.lintSucceeds,
      steps.flakyLosesRunner[0]!,
    ];
    const { events, ctx } = run(prior);
    const flaky1 = events.find((e) => e.type === 'JobCreated' && e.name === 'flaky')!;
    const newJobId = `0a000000-0000-7000-8000-${(ctx.jobIds + 1).toString(16).padStart(12, '0')}`;
    given(events, ctx)
      .when(steps.flakyLosesRunner[1]!)
      .then([
        {
          type: 'JobFailed',
          name: 'flaky',
          attempt: 1,
          failure_reason: 'runner_system_failure',
          failure_reason_raw: null,
          exit_code: 1,
          allow_failure: false,
          log_excerpt: '',
        },
        {
          type: 'JobRetried',
          job_id: 'job_id' in flaky1 ? flaky1.job_id : '',
          new_job_id: newJobId,
          new_attempt: 2,
          automatic: true,
        },
        {
          type: 'JobCreated',
          job_id: newJobId,
          name: 'flaky',
          attempt: 2,
          stage: 'test',
          when: 'on_success',
          allow_failure: false,
        },
        { type: 'JobEnqueued', job_id: newJobId, name: 'flaky', attempt: 2 },
      ]);
  });

  it('given everything but deploy done, the pipeline is blocked (manual, not finished) until deploy is played', () => {
    const { steps } = scenario();
    const { events, state } = run(Object.values(steps).flat().slice(0, -3));
    expect(state).to.include({ status: 'manual', finished: false });
    given(events)
      .when(steps.playDeploy[0]!)
      .then([
        { type: 'JobEnqueued', name: 'deploy' },
        { type: 'PipelineStatusChanged', from: 'manual', to: 'running', warnings: true },
      ]);
  });

  it('an optional manual job (allow_failure) does not block: without it the pipeline succeeds', () => {
    const r = new Reports();
    const optional = definition(
      ['build', 'deploy'],
      [job('compile', 'build'), job('review', 'deploy', { when: 'manual', allow_failure: true })],
    );
    const { events, state } = run([r.create(optional), ...r.runs('compile')]);
    expect(events.slice(-4).map((e) => e.type)).to.deep.equal([
      'JobSucceeded',
      'JobManualActionRequired',
      'PipelineStatusChanged',
      'PipelineFinished',
    ]);
    expect(state).to.include({ status: 'success', warnings: false, finished: true });
  });
});
