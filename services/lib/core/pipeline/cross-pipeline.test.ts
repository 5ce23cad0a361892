// Resource groups, auto-cancel and trigger jobs, seen from one pipeline's decider: what the coordinator's
// and a downstream pipeline's reports mean for this pipeline (the decisions across pipelines are the
// coordinator's, tested in services/lib/core/coordination).
import { expect } from 'chai';
import type { Definition } from './definition.js';
import { definition, job, PIPELINE_ID, Reports, testId } from './fixtures.js';
import { given, run } from './spec.js';

const NEWER = '0193a1b2-c3d4-7e5f-8a9b-0000000000ff';

describe('resource_group (GitLab: at most one job of a group runs at a time)', () => {
  const def = {
    ...definition(
      ['build', 'deploy'],
      [job('compile', 'build'), job('ship', 'deploy', { resource_group: 'production' })],
    ),
    resource_groups: { production: { process_mode: 'oldest_first' } },
  } as Definition;

  it('given its stage passed, when its turn comes, then it waits for the resource with the process mode', () => {
    const r = new Reports();
    const { events, ctx } = run([r.create(def), r.job('compile', 'running')]);
    given(events, ctx)
      .when(r.job('compile', 'success'))
      .then([
        { type: 'JobSucceeded', name: 'compile' },
        { type: 'JobWaitingForResource', name: 'ship', resource_group: 'production', process_mode: 'oldest_first' },
        // GitLab's composite: {success, waiting_for_resource} → waiting_for_resource
        { type: 'PipelineStatusChanged', from: 'running', to: 'waiting_for_resource' },
      ]);
  });

  it('when the coordinator assigns the resource, then the job is pending; a second assignment is refused', () => {
    const r = new Reports();
    const { events, state, ctx } = run([r.create(def), ...r.runs('compile')]);
    const ship = state.latest.ship!;
    const assigned = given(events, ctx)
      .when({ ...r.assign(ship) })
      .then([
        { type: 'JobEnqueued', name: 'ship', job_id: ship },
        { type: 'PipelineStatusChanged', from: 'waiting_for_resource', to: 'running' },
      ]);
    given([...events, ...assigned], ctx)
      .when(r.assign(ship))
      .thenRejects('illegal_transition', { from: 'pending', to: 'pending' });
  });

  it('a job waiting for its resource can be canceled (it leaves the queue)', () => {
    const r = new Reports();
    const { events, ctx } = run([r.create(def), ...r.runs('compile')]);
    given(events, ctx)
      .when(r.cancel())
      .then([
        { type: 'JobCanceled', name: 'ship' },
        { type: 'PipelineStatusChanged', from: 'waiting_for_resource', to: 'canceled' },
        { type: 'PipelineFinished', status: 'canceled' },
      ]);
  });

  it('a manual job of a resource group waits for the resource when played', () => {
    const manual = { ...def, jobs: [job('ship', 'build', { when: 'manual', resource_group: 'production' })] };
    const r = new Reports();
    const { events, ctx } = run([r.create(manual as Definition)]);
    given(events, ctx)
      .when(r.play('ship'))
      .then([
        { type: 'JobWaitingForResource', name: 'ship', resource_group: 'production' },
        { type: 'PipelineStatusChanged', to: 'waiting_for_resource' },
      ]);
  });
});

describe('auto-cancel of redundant pipelines (workflow:auto_cancel:on_new_commit)', () => {
  const jobs = [
    job('lint', 'test', { interruptible: true }),
    job('unit', 'test', { interruptible: true }),
    job('migrate', 'test'),
  ];
  const withPolicy = (on_new_commit?: 'conservative' | 'interruptible' | 'none') =>
    ({
      ...definition(['test'], jobs),
      ...(on_new_commit ? { workflow: { auto_cancel: { on_new_commit } } } : {}),
    }) as Definition;

  it('conservative (the default): nothing uninterruptible started → every cancelable job is canceled', () => {
    const r = new Reports();
    const { events, ctx } = run([r.create(withPolicy()), r.job('lint', 'running')]);
    given(events, ctx)
      .when(r.autoCancel(NEWER))
      .then([
        { type: 'JobCanceled', name: 'lint', auto_canceled_by: NEWER },
        { type: 'JobCanceled', name: 'unit', auto_canceled_by: NEWER },
        { type: 'JobCanceled', name: 'migrate', auto_canceled_by: NEWER },
        { type: 'PipelineStatusChanged', to: 'canceled' },
        { type: 'PipelineFinished', status: 'canceled' },
      ]);
  });

  it('conservative: a job that is not interruptible has started → nothing is canceled', () => {
    const r = new Reports();
    const { events, ctx } = run([r.create(withPolicy('conservative')), r.job('migrate', 'running')]);
    given(events, ctx)
      .when(r.autoCancel(NEWER))
      .thenRejects('not_cancelable', { policy: 'conservative', started: 'migrate' });
  });

  it('interruptible: only the interruptible jobs are canceled, started or not', () => {
    const r = new Reports();
    const { events, ctx } = run([
      r.create(withPolicy('interruptible')),
      r.job('migrate', 'running'),
      r.job('lint', 'running'),
    ]);
    given(events, ctx)
      .when(r.autoCancel(NEWER))
      .then([
        { type: 'JobCanceled', name: 'lint', auto_canceled_by: NEWER },
        { type: 'JobCanceled', name: 'unit', auto_canceled_by: NEWER },
      ]);
  });

  it('none: nothing is canceled', () => {
    const r = new Reports();
    const { events, ctx } = run([r.create(withPolicy('none'))]);
    given(events, ctx).when(r.autoCancel(NEWER)).thenRejects('not_cancelable', { policy: 'none' });
  });

  it('a finished pipeline is not canceled', () => {
    const r = new Reports();
    const { events, ctx } = run([r.create(withPolicy()), ...r.runs('lint'), ...r.runs('unit'), ...r.runs('migrate')]);
    given(events, ctx).when(r.autoCancel(NEWER)).thenRejects('pipeline_finished');
  });
});

