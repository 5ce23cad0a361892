// CancelPipeline, RetryJob, PlayJob, and automatic retries.
import { expect } from 'chai';
import { definition, job, Reports } from './fixtures.js';
import { given, run } from './spec.js';

describe('CancelPipeline', () => {
  const def = definition(
    ['build', 'test'],
    [job('compile', 'build'), job('lint', 'build'), job('gate', 'build', { when: 'manual' }), job('tests', 'test')],
  );

  it('cancels every cancelable job but leaves a blocking manual job manual: the pipeline waits on it (gitlab#19273)', () => {
    // GitLab's Ci::CancelPipelineService cancels CANCELABLE_STATUSES only; {canceled, manual} composes to manual.
    const r = new Reports();
    const { events, ctx } = run([r.create(def), r.job('compile', 'running')]);
    given(events, ctx)
      .when(r.cancel())
      .then([
        { type: 'JobCanceled', name: 'compile', duration_ms: 10_000 },
        { type: 'JobCanceled', name: 'lint', duration_ms: null },
        { type: 'JobCanceled', name: 'tests', duration_ms: null },
        { type: 'PipelineStatusChanged', from: 'running', to: 'manual', job_statuses: { canceled: 3, manual: 1 } },
      ]);
  });

  it('canceling the manual job too (CancelJob) finishes the pipeline canceled', () => {
    const r = new Reports();
    const { events, ctx } = run([r.create(def), r.job('compile', 'running'), r.cancel()]);
    given(events, ctx)
      .when(r.cancelJob('gate'))
      .then([
        { type: 'JobCanceled', name: 'gate', duration_ms: null },
        { type: 'PipelineStatusChanged', from: 'manual', to: 'canceled', job_statuses: { canceled: 4 } },
        { type: 'PipelineFinished', status: 'canceled', warnings: false },
      ]);
  });

  it('an optional manual job (allow_failure) does not hold a canceled pipeline open', () => {
    const r = new Reports();
    const optional = definition(
      ['build'],
      [job('compile', 'build'), job('gate', 'build', { when: 'manual', allow_failure: true })],
    );
    const { events, ctx } = run([r.create(optional)]);
    given(events, ctx)
      .when(r.cancel())
      .then([
        { type: 'JobCanceled', name: 'compile' },
        { type: 'PipelineStatusChanged', from: 'pending', to: 'canceled' },
        { type: 'PipelineFinished', status: 'canceled' },
      ]);
  });

  it('a canceled pipeline refuses another cancel and job reports, but a retry re-opens it', () => {
    const r = new Reports();
    const { events, ctx } = run([r.create(def), r.job('compile', 'running'), r.cancel(), r.cancelJob('gate')]);
    given(events, ctx).when(r.cancel()).thenRejects('pipeline_finished', { status: 'canceled' });
    given(events, ctx).when(r.job('lint', 'running')).thenRejects('pipeline_finished');
    given(events, ctx)
      .when(r.retry('compile'))
      .then([
        { type: 'JobRetried', name: 'compile', attempt: 1, new_attempt: 2, automatic: false },
        { type: 'JobCreated', name: 'compile', attempt: 2 },
        { type: 'JobEnqueued', name: 'compile', attempt: 2 },
        { type: 'PipelineStatusChanged', from: 'canceled', to: 'running' },
      ]);
  });
});

describe('CancelJob', () => {
  const def = definition(['build', 'test'], [job('compile', 'build'), job('lint', 'build'), job('tests', 'test')]);

  it('cancels one running job; the others go on (GitLab: cancel a single job)', () => {
    const r = new Reports();
    const { events, ctx } = run([r.create(def), r.job('compile', 'running')]);
    given(events, ctx)
      .when(r.cancelJob('compile'))
      .then([{ type: 'JobCanceled', name: 'compile', duration_ms: 10_000 }]);
  });

  it('a canceled stage job means the later stage is skipped once the stage completes', () => {
    const r = new Reports();
    const { events, ctx } = run([r.create(def)]);
    given(events, ctx)
      .when(r.cancelJob('compile'))
      .then([
        { type: 'JobCanceled', name: 'compile', duration_ms: null },
        // {canceled, pending, created}: GitLab's composite says running
        { type: 'PipelineStatusChanged', from: 'pending', to: 'running' },
      ]);
    const { state } = run([r.create(def), r.cancelJob('compile'), ...r.runs('lint')]);
    expect(state.jobs[state.latest.tests!]!.status).to.equal('skipped');
    expect(state).to.include({ status: 'canceled', finished: true });
  });

  it('refuses a finished job, a retried attempt and an unknown job', () => {
    const r = new Reports();
    const { events, state, ctx } = run([r.create(def), ...r.runs('compile')]);
    given(events, ctx)
      .when(r.cancelJob('compile'))
      .thenRejects('not_cancelable', { name: 'compile', status: 'success' });
    given(events, ctx).when(r.cancelJob('nope')).thenRejects('unknown_job', { job: 'nope' });
    const retried = run([r.create(def), ...r.runs('compile'), r.retry('compile')]);
    const first = Object.values(retried.state.jobs).find((j) => j.name === 'compile' && j.attempt === 1)!;
    given(retried.events, retried.ctx).when(r.cancelJob(first.job_id)).thenRejects('not_cancelable', { retried: true });
    void state;
  });

  it('a running job being canceled by its runner (canceling) ends canceled whatever the runner reports last', () => {
    for (const last of ['success', 'failed', 'canceled'] as const) {
      const r = new Reports();
      const { events, ctx } = run([r.create(def), r.job('compile', 'running'), r.job('compile', 'canceling')]);
      given(events, ctx)
        .when(r.job('compile', last))
        .then([{ type: 'JobCanceled', name: 'compile' }]);
    }
  });
});

