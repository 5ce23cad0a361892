// Reports the decider refuses, each with its machine-readable code.
import { expect } from 'chai';
import type { DefinitionError } from './definition.js';
import type { PipelineEvent } from '../events/generated.js';
import { definition, job, PIPELINE_ID, Reports, testContext, testId } from './fixtures.js';
import { decide, evolveAll, REJECTION_CODES, type PipelineState, type RejectionCode } from './index.js';
import { Observations, T } from './observed-fixtures.js';
import { given, run } from './spec.js';

const def = definition(['build', 'test'], [job('compile', 'build'), job('tests', 'test')]);

describe('rejections', () => {
  const seen = new Set<RejectionCode>();
  const expectCode = (code: RejectionCode) => {
    seen.add(code);
    return code;
  };

  it('unknown_pipeline: anything but CreatePipeline for a pipeline without state', () => {
    const r = new Reports();
    given().when(r.job('compile', 'running')).thenRejects(expectCode('unknown_pipeline'), { pipeline_id: PIPELINE_ID });
    given().when(r.cancel()).thenRejects('unknown_pipeline');
    given().when(r.retry('compile')).thenRejects('unknown_pipeline');
    given().when(r.play('compile')).thenRejects('unknown_pipeline');
  });

  it('unknown_pipeline: a report for another pipeline than the state given', () => {
    const r = new Reports();
    const { events, ctx } = run([r.create(def)]);
    const other = new Reports('0193a1b2-c3d4-7e5f-8a9b-000000000999').wait(100);
    given(events, ctx)
      .when(other.job('compile', 'running', { report_id: testId('0b', 999) }))
      .thenRejects('unknown_pipeline');
  });

  it('invalid_definition: details.errors lists each error with its pointer', () => {
    const r = new Reports();
    const bad = definition(
      ['build', 'build'],
      [job('compile', 'build', { needs: ['compile'] }), job('tests', 'test', { needs: ['lint'] })],
    );
    const rejected = given().when(r.create(bad)).thenRejects(expectCode('invalid_definition'));
    expect((rejected.details.errors as DefinitionError[]).map((e) => `${e.code} ${e.pointer}`)).to.deep.equal([
      'duplicate_stage /definition/stages/1',
      'unknown_stage /definition/jobs/1/stage',
      'need_on_itself /definition/jobs/0/needs/0',
      'unknown_need /definition/jobs/1/needs/0',
    ]);
  });

  it('pipeline_exists: a second CreatePipeline with a new report id', () => {
    const r = new Reports();
    const { events, ctx } = run([r.create(def)]);
    given(events, ctx).when(r.create(def)).thenRejects(expectCode('pipeline_exists'));
  });

  it('duplicate_report: a report id already decided, whatever the report says', () => {
    const r = new Reports();
    const create = r.create(def);
    const start = r.job('compile', 'running');
    const { events, ctx } = run([create, start]);
    given(events, ctx).when(create).thenRejects(expectCode('duplicate_report'), { report_id: create.report_id });
    given(events, ctx)
      .when({ ...start, status: 'success' })
      .thenRejects('duplicate_report');
  });

  it('duplicate_report: only the last 256 accepted reports are remembered', () => {
    const r = new Reports();
    const many = definition(
      ['build'],
      Array.from({ length: 130 }, (_, i) => job(`j${i}`, 'build')),
    );
    const reports = [
      r.create(many),
      ...Array.from({ length: 130 }, (_, i) => r.job(`j${i}`, 'running')),
      ...Array.from({ length: 126 }, (_, i) => r.job(`j${i}`, 'success')),
    ];
    // Plain decide + evolveAll for the bulk (spec's per-decision checks are quadratic here); checks at the end.
    const ctx = testContext();
    let state: PipelineState | null = null;
    const events: PipelineEvent[] = [];
    for (const report of reports) {
      const decision = decide(state, report, ctx);
      if (decision.kind === 'rejected') expect.fail(decision.message);
      events.push(...decision.events);
      state = evolveAll(state, decision.events);
    }
    expect(state!.recent_reports).to.have.length(256);
    expect(state!.recent_reports[0]).to.equal(reports[1]!.report_id);
    given(events, ctx).when(reports[0]!).thenRejects('pipeline_exists'); // forgotten: judged on its merits
    given(events, ctx).when(reports[1]!).thenRejects('duplicate_report');
  });

  it('project_mismatch: a report naming another project', () => {
    const r = new Reports();
    const { events, ctx } = run([r.create(def)]);
    const stranger = new Reports(PIPELINE_ID, 'evil/corp').wait(100);
    given(events, ctx)
      .when(stranger.job('compile', 'running', { report_id: testId('0b', 999) }))
      .thenRejects(expectCode('project_mismatch'), { expected: 'acme/shop', actual: 'evil/corp' });
  });

  it('unknown_job: neither an attempt id nor a job name of the pipeline', () => {
    const r = new Reports();
    const { events, ctx } = run([r.create(def)]);
    given(events, ctx).when(r.job('deploy', 'running')).thenRejects(expectCode('unknown_job'), { job: 'deploy' });
    given(events, ctx).when(r.job('0a000000-0000-7000-8000-0000000000ff', 'running')).thenRejects('unknown_job');
  });

  it('illegal_transition: a job report its status does not allow', () => {
    const r = new Reports();
    const { events, ctx } = run([r.create(def)]);
    given(events, ctx)
      .when(r.job('tests', 'running'))
      .thenRejects(expectCode('illegal_transition'), { from: 'created', to: 'running' });
  });

  it('pipeline_finished: a job report or a cancel for a finished pipeline', () => {
    const r = new Reports();
    const { events, ctx } = run([r.create(def), ...r.runs('compile'), ...r.runs('tests')]);
    given(events, ctx)
      .when(r.job('tests', 'running'))
      .thenRejects(expectCode('pipeline_finished'), { status: 'success' });
    given(events, ctx).when(r.cancel()).thenRejects('pipeline_finished');
  });

  it('not_retryable and not_playable', () => {
    const r = new Reports();
    const { events, ctx } = run([r.create(def)]);
    given(events, ctx).when(r.retry('compile')).thenRejects(expectCode('not_retryable'), { status: 'pending' });
    given(events, ctx).when(r.play('compile')).thenRejects(expectCode('not_playable'), { status: 'pending' });
  });

  it('not_cancelable, not_scheduled, nothing_due: a job past canceling, a job not delayed, a tick with nothing due', () => {
    const r = new Reports();
    const { events, ctx } = run([r.create(def), ...r.runs('compile')]);
    given(events, ctx).when(r.cancelJob('compile')).thenRejects(expectCode('not_cancelable'), { status: 'success' });
    given(events, ctx).when(r.unschedule('tests')).thenRejects(expectCode('not_scheduled'), { status: 'pending' });
    // tests is pending, due as stuck only after a day
    given(events, ctx).when(r.tick(60)).thenRejects(expectCode('nothing_due'));
  });

  it('observed_pipeline, not_observed, stale_observation: the two modes stay apart; an old observation is dropped', () => {
    const o = new Observations();
    const seen1 = run([o.observe([{ name: 'compile', status: 'success', finished_at: T(2) }])]);
    const r = new Reports();
    given(seen1.events, seen1.ctx).when(r.cancel()).thenRejects(expectCode('observed_pipeline'));
    given(seen1.events, seen1.ctx)
      .when(o.observe([{ name: 'compile', status: 'running', started_at: T(1) }]))
      .thenRejects(expectCode('stale_observation'));
    const decided = run([r.create(def)]);
    given(decided.events, decided.ctx)
      .when(o.observe([{ name: 'compile', status: 'success' }]))
      .thenRejects(expectCode('not_observed'));
  });

  it('covers every rejection code', () => {
    expect([...seen].sort()).to.deep.equal([...REJECTION_CODES].sort());
  });
});
