// evolve event by event: the state a pipeline starts in, events already folded, the latest attempt of a name,
// and what an observed pipeline learns from its CI (stages, jobs, job times).
import { expect } from 'chai';
import type { PipelineEvent } from '../events/generated.js';
import { definition, job, Reports } from './fixtures.js';
import { evolve, evolveAll, type PipelineState } from './index.js';
import { fiveDeliveries, Observations, T } from './observed-fixtures.js';
import { fold, run } from './spec.js';
import { stageIndex } from './state.js';

const def = definition(['build', 'test'], [job('compile', 'build'), job('tests', 'test')]);

/** `event` again as the next event of `state` (seq state.seq + 1), with `change`. */
function nextOf<E extends PipelineEvent>(state: PipelineState, event: E, change: Partial<E>): PipelineEvent {
  return { ...event, seq: state.seq + 1, ...change };
}

const lastOf = <T extends PipelineEvent['type']>(events: readonly PipelineEvent[], type: T, name: string) =>
  events.findLast((e) => e.type === type && 'name' in e && e.name === name) as Extract<PipelineEvent, { type: T }>;

describe('evolve: the state a pipeline starts in', () => {
  it('PipelineCreated: created, no warnings, not finished, no jobs yet, its report remembered', () => {
    const r = new Reports();
    const create = r.create(def);
    const [created] = run([create]).events;
    expect(evolve(null, created!)).to.deep.include({
      seq: 1,
      status: 'created',
      warnings: false,
      finished: false,
      jobs: {},
      latest: {},
      recent_reports: [create.report_id],
    });
  });
});

describe('evolve: an event at or below the state seq is already folded', () => {
  const rows: [string, (state: PipelineState) => number][] = [
    ['at the state seq', (state) => state.seq],
    ['below it', () => 2],
  ];
  for (const [where, seq] of rows) {
    it(`evolveAll ignores an event ${where}, whatever it says`, () => {
      const r = new Reports();
      const { state, events } = run([r.create(def), r.job('compile', 'running')]);
      const started = lastOf(events, 'JobStarted', 'compile');
      const late = { ...started, type: 'JobSucceeded', duration_ms: 1, seq: seq(state) } as PipelineEvent;
      expect(evolveAll(state, [late])).to.deep.equal(state);
    });
  }
});

describe('evolve: the latest attempt of a name', () => {
  it('a decided retry: JobRetried marks the attempt retried, its JobCreated makes the new one the latest', () => {
    const r = new Reports();
    const failed = run([r.create(def), ...r.runs('compile', 'failed')]);
    const retry = run([r.retry('compile')], failed.events, failed.ctx).events.slice(failed.events.length);
    const [retriedEvent, createdEvent] = retry as [PipelineEvent, PipelineEvent];
    expect([retriedEvent.type, createdEvent.type]).to.deep.equal(['JobRetried', 'JobCreated']);
    const first = failed.state.latest.compile!;

    const afterRetried = evolve(failed.state, retriedEvent);
    expect(afterRetried.latest.compile).to.equal(first);
    expect(afterRetried.jobs[first]).to.include({ retried: true, status: 'failed' });

    const afterCreated = evolve(afterRetried, createdEvent);
    expect(afterCreated.latest.compile).to.equal((createdEvent as { job_id: string }).job_id);
  });

  it('an observed job: an older attempt found after a newer one does not become the latest', () => {
    const o = new Observations();
    const rspec = { name: 'rspec', stage: 'test' } as const;
    const seen = run([o.observe([{ ...rspec, attempt: 2, status: 'running', started_at: T(7) }])]);
    const second = seen.state.latest.rspec!;
    const late = run(
      [o.observe([{ ...rspec, attempt: 1, status: 'failed', started_at: T(4), finished_at: T(6) }])],
      seen.events,
      seen.ctx,
    );
    const discovered = late.events.slice(seen.events.length);
    expect(discovered.map((e) => e.type).slice(0, 2)).to.deep.equal(['JobCreated', 'JobRetried']);
    // JobCreated alone: the older attempt joins the jobs, the name keeps its latest attempt
    const created = evolve(seen.state, discovered[0]!);
    expect(created.latest.rspec).to.equal(second);
    expect(Object.keys(created.jobs)).to.have.length(2);
    expect(late.state.latest.rspec).to.equal(second);
  });
});

