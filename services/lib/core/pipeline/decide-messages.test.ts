// Every rejection rule of the decider, one row each: its code, the message a user reads (it names the pipeline,
// the job, its attempt and status, what would be allowed) and its machine-readable details.
import { expect } from 'chai';
import type { IntakeEvent, PipelineEvent } from '../events/generated.js';
import { definition, job, PIPELINE_ID, Reports, testContext, testId, type TestContext } from './fixtures.js';
import { decide, type RejectionCode } from './index.js';
import { Observations } from './observed-fixtures.js';
import { given, run } from './spec.js';
import type { PipelineState } from './state.js';

const def = definition(
  ['build', 'test', 'deploy'],
  [job('compile', 'build'), job('tests', 'test'), job('ship', 'deploy', { when: 'manual' })],
);
const OTHER_PIPELINE = '0193a1b2-c3d4-7e5f-8a9b-000000000999';

type History = { events: PipelineEvent[]; ctx?: TestContext };
type Row = {
  rule: string;
  setup: (r: Reports) => History & { report: IntakeEvent };
  code: RejectionCode;
  message: string;
  details: Record<string, unknown>;
};

/** The id of one attempt of a job, as its JobCreated names it. */
const attemptId = (events: readonly PipelineEvent[], name: string, attempt: number): string =>
  events.filter((e) => e.type === 'JobCreated').find((e) => e.name === name && e.attempt === attempt)!.job_id;

/** compile failed and was retried: its attempt 1 is retried, attempt 2 pending. */
const retried = (r: Reports) => {
  const h = run([r.create(def), ...r.runs('compile', 'failed'), r.retry('compile')]);
  return { ...h, first: attemptId(h.events, 'compile', 1), second: attemptId(h.events, 'compile', 2) };
};