describe('workflow:auto_cancel:on_job_failure', () => {
  it('all: a job failing (not allowed to, not retried) cancels the other cancelable jobs', () => {
    const def = {
      ...definition(['test', 'deploy'], [job('unit', 'test'), job('e2e', 'test'), job('ship', 'deploy')]),
      workflow: { auto_cancel: { on_job_failure: 'all' } },
    } as Definition;
    const r = new Reports();
    const { events, ctx } = run([r.create(def), r.job('unit', 'running'), r.job('e2e', 'running')]);
    given(events, ctx)
      .when(r.job('unit', 'failed'))
      .then([
        { type: 'JobFailed', name: 'unit' },
        { type: 'JobCanceled', name: 'e2e', auto_canceled_by: PIPELINE_ID },
        { type: 'JobCanceled', name: 'ship', auto_canceled_by: PIPELINE_ID },
        { type: 'PipelineStatusChanged', from: 'running', to: 'failed' },
        { type: 'PipelineFinished', status: 'failed' },
      ]);
  });

  it('none (the default): the other jobs go on', () => {
    const r = new Reports();
    const def = definition(['test'], [job('unit', 'test'), job('e2e', 'test')]);
    const { events, ctx } = run([r.create(def), r.job('unit', 'running'), r.job('e2e', 'running')]);
    given(events, ctx)
      .when(r.job('unit', 'failed'))
      .then([{ type: 'JobFailed', name: 'unit' }]);
  });
});

describe('trigger jobs (GitLab: trigger, strategy: depend)', () => {
  const child = definition(['test'], [job('child-test', 'test')]);
  const def = (strategy?: 'depend', project?: string) =>
    definition(
      ['build', 'downstream'],
      [
        job('compile', 'build'),
        job('bridge', 'downstream', {
          trigger: { definition: child, ...(strategy ? { strategy } : {}), ...(project ? { project } : {}) },
        }),
      ],
    );

  it('without strategy: depend, the trigger job succeeds as soon as the downstream pipeline is created', () => {
    const r = new Reports();
    const { events, ctx } = run([r.create(def()), r.job('compile', 'running')]);
    given(events, ctx)
      .when(r.job('compile', 'success'))
      .then([
        { type: 'JobSucceeded', name: 'compile' },
        { type: 'DownstreamPipelineTriggered', name: 'bridge', strategy: 'none', downstream_project_id: 'acme/shop' },
        { type: 'JobSucceeded', name: 'bridge', duration_ms: 0 },
        { type: 'PipelineStatusChanged', to: 'success' },
        { type: 'PipelineFinished', status: 'success' },
      ]);
  });

  it('with strategy: depend, the trigger job runs until the downstream pipeline finishes, and mirrors it', () => {
    for (const [downstream, event, pipeline] of [
      ['success', 'JobSucceeded', 'success'],
      ['canceled', 'JobCanceled', 'canceled'],
      ['failed', 'JobFailed', 'failed'],
      ['skipped', 'JobFailed', 'failed'],
    ] as const) {
      const r = new Reports();
      const { events, state, ctx } = run([r.create(def('depend', 'acme/deploy')), ...r.runs('compile')]);
      const bridge = state.jobs[state.latest.bridge!]!;
      expect(bridge).to.include({ status: 'running' });
      expect(state.status).to.equal('running');
      given(events, ctx)
        .when(r.downstream(bridge.job_id, bridge.downstream_pipeline_id!, downstream))
        .then([
          { type: event, name: 'bridge' },
          { type: 'PipelineStatusChanged', to: pipeline },
          { type: 'PipelineFinished', status: pipeline },
        ]);
    }
  });

  it('a downstream status that is not final, or from another pipeline, changes nothing', () => {
    const r = new Reports();
    const { events, state, ctx } = run([r.create(def('depend')), ...r.runs('compile')]);
    const bridge = state.jobs[state.latest.bridge!]!;
    given(events, ctx)
      .when(r.downstream(bridge.job_id, bridge.downstream_pipeline_id!, 'running', false))
      .thenRejects('illegal_transition', { to: 'running' });
    given(events, ctx)
      .when(r.downstream(bridge.job_id, testId('0d', 1), 'success'))
      .thenRejects('illegal_transition', { downstream_pipeline_id: testId('0d', 1) });
  });

  it('a downstream pipeline remembers the pipeline and trigger job that created it', () => {
    const r = new Reports();
    const parent = { pipeline_id: testId('0d', 2), project_id: 'acme/shop', job_id: testId('0a', 9) };
    const { state } = run([r.create(child, { source: 'parent_pipeline', parent })]);
    expect(state.parent).to.deep.equal(parent);
  });
});