describe('evolve: an observed pipeline learns its stages and jobs', () => {
  it('a job of a stage not known yet adds the stage, in the order the jobs are discovered', () => {
    const o = new Observations();
    const { state } = run([
      o.observe([{ name: 'rspec', stage: 'test', status: 'pending' }]),
      o.observe([
        { name: 'compile', stage: 'build', status: 'success', finished_at: T(2) },
        { name: 'ship', stage: 'deploy', status: 'created' },
      ]),
    ]);
    expect(state.definition.stages).to.deep.equal(['test', 'build', 'deploy']);
    expect(state.definition.jobs.map((j) => `${j.stage}/${j.name}`)).to.deep.equal([
      'test/rspec',
      'build/compile',
      'deploy/ship',
    ]);
  });

  it('two attempts of a job are one job of the definition', () => {
    const { state } = run(fiveDeliveries(new Observations()));
    expect(state.definition.jobs.map((j) => j.name)).to.deep.equal(['build', 'rspec']);
    expect(Object.values(state.jobs).map((j) => `${j.name}#${j.attempt}`)).to.have.members([
      'build#1',
      'rspec#1',
      'rspec#2',
    ]);
  });

  const stageRows: [string, string[] | null, string[], string[]][] = [
    ['the CI order replaces the discovery order', null, ['build', 'test'], ['build', 'test', 'deploy']],
    [
      'a stage the CI lists between two known ones',
      ['build', 'deploy'],
      ['build', 'test', 'deploy'],
      ['build', 'test', 'deploy'],
    ],
    ['a prefix of the known stages changes nothing', ['build', 'deploy'], ['build'], ['build', 'deploy']],
  ];
  for (const [rule, first, reported, expected] of stageRows) {
    it(`the stages its CI reports: ${rule}`, () => {
      const o = new Observations();
      const discovery =
        first === null
          ? o.observe([
              { name: 'rspec', stage: 'test', status: 'pending' },
              { name: 'compile', stage: 'build', status: 'pending' },
              { name: 'ship', stage: 'deploy', status: 'created' },
            ])
          : o.observe([{ name: 'compile', stage: 'build', status: 'pending' }], { stages: first });
      const h = run([discovery]);
      const observed = PipelineObserved(h.state, { ...lastOf(h.events, 'JobObserved', 'compile') }, reported);
      expect(evolve(h.state, observed).definition.stages).to.deep.equal(expected);
    });
  }
});

/** A PipelineObserved that reports `stages` (the envelope taken from `like`). */
function PipelineObserved(state: PipelineState, like: PipelineEvent, stages: string[]): PipelineEvent {
  return {
    event_id: like.event_id,
    occurred_at: like.occurred_at,
    recorded_at: like.recorded_at,
    pipeline_id: like.pipeline_id,
    project_id: like.project_id,
    causation_id: like.causation_id,
    correlation_id: like.correlation_id,
    seq: state.seq + 1,
    type: 'PipelineObserved',
    name: null,
    attempt: null,
    status: 'running',
    stages,
    user: null,
    finished_at: null,
    created_at: null,
  };
}

describe('evolve: JobObserved times', () => {
  const finished = () => {
    const { state, events } = run(fiveDeliveries(new Observations()));
    return { state, observed: lastOf(events, 'JobObserved', 'build') };
  };

  it('a JobObserved with times sets them', () => {
    const { state, observed } = finished();
    const build = state.latest.build!;
    expect(state.jobs[build]).to.include({ started_at: T(1), finished_at: T(3) });
    const next = evolve(state, nextOf(state, observed, { started_at: T(2), finished_at: T(4) }));
    expect(next.jobs[build]).to.include({ started_at: T(2), finished_at: T(4) });
  });

  it('a JobObserved without times (null) keeps the times the job has', () => {
    const { state, observed } = finished();
    const build = state.latest.build!;
    const next = evolve(state, nextOf(state, observed, { started_at: null, finished_at: null }));
    expect(next.jobs[build]).to.include({ started_at: T(1), finished_at: T(3) });
  });
});

describe('stageIndex', () => {
  it('is the position of a stage in the definition, -1 for a stage it does not list', () => {
    const state = fold(run([new Reports().create(def)]).events)!;
    expect(['build', 'test', 'deploy'].map((s) => stageIndex(state, s))).to.deep.equal([0, 1, -1]);
  });
});
