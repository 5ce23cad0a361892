import { expect } from 'chai';
import type { PipelineEvent } from '../events/generated.js';
import { definition, job, Reports } from './fixtures.js';
import { evolve, evolveAll, type PipelineState } from './index.js';
import { fold, run } from './spec.js';

function deepFreeze<T>(value: T): T {
  if (value && typeof value === 'object') {
    for (const v of Object.values(value)) deepFreeze(v);
    Object.freeze(value);
  }
  return value;
}

function scenario() {
  const r = new Reports();
  const def = definition(
    ['build', 'test'],
    [job('compile', 'build'), job('tests', 'test', { when: 'on_failure' }), job('gate', 'test', { when: 'manual' })],
  );
  return run([
    r.create(def),
    r.job('compile', 'running'),
    r.job('compile', 'failed'),
    ...r.runs('tests'),
    r.retry('compile'),
    ...r.runs('compile'),
  ]);
}

describe('evolve', () => {
  it('folds every job event into the job, with producer-clock timestamps', () => {
    const { state, events } = scenario();
    const [first, second] = Object.values(state.jobs).filter((j) => j.name === 'compile');
    const at = (type: string, attempt: number, name = 'compile') =>
      events.find((e) => e.type === type && 'name' in e && e.name === name && e.attempt === attempt)!.occurred_at;
    expect(first).to.deep.include({
      attempt: 1,
      status: 'failed',
      retried: true,
      enqueued_at: at('JobEnqueued', 1),
      started_at: at('JobStarted', 1),
      finished_at: at('JobFailed', 1),
    });
    expect(second).to.deep.include({
      attempt: 2,
      status: 'success',
      retried: false,
      needs: null,
      started_at: at('JobStarted', 2),
      finished_at: at('JobSucceeded', 2),
    });
    expect(state.latest.compile).to.equal(second!.job_id);
    expect(state.jobs[state.latest.tests!]!).to.deep.include({
      status: 'success',
      finished_at: at('JobSucceeded', 1, 'tests'),
    });
    // gate: skipped after the failure, reopened by the retry (timestamps cleared), then manual
    expect(events.filter((e) => 'name' in e && e.name === 'gate').map((e) => e.type)).to.deep.equal([
      'JobCreated',
      'JobSkipped',
      'JobReopened',
      'JobManualActionRequired',
    ]);
    expect(state.jobs[state.latest.gate!]!).to.deep.include({
      status: 'manual',
      enqueued_at: null,
      started_at: null,
      finished_at: null,
    });
    expect(state).to.include({
      status: 'manual',
      finished: false,
      seq: events.length,
      created_at: events[0]!.occurred_at,
    });
  });

  it('never mutates the state it is given', () => {
    const { events } = scenario();
    let state: PipelineState | null = null;
    for (const event of events) state = deepFreeze(evolve(state, event));
    expect(state!.seq).to.equal(events.length);
  });

  it('ignores an event already folded in (seq ≤ state.seq): replaying a stream is idempotent', () => {
    const { events, state } = scenario();
    expect(fold(events, state)).to.equal(state);
    expect(fold([...events.slice(0, 5), ...events.slice(0, 5), ...events.slice(5)])).to.deep.equal(state);
  });

  it('is total: an event for a job it does not know only advances seq', () => {
    const { events, state } = scenario();
    const stray = {
      ...events.find((e) => e.type === 'JobEnqueued')!,
      seq: state.seq + 1,
      job_id: '0a000000-0000-7000-8000-0000000000ff',
    } as PipelineEvent;
    const next = evolve(state, stray);
    expect(next.jobs).to.deep.equal(state.jobs);
    expect(next.seq).to.equal(state.seq + 1);
  });

  it('refuses a job event before PipelineCreated (no state to fold into)', () => {
    const { events } = scenario();
    expect(() => evolve(null, events[1]!)).to.throw(/before PipelineCreated/);
  });

  it('remembers the report id of every accepted decision, once', () => {
    const { events, state } = scenario();
    expect(state.recent_reports).to.deep.equal([...new Set(events.map((e) => e.causation_id))]);
  });

  it('evolveAll folds a batch with one copy and gives what evolve one by one gives', () => {
    const { events, state } = scenario();
    const half = fold(events.slice(0, 9))!;
    const frozen = deepFreeze(structuredClone(half));
    expect(evolveAll(frozen, events.slice(9))).to.deep.equal(state);
    expect(evolveAll(null, events)).to.deep.equal(state);
  });

  it('keeps job names that are also Object.prototype keys as plain data', () => {
    const r = new Reports();
    const def = definition(
      ['build'],
      [job('__proto__', 'build'), job('constructor', 'build', { needs: ['__proto__'] })],
    );
    const { state } = run([r.create(def), ...r.runs('__proto__'), ...r.runs('constructor')]);
    expect(Object.keys(state.latest)).to.deep.equal(['__proto__', 'constructor']);
    expect(JSON.parse(JSON.stringify(state))).to.deep.equal(state);
    expect(state).to.include({ status: 'success', finished: true });
  });
});
