// The given/when/then harness (spec.ts) itself: it must fail, and say where, when a decision is not what a
// test expects; it must continue the ids of the history it is given; and it must run the installed event
// checks on every event. A harness that cannot fail would let every decider test pass.
import { AssertionError } from 'node:assert';
import { expect } from 'chai';
import type { PipelineEvent } from '../events/generated.js';
import { definition, job, PIPELINE_ID, Reports, testId } from './fixtures.js';
import { addEventCheck, checkedEvents, given, run } from './spec.js';

const def = definition(['build', 'test'], [job('compile', 'build'), job('tests', 'test')]);

/** The AssertionError `fn` throws (the test fails when it throws none). */
function failure(fn: () => unknown): AssertionError {
  try {
    fn();
  } catch (err) {
    expect(err).to.be.instanceOf(AssertionError);
    return err as AssertionError;
  }
  return expect.fail('the harness accepted it');
}

/** An assertion's own message (node appends the diff on the lines after it). */
const headline = (err: AssertionError): string => err.message.split('\n')[0]!;

/** compile running: canceling the pipeline decides JobCanceled (compile, tests), PipelineStatusChanged, PipelineFinished. */
const running = () => {
  const r = new Reports();
  return { r, ...run([r.create(def), r.job('compile', 'running')]) };
};

describe('spec harness: then() compares the events', () => {
  it('fails on other event types, labelling the jobs the expectation names', () => {
    const { r, events, ctx } = running();
    const err = failure(() =>
      given(events, ctx)
        .when(r.cancel())
        .then([{ type: 'JobCanceled', name: 'compile' }, { type: 'JobCanceled' }]),
    );
    expect(headline(err)).to.equal('event types');
    expect(err.actual).to.deep.equal([
      'JobCanceled(compile)',
      'JobCanceled',
      'PipelineStatusChanged',
      'PipelineFinished',
    ]);
    expect(err.expected).to.deep.equal(['JobCanceled(compile)', 'JobCanceled']);
  });

  it('fails on the first field that differs, naming the event and the field', () => {
    const { r, events, ctx } = running();
    const err = failure(() =>
      given(events, ctx)
        .when(r.cancel())
        .then([
          { type: 'JobCanceled', name: 'compile', duration_ms: 10_000 },
          { type: 'JobCanceled', name: 'tests', duration_ms: 0 },
          { type: 'PipelineStatusChanged' },
          { type: 'PipelineFinished' },
        ]),
    );
    expect(headline(err)).to.equal('JobCanceled #1: duration_ms');
    expect([err.actual, err.expected]).to.deep.equal([null, 0]);
  });

  it('fails when the report was rejected, with its code and message', () => {
    const { r, events, ctx } = running();
    const err = failure(() => given(events, ctx).when(r.job('deploy', 'running')).then([]));
    expect(headline(err)).to.equal(
      `expected events, got rejection unknown_job: pipeline ${PIPELINE_ID} has no job "deploy"`,
    );
  });
});

describe('spec harness: thenRejects() compares the rejection', () => {
  it('fails when the report was accepted, listing the events decided', () => {
    const { r, events, ctx } = running();
    const err = failure(() => given(events, ctx).when(r.cancel()).thenRejects('pipeline_finished'));
    expect(headline(err)).to.equal(
      'expected rejection pipeline_finished, got JobCanceled, JobCanceled, PipelineStatusChanged, PipelineFinished',
    );
  });

  it('fails on another code, and on details that differ, naming the detail', () => {
    const { r, events, ctx } = running();
    expect(
      headline(failure(() => given(events, ctx).when(r.cancelJob('nope')).thenRejects('not_cancelable'))),
    ).to.equal(`pipeline ${PIPELINE_ID} has no job "nope"`);
    const err = failure(() => given(events, ctx).when(r.cancelJob('nope')).thenRejects('unknown_job', { job: 'nop' }));
    expect(headline(err)).to.equal('details.job');
  });
});

describe('spec harness: run()', () => {
  it('fails on a rejected report, naming the report, its job and status, and the rejection', () => {
    const r = new Reports();
    expect(headline(failure(() => run([r.create(def), r.job('deploy', 'running')])))).to.equal(
      `ReportJob deploy running rejected: unknown_job: pipeline ${PIPELINE_ID} has no job "deploy"`,
    );
    const done = run([r.create(def), ...r.runs('compile'), ...r.runs('tests')]);
    expect(headline(failure(() => run([r.cancel()], done.events, done.ctx)))).to.equal(
      `CancelPipeline   rejected: pipeline_finished: pipeline ${PIPELINE_ID} has no cancelable job (success); nothing to cancel`,
    );
  });

  it('fails on a history with a gap in its seq', () => {
    const r = new Reports();
    const { events } = run([r.create(def), r.job('compile', 'running')]);
    const gapped = events.filter((e) => e.seq !== 5); // PipelineStatusChanged created → pending
    expect(headline(failure(() => run([r.job('compile', 'success')], gapped)))).to.equal('seq is 1..n without gaps');
  });

  it('fails on a state that does not survive its JSON snapshot', () => {
    const r = new Reports();
    const { events } = run([r.create(def)]);
    const [created, ...rest] = events as [PipelineEvent & { type: 'PipelineCreated' }, ...PipelineEvent[]];
    const unserialisable = {
      ...created,
      definition: { ...created.definition, jobs: created.definition.jobs.map((j) => ({ ...j, timeout_s: undefined })) },
    };
    expect(headline(failure(() => run([r.job('compile', 'running')], [unserialisable, ...rest])))).to.equal(
      'the state is JSON-serialisable',
    );
  });
});

describe('spec harness: ids continue after the history given', () => {
  it('without a context, new event ids follow the events and new job ids the JobCreated events', () => {
    const r = new Reports();
    const { events } = run([r.create(def), ...r.runs('compile', 'failed')]);
    const created = events.filter((e) => e.type === 'JobCreated').length;
    expect([events.length, created]).to.deep.equal([11, 2]);
    const [retried, attempt2] = given(events)
      .when(r.retry('compile'))
      .then([
        { type: 'JobRetried', name: 'compile', new_job_id: testId('0a', 3) },
        { type: 'JobCreated', name: 'compile', attempt: 2, job_id: testId('0a', 3) },
        { type: 'JobReopened', name: 'tests' },
        { type: 'JobEnqueued', name: 'compile', attempt: 2 },
        { type: 'PipelineStatusChanged', from: 'failed', to: 'pending' },
      ]);
    expect([retried!.event_id, attempt2!.event_id]).to.deep.equal([testId('0e', 12), testId('0e', 13)]);
  });
});

describe('spec harness: installed event checks', () => {
  const seen: PipelineEvent[] = [];
  let recording = false;
  before(() => addEventCheck((e) => void (recording && seen.push(e))));

  it('run every installed check on every event decided, and count the events checked', () => {
    const r = new Reports();
    const before = checkedEvents();
    recording = true;
    const { events } = run([r.create(def), r.job('compile', 'running')]);
    recording = false;
    expect(seen).to.deep.equal(events);
    expect(checkedEvents() - before).to.equal(events.length);
  });
});
