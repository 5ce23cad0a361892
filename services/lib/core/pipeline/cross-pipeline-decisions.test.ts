// Reports from outside the pipeline (AssignResource, AutoCancel, DownstreamStatus): what each rejection says
// (code, message, details), what auto-cancel leaves alone, and what a mirrored downstream failure records.
import { expect } from 'chai';
import type { Definition } from './definition.js';
import { definition, job, PIPELINE_ID, Reports } from './fixtures.js';
import { given, run } from './spec.js';

const NEWER = '0193a1b2-c3d4-7e5f-8a9b-0000000000ff';
const UNKNOWN = '0a000000-0000-7000-8000-0000000000ee';

describe('AssignResource: rejections', () => {
  const def = {
    ...definition(
      ['build', 'deploy'],
      [job('compile', 'build'), job('ship', 'deploy', { resource_group: 'production' })],
    ),
    resource_groups: { production: { process_mode: 'oldest_first' } },
  } as Definition;

  it('a job the pipeline does not have', () => {
    const r = new Reports();
    const { events, ctx } = run([r.create(def)]);
    const rejected = given(events, ctx).when(r.assign(UNKNOWN)).thenRejects('unknown_job', { job: UNKNOWN });
    expect(rejected.message).to.equal(`pipeline ${PIPELINE_ID} has no job "${UNKNOWN}"`);
  });

  it('a job that is not waiting for its resource names the job and the transition', () => {
    const r = new Reports();
    const { events, state, ctx } = run([r.create(def)]);
    const compile = state.latest.compile!;
    const rejected = given(events, ctx).when(r.assign(compile)).thenRejects('illegal_transition', {
      job: compile,
      name: 'compile',
      attempt: 1,
      status: 'pending',
      retried: false,
      from: 'pending',
      to: 'pending',
    });
    expect(rejected.message).to.equal('job "compile" is pending, not waiting for resource');
  });
});

describe('AutoCancel: what is canceled, and why not', () => {
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

  it('a finished pipeline: the message names its status; the policy is conservative by default', () => {
    const r = new Reports();
    const { events, ctx } = run([r.create(withPolicy()), ...r.runs('lint'), ...r.runs('unit'), ...r.runs('migrate')]);
    const rejected = given(events, ctx).when(r.autoCancel(NEWER)).thenRejects('pipeline_finished', {
      policy: 'conservative',
    });
    expect(rejected.message).to.equal(`pipeline ${PIPELINE_ID} finished (success)`);
    expect(Object.keys(rejected.details)).to.deep.equal(['policy']);
  });

  it('conservative: a finished job is left alone; a started one is canceled after its run time, the others at 0', () => {
    const r = new Reports();
    const { events, ctx } = run([r.create(withPolicy()), ...r.runs('lint'), r.job('unit', 'running')]);
    // unit started 10 s before the report (one report every 10 s)
    given(events, ctx)
      .when(r.autoCancel(NEWER))
      .then([
        { type: 'JobCanceled', name: 'unit', duration_ms: 10_000, auto_canceled_by: NEWER },
        { type: 'JobCanceled', name: 'migrate', duration_ms: null, auto_canceled_by: NEWER },
        { type: 'PipelineStatusChanged', to: 'canceled' },
        { type: 'PipelineFinished', status: 'canceled' },
      ]);
  });

  it('conservative: the job that is not interruptible and started is named', () => {
    const r = new Reports();
    const { events, ctx } = run([r.create(withPolicy()), r.job('migrate', 'running')]);
    const rejected = given(events, ctx)
      .when(r.autoCancel(NEWER))
      .thenRejects('not_cancelable', { policy: 'conservative', started: 'migrate' });
    expect(rejected.message).to.equal('job "migrate" is not interruptible and has started');
  });

  it('interruptible, with the interruptible jobs finished: nothing to cancel', () => {
    const r = new Reports();
    const { events, ctx } = run([r.create(withPolicy('interruptible')), ...r.runs('lint'), ...r.runs('unit')]);
    const rejected = given(events, ctx)
      .when(r.autoCancel(NEWER))
      .thenRejects('not_cancelable', { policy: 'interruptible' });
    expect(rejected.message).to.equal('workflow:auto_cancel:on_new_commit is interruptible: nothing to cancel');
  });
});

describe('DownstreamStatus: rejections and the failure it records', () => {
  const child = definition(['test'], [job('child-test', 'test')]);
  const def = definition(
    ['build', 'downstream'],
    [
      job('compile', 'build'),
      job('bridge', 'downstream', { trigger: { definition: child, strategy: 'depend', project: 'acme/deploy' } }),
    ],
  );
  const started = () => {
    const r = new Reports();
    const { events, state, ctx } = run([r.create(def), ...r.runs('compile')]);
    const bridge = state.jobs[state.latest.bridge!]!;
    return { r, events, ctx, bridge, downstream: bridge.downstream_pipeline_id! };
  };

  it('a job the pipeline does not have', () => {
    const { r, events, ctx, downstream } = started();
    const rejected = given(events, ctx)
      .when(r.downstream(UNKNOWN, downstream, 'success'))
      .thenRejects('unknown_job', { job: UNKNOWN });
    expect(rejected.message).to.equal(`pipeline ${PIPELINE_ID} has no job "${UNKNOWN}"`);
  });

  it('a trigger job that already mirrored its downstream pipeline does not mirror it again', () => {
    const { r, events, ctx, bridge, downstream } = started();
    const mirrored = given(events, ctx)
      .when(r.downstream(bridge.job_id, downstream, 'success'))
      .then([
        { type: 'JobSucceeded', name: 'bridge', duration_ms: 10_000 },
        { type: 'PipelineStatusChanged', to: 'success' },
        { type: 'PipelineFinished', status: 'success' },
      ]);
    const rejected = given([...events, ...mirrored], ctx)
      .when(r.downstream(bridge.job_id, downstream, 'failed'))
      .thenRejects('illegal_transition', {
        job: bridge.job_id,
        name: 'bridge',
        attempt: 1,
        status: 'success',
        retried: false,
        from: 'success',
        to: 'failed',
        downstream_pipeline_id: downstream,
      });
    expect(rejected.message).to.equal(`job "bridge" does not mirror pipeline ${downstream} finishing failed`);
  });

  for (const status of ['failed', 'skipped'] as const) {
    // GitLab's Ci::Bridge drops the job without a reason of its own (unknown_failure); the raw reason says why
    it(`a downstream pipeline ${status}: the trigger job fails, raw reason downstream_pipeline_${status}`, () => {
      const { r, events, ctx, bridge, downstream } = started();
      given(events, ctx)
        .when(r.downstream(bridge.job_id, downstream, status))
        .then([
          {
            type: 'JobFailed',
            name: 'bridge',
            failure_reason: 'unknown_failure',
            failure_reason_raw: `downstream_pipeline_${status}`,
            exit_code: null,
          },
          { type: 'PipelineStatusChanged', to: 'failed' },
          { type: 'PipelineFinished', status: 'failed' },
        ]);
    });
  }
});