const rows: Row[] = [
  {
    rule: 'a report for a pipeline that does not exist',
    setup: (r) => ({ events: [], report: r.job('compile', 'running') }),
    code: 'unknown_pipeline',
    message: `pipeline ${PIPELINE_ID} does not exist`,
    details: { pipeline_id: PIPELINE_ID },
  },
  {
    rule: 'a report id already decided',
    setup: (r) => {
      const create = r.create(def);
      const start = r.job('compile', 'running');
      return { ...run([create, start]), report: { ...start, status: 'success' } };
    },
    code: 'duplicate_report',
    message: `report ${testId('0b', 2)} was already decided`,
    details: { report_id: testId('0b', 2) },
  },
  {
    rule: 'a report naming another pipeline than the state looked up',
    setup: (r) => ({
      ...run([r.create(def)]),
      report: new Reports(OTHER_PIPELINE).wait(100).job('compile', 'running', { report_id: testId('0b', 99) }),
    }),
    code: 'unknown_pipeline',
    message: `pipeline ${OTHER_PIPELINE} does not exist`,
    details: { pipeline_id: OTHER_PIPELINE, state_pipeline_id: PIPELINE_ID },
  },
  {
    rule: 'a report naming another project',
    setup: (r) => ({
      ...run([r.create(def)]),
      report: new Reports(PIPELINE_ID, 'evil/corp')
        .wait(100)
        .job('compile', 'running', { report_id: testId('0b', 99) }),
    }),
    code: 'project_mismatch',
    message: `pipeline ${PIPELINE_ID} belongs to project acme/shop, not evil/corp`,
    details: { expected: 'acme/shop', actual: 'evil/corp' },
  },
  {
    rule: 'a second CreatePipeline',
    setup: (r) => ({ ...run([r.create(def)]), report: r.create(def) }),
    code: 'pipeline_exists',
    message: `pipeline ${PIPELINE_ID} already exists`,
    details: { pipeline_id: PIPELINE_ID },
  },
  {
    rule: 'a job report on a finished pipeline',
    setup: (r) => ({
      ...run([r.create(def), ...r.runs('compile'), ...r.runs('tests'), r.cancelJob('ship')]),
      report: r.job('compile', 'running'),
    }),
    code: 'pipeline_finished',
    message: `pipeline ${PIPELINE_ID} finished (canceled); retry a job to re-open it`,
    details: { job: 'compile', status: 'canceled' },
  },
  {
    rule: 'a job report for a job the pipeline does not have',
    setup: (r) => ({ ...run([r.create(def)]), report: r.job('deploy', 'running') }),
    code: 'unknown_job',
    message: `pipeline ${PIPELINE_ID} has no job "deploy"`,
    details: { job: 'deploy' },
  },
  {
    rule: 'a job report on a retried attempt',
    setup: (r) => {
      const h = retried(r);
      return { ...h, report: r.job(h.first, 'running') };
    },
    code: 'illegal_transition',
    message: 'attempt 1 of job "compile" was retried; report on its latest attempt',
    details: { name: 'compile', attempt: 1, from: 'failed', to: 'running', retried: true },
  },
  {
    rule: 'a job report its status does not allow',
    setup: (r) => ({ ...run([r.create(def)]), report: r.job('tests', 'running') }),
    code: 'illegal_transition',
    message: 'job "tests" cannot go from created to running',
    details: { name: 'tests', attempt: 1, from: 'created', to: 'running' },
  },
  {
    rule: 'a job started by a runner_id that is empty',
    setup: (r) => ({ ...run([r.create(def)]), report: r.job('compile', 'running', { runner_id: '' }) }),
    code: 'illegal_transition',
    message: 'job "compile" cannot start without a runner_id',
    details: { from: 'pending', to: 'running', missing: 'runner_id' },
  },
  {
    rule: 'CancelPipeline with nothing cancelable (blocked on a manual job)',
    setup: (r) => ({ ...run([r.create(def), ...r.runs('compile'), ...r.runs('tests')]), report: r.cancel() }),
    code: 'pipeline_finished',
    message: `pipeline ${PIPELINE_ID} has no cancelable job (manual); nothing to cancel`,
    details: { status: 'manual' },
  },
  {
    rule: 'CancelJob of an unknown job',
    setup: (r) => ({ ...run([r.create(def)]), report: r.cancelJob('nope') }),
    code: 'unknown_job',
    message: `pipeline ${PIPELINE_ID} has no job "nope"`,
    details: { job: 'nope' },
  },
  {
    rule: 'CancelJob of a finished job',
    setup: (r) => ({ ...run([r.create(def), ...r.runs('compile')]), report: r.cancelJob('compile') }),
    code: 'not_cancelable',
    message: 'job "compile" (attempt 1) is success; it cannot be canceled',
    details: { name: 'compile', attempt: 1, status: 'success', retried: false },
  },
  {
    rule: 'CancelJob of a retried attempt',
    setup: (r) => {
      const h = retried(r);
      return { ...h, report: r.cancelJob(h.first) };
    },
    code: 'not_cancelable',
    message: 'job "compile" (attempt 1) is retried; it cannot be canceled',
    details: { attempt: 1, status: 'failed', retried: true },
  },
  {
    rule: 'RetryPipeline with nothing failed or canceled',
    setup: (r) => ({ ...run([r.create(def), r.job('compile', 'running')]), report: r.retryPipeline() }),
    code: 'not_retryable',
    message: `pipeline ${PIPELINE_ID} has no failed or canceled job to retry`,
    details: { status: 'running' },
  },
  {
    rule: 'UnscheduleJob of an unknown job',
    setup: (r) => ({ ...run([r.create(def)]), report: r.unschedule('nope') }),
    code: 'unknown_job',
    message: `pipeline ${PIPELINE_ID} has no job "nope"`,
    details: { job: 'nope' },
  },
  {
    rule: 'UnscheduleJob of a job that is not scheduled',
    setup: (r) => ({ ...run([r.create(def)]), report: r.unschedule('compile') }),
    code: 'not_scheduled',
    message: 'job "compile" (attempt 1) is pending, not scheduled',
    details: { name: 'compile', attempt: 1, status: 'pending', retried: false },
  },
  {
    rule: 'UnscheduleJob of a retried attempt',
    setup: (r) => {
      const h = retried(r);
      return { ...h, report: r.unschedule(h.first) };
    },
    code: 'not_scheduled',
    message: 'job "compile" (attempt 1) is retried, not scheduled',
    details: { status: 'failed', retried: true },
  },
  {
    rule: 'RetryJob of an unknown job',
    setup: (r) => ({ ...run([r.create(def)]), report: r.retry('nope') }),
    code: 'unknown_job',
    message: `pipeline ${PIPELINE_ID} has no job "nope"`,
    details: { job: 'nope' },
  },
  {
    rule: 'RetryJob of an attempt already retried',
    setup: (r) => {
      const h = retried(r);
      return { ...h, report: r.retry(h.first) };
    },
    code: 'not_retryable',
    message: 'attempt 1 of job "compile" was already retried',
    details: { name: 'compile', attempt: 1, status: 'failed', retried: true },
  },
  {
    rule: 'RetryJob of a job that has not finished',
    setup: (r) => ({ ...run([r.create(def)]), report: r.retry('compile') }),
    code: 'not_retryable',
    message: 'job "compile" is pending; only success, failed, canceled jobs can be retried',
    details: { name: 'compile', attempt: 1, status: 'pending' },
  },
  {
    rule: 'PlayJob of an unknown job',
    setup: (r) => ({ ...run([r.create(def)]), report: r.play('nope') }),
    code: 'unknown_job',
    message: `pipeline ${PIPELINE_ID} has no job "nope"`,
    details: { job: 'nope' },
  },
  {
    rule: 'PlayJob of a job that is neither manual nor scheduled',
    setup: (r) => ({ ...run([r.create(def)]), report: r.play('compile') }),
    code: 'not_playable',
    message: 'job "compile" (attempt 1) is pending, not manual or scheduled',
    details: { name: 'compile', attempt: 1, status: 'pending', retried: false },
  },
  {
    rule: 'PlayJob of a retried attempt',
    setup: (r) => {
      const h = retried(r);
      return { ...h, report: r.play(h.first) };
    },
    code: 'not_playable',
    message: 'job "compile" (attempt 1) is retried, not manual or scheduled',
    details: { status: 'failed', retried: true },
  },
  {
    rule: 'a Tick before anything is due',
    setup: (r) => ({ ...run([r.create(def)]), report: r.tick(60) }),
    code: 'nothing_due',
    message: `nothing of pipeline ${PIPELINE_ID} is due at 2026-11-28T12:01:00.000Z`,
    // compile is pending: it is dropped as stuck a day after it became pending (decider clock)
    details: { next_due: '2026-11-29T12:00:00.000Z' },
  },
];