describe('RetryPipeline', () => {
  const def = definition(
    ['build', 'test'],
    [
      job('compile', 'build'),
      job('lint', 'build'),
      job('tests', 'test'),
      job('notify', 'test', { when: 'on_failure' }),
    ],
  );

  it('gives every failed or canceled latest job a new attempt and re-opens what they skipped (GitLab RetryPipelineService)', () => {
    const r = new Reports();
    const { events, ctx } = run([
      r.create(def),
      ...r.runs('compile', 'failed'),
      r.cancelJob('lint'),
      ...r.runs('notify'),
    ]);
    given(events, ctx)
      .when(r.retryPipeline())
      .then([
        { type: 'JobRetried', name: 'compile', attempt: 1, new_attempt: 2, automatic: false },
        { type: 'JobCreated', name: 'compile', attempt: 2 },
        { type: 'JobRetried', name: 'lint', attempt: 1, new_attempt: 2, automatic: false },
        { type: 'JobCreated', name: 'lint', attempt: 2 },
        { type: 'JobReopened', name: 'tests' },
        { type: 'JobEnqueued', name: 'compile', attempt: 2 },
        { type: 'JobEnqueued', name: 'lint', attempt: 2 },
        { type: 'PipelineStatusChanged', from: 'failed', to: 'running' },
      ]);
  });

  it('refuses a pipeline with nothing failed or canceled', () => {
    const r = new Reports();
    const { events, ctx } = run([r.create(def), ...r.runs('compile'), ...r.runs('lint'), ...r.runs('tests')]);
    given(events, ctx).when(r.retryPipeline()).thenRejects('not_retryable');
  });
});

describe('RetryJob', () => {
  const def = definition(
    ['build', 'test', 'deploy'],
    [
      job('compile', 'build'),
      job('unit', 'test'),
      job('e2e', 'test', { needs: ['unit'] }),
      job('ship', 'deploy'),
      job('notify', 'deploy', { when: 'on_failure' }),
    ],
  );
  const failed = () => {
    const r = new Reports();
    return { r, ...run([r.create(def), ...r.runs('compile', 'failed'), ...r.runs('notify')]) };
  };

  it('a failed pipeline: the failure skipped the dependents and ran on_failure', () => {
    const { state } = failed();
    expect(state).to.include({ status: 'failed', finished: true });
    expect(Object.fromEntries(Object.values(state.jobs).map((j) => [j.name, j.status]))).to.deep.equal({
      compile: 'failed',
      unit: 'skipped',
      e2e: 'skipped',
      ship: 'skipped',
      notify: 'success',
    });
  });

  it('retrying the failed job re-opens its skipped dependents (stages and needs) and re-opens the pipeline', () => {
    const { r, events, ctx } = failed();
    given(events, ctx)
      .when(r.retry('compile'))
      .then([
        { type: 'JobRetried', name: 'compile', attempt: 1, new_attempt: 2, automatic: false },
        { type: 'JobCreated', name: 'compile', attempt: 2, stage: 'build' },
        { type: 'JobReopened', name: 'unit' },
        { type: 'JobReopened', name: 'e2e' },
        { type: 'JobReopened', name: 'ship' },
        { type: 'JobEnqueued', name: 'compile', attempt: 2 },
        { type: 'PipelineStatusChanged', from: 'failed', to: 'running' },
      ]);
  });

  it('after the retry passes, the re-opened jobs run and the pipeline succeeds', () => {
    const { r, events } = failed();
    const { state } = run(
      [r.retry('compile'), ...r.runs('compile'), ...r.runs('unit'), ...r.runs('e2e'), ...r.runs('ship')],
      events,
    );
    expect(state).to.include({ status: 'success', finished: true });
    expect(
      Object.values(state.jobs)
        .filter((j) => !j.retried)
        .every((j) => j.status === 'success'),
    ).to.equal(true);
  });

  it('only a latest success, failed or canceled job can be retried', () => {
    const { r, events, ctx, state } = failed();
    given(events, ctx).when(r.retry('unit')).thenRejects('not_retryable', { status: 'skipped' });
    given(events, ctx).when(r.retry('ghost')).thenRejects('unknown_job', { job: 'ghost' });
    const next = run([r.retry('compile')], events, ctx);
    const first = state.latest.compile!;
    given(next.events, next.ctx).when(r.retry(first)).thenRejects('not_retryable', { job: first, retried: true });
    given(next.events, next.ctx).when(r.retry('compile')).thenRejects('not_retryable', { status: 'pending' });
    // notify's new attempt waits for the stages before it, where compile's retry is pending
    given(next.events, next.ctx)
      .when(r.retry('notify'))
      .then([
        { type: 'JobRetried', name: 'notify' },
        { type: 'JobCreated', name: 'notify', attempt: 2 },
        { type: 'PipelineStatusChanged', from: 'running', to: 'pending' },
      ]);
  });
});

