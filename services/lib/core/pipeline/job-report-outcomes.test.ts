// ReportJob outcomes whose fields depend on the job's history: how long a canceled job ran, and what
// workflow:auto_cancel:on_job_failure: all cancels when a job fails.
import { expect } from 'chai';
import type { Definition } from './definition.js';
import { definition, job, PIPELINE_ID, Reports } from './fixtures.js';
import { given, run } from './spec.js';

describe('ReportJob canceled: duration_ms is how long it ran, null when it never started', () => {
  const def = definition(['build'], [job('compile', 'build'), job('lint', 'build')]);

  it('a pending job canceled by its producer never ran', () => {
    const r = new Reports();
    const { events, ctx } = run([r.create(def)]);
    given(events, ctx)
      .when(r.job('compile', 'canceled'))
      .then([
        { type: 'JobCanceled', name: 'compile', duration_ms: null },
        // GitLab's composite of {canceled, pending}: running
        { type: 'PipelineStatusChanged', from: 'pending', to: 'running' },
      ]);
  });

  it('a running job canceled 10 s after it started ran 10 s', () => {
    const r = new Reports();
    const { events, ctx } = run([r.create(def), r.job('compile', 'running')]);
    given(events, ctx)
      .when(r.job('compile', 'canceled'))
      .then([{ type: 'JobCanceled', name: 'compile', duration_ms: 10_000 }]);
  });
});

describe('workflow:auto_cancel:on_job_failure: all — what the failure cancels', () => {
  const def = {
    ...definition(
      ['test', 'deploy'],
      [job('unit', 'test'), job('e2e', 'test'), job('lint', 'test'), job('ship', 'deploy')],
    ),
    workflow: { auto_cancel: { on_job_failure: 'all' } },
  } as Definition;

  it('the cancelable jobs only: a finished job stays as it is; a running one ran until then, a created one never ran', () => {
    const r = new Reports();
    const { events, ctx } = run([r.create(def), ...r.runs('lint'), r.job('unit', 'running'), r.job('e2e', 'running')]);
    const decided = given(events, ctx)
      .when(r.job('unit', 'failed'))
      .then([
        { type: 'JobFailed', name: 'unit', duration_ms: 20_000 },
        { type: 'JobCanceled', name: 'e2e', duration_ms: 10_000, auto_canceled_by: PIPELINE_ID },
        { type: 'JobCanceled', name: 'ship', duration_ms: null, auto_canceled_by: PIPELINE_ID },
        { type: 'PipelineStatusChanged', from: 'running', to: 'failed' },
        { type: 'PipelineFinished', status: 'failed' },
      ]);
    expect(decided.filter((e) => e.type === 'JobCanceled' && e.name === 'lint')).to.deep.equal([]);
  });
});