describe('decide: each rejection rule, its code, message and details', () => {
  for (const row of rows) {
    it(`${row.code}: ${row.rule}`, () => {
      const { events, ctx, report } = row.setup(new Reports());
      const rejected = given(events, ctx).when(report).thenRejects(row.code, row.details);
      expect(rejected.message).to.equal(row.message);
    });
  }

  it('invalid_definition: the message counts the errors and lists each with its pointer', () => {
    const bad = definition(['build'], [job('compile', 'build', { needs: ['lint'] }), job('docs', 'publish')]);
    const rejected = given().when(new Reports().create(bad)).thenRejects('invalid_definition');
    expect(rejected.message).to.equal(
      'the pipeline definition has 2 error(s): ' +
        '/definition/jobs/1/stage: job "docs" is in stage "publish", which is not in /definition/stages; ' +
        '/definition/jobs/0/needs/0: job "compile" needs "lint", which is not defined',
    );
  });

  describe('observed_pipeline: its CI owns it, so Verity refuses its commands', () => {
    const observed = () => {
      const o = new Observations();
      return run([o.observe([{ name: 'rspec', status: 'pending' }], { status: 'pending' })]);
    };

    it('names the CI that owns it', () => {
      const { events, ctx } = observed();
      const rejected = given(events, ctx)
        .when(new Reports().wait(3600).cancel({ report_id: testId('0b', 99) }))
        .thenRejects('observed_pipeline', { type: 'CancelPipeline' });
      expect(rejected.message).to.equal(`pipeline ${PIPELINE_ID} is owned by gitlab; Verity only records it`);
    });

    it('says "its CI" for a state that does not say where the pipeline lives (external is optional)', () => {
      const { state } = observed();
      const { external: _external, ...withoutExternal } = state;
      const unknownHome: PipelineState = withoutExternal;
      const report = new Reports().wait(3600).job('rspec', 'running', { report_id: testId('0b', 99) });
      const decision = decide(unknownHome, report, testContext());
      expect(decision).to.deep.include({
        kind: 'rejected',
        code: 'observed_pipeline',
        message: `pipeline ${PIPELINE_ID} is owned by its CI; Verity only records it`,
      });
    });
  });
});