describe('PlayJob', () => {
  const def = definition(
    ['build', 'deploy'],
    [
      job('compile', 'build'),
      job('deploy', 'deploy', { when: 'manual' }),
      job('smoke', 'deploy', { needs: ['deploy'] }),
    ],
  );

  it('enqueues a manual job; its DAG dependents run after it', () => {
    const r = new Reports();
    const { events, ctx, state } = run([r.create(def), ...r.runs('compile')]);
    expect(state).to.include({ status: 'manual', finished: false });
    given(events, ctx)
      .when(r.play('deploy'))
      .then([
        { type: 'JobEnqueued', name: 'deploy' },
        { type: 'PipelineStatusChanged', from: 'manual', to: 'running' },
      ]);
    const done = run([r.play('deploy'), ...r.runs('deploy')], events, ctx);
    expect(done.events.slice(-2).map((e) => e.type)).to.deep.equal(['JobSucceeded', 'JobEnqueued']);
  });

  it('only a manual job can be played', () => {
    const r = new Reports();
    const { events, ctx } = run([r.create(def)]);
    given(events, ctx).when(r.play('compile')).thenRejects('not_playable', { status: 'pending' });
    given(events, ctx).when(r.play('deploy')).thenRejects('not_playable', { status: 'created' });
    given(events, ctx).when(r.play('nope')).thenRejects('unknown_job');
  });

  it('retrying a played manual job enqueues the new attempt at once', () => {
    const r = new Reports();
    const { events, ctx } = run([r.create(def), ...r.runs('compile'), r.play('deploy'), ...r.runs('deploy', 'failed')]);
    given(events, ctx)
      .when(r.retry('deploy'))
      .then([
        { type: 'JobRetried', name: 'deploy' },
        { type: 'JobCreated', name: 'deploy', attempt: 2, when: 'manual' },
        { type: 'JobEnqueued', name: 'deploy', attempt: 2 },
        { type: 'JobReopened', name: 'smoke' },
        { type: 'PipelineStatusChanged', from: 'failed', to: 'running' },
      ]);
  });
});

describe('automatic retry', () => {
  const def = (when: string[], max = 2) =>
    definition(['build'], [job('flaky', 'build', { retry: { max, when } as never })]);

  it('retries runner_system_failure at most max (2) times, then the pipeline fails', () => {
    const r = new Reports();
    const lost = { failure_reason: 'runner_system_failure' };
    const { events, state } = run([
      r.create(def(['runner_system_failure'])),
      ...r.runs('flaky', 'failed', lost),
      ...r.runs('flaky', 'failed', lost),
      ...r.runs('flaky', 'failed', lost),
    ]);
    expect(
      events
        .filter((e) => e.type === 'JobRetried')
        .map((e) => e.type === 'JobRetried' && [e.attempt, e.new_attempt, e.automatic]),
    ).to.deep.equal([
      [1, 2, true],
      [2, 3, true],
    ]);
    expect(Object.values(state.jobs).map((j) => [j.attempt, j.status, j.retried])).to.deep.equal([
      [1, 'failed', true],
      [2, 'failed', true],
      [3, 'failed', false],
    ]);
    expect(state).to.include({ status: 'failed', finished: true });
  });

  it('does not retry a failure the policy does not name; maps an unknown reason to unknown_failure', () => {
    const r = new Reports();
    const { events, ctx } = run([r.create(def(['runner_system_failure'])), r.job('flaky', 'running')]);
    given(events, ctx)
      .when(r.job('flaky', 'failed', { failure_reason: 'oom_killed', exit_code: 137, log_excerpt: 'Killed' }))
      .then([
        {
          type: 'JobFailed',
          failure_reason: 'unknown_failure',
          failure_reason_raw: 'oom_killed',
          exit_code: 137,
          log_excerpt: 'Killed',
          duration_ms: 10_000,
        },
        { type: 'PipelineStatusChanged', from: 'running', to: 'failed' },
        { type: 'PipelineFinished', status: 'failed' },
      ]);
  });

  it('retry when always covers unknown failures too', () => {
    const r = new Reports();
    const { events, ctx } = run([r.create(def(['always'], 1)), r.job('flaky', 'running')]);
    given(events, ctx)
      .when(r.job('flaky', 'failed', { failure_reason: null }))
      .then([
        { type: 'JobFailed', failure_reason: 'unknown_failure', failure_reason_raw: null },
        { type: 'JobRetried', automatic: true },
        { type: 'JobCreated', attempt: 2 },
        { type: 'JobEnqueued', attempt: 2 },
        { type: 'PipelineStatusChanged', from: 'running', to: 'pending' },
      ]);
  });
});
