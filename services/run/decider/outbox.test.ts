// The coordination outbox: decided events and the pipeline's state → the ci.coordination.v1 records the
// decider writes in the same transaction (docs/ARCHITECTURE.md, "Coordinator: decisions across pipelines").
import { expect } from 'chai';
import type { CoordinationEvent, IntakeEvent, PipelineEvent } from '../../lib/core/events/generated.js';
import type { Definition } from '../../lib/core/pipeline/definition.js';
import { definition, job, NOW, Reports, testId } from '../../lib/core/pipeline/fixtures.js';
import { run } from '../../lib/core/pipeline/spec.js';
import type { PipelineState } from '../../lib/core/pipeline/state.js';
import { createAjv } from '../../lib/platform/schemas/ajv.js';
import { loadCatalog } from '../../lib/platform/schemas/catalog.js';
import { coordinationRecords } from './outbox.js';

const def = {
  ...definition(
    ['build', 'deploy'],
    [job('compile', 'build'), job('ship', 'deploy', { resource_group: 'production' })],
  ),
  resource_groups: { production: { process_mode: 'oldest_first' } },
} as Definition;

const validate = (() => {
  const ajv = createAjv();
  const byType = new Map(
    loadCatalog()
      .filter((e) => e.topic === 'ci.coordination.v1')
      .map((e) => [e.type, ajv.compile(e.schema)]),
  );
  return (r: CoordinationEvent) => {
    const v = byType.get(r.type)!;
    expect(v(r), `${r.type}: ${JSON.stringify(v.errors)}`).to.equal(true);
  };
})();

/** The records of the decision(s) on `reports`, after `history` was decided: what one batch writes. */
function outbox(history: IntakeEvent[], reports: IntakeEvent[]) {
  const before = history.length > 0 ? run(history) : undefined;
  const after = run(reports, before?.events ?? [], before?.ctx);
  const events: PipelineEvent[] = after.events.slice(before?.events.length ?? 0);
  let n = 0;
  const records = coordinationRecords(
    events,
    () => before?.state,
    () => after.state,
    () => testId('0f', ++n),
    NOW,
  );
  for (const { record } of records) validate(record);
  return { records: records.map((r) => r.record), causes: records.map((r) => r.cause), events, state: after.state };
}

const brief = (r: CoordinationEvent) => `${r.type} ${r.key}`;

describe('decider outbox: coordination records of a decision', () => {
  it('a CI pipeline created opens on its ref, with its sha and creation time', () => {
    const r = new Reports();
    const { records, causes, events, state } = outbox([], [r.create(def)]);
    expect(records).to.deep.equal([
      {
        type: 'RefPipelineOpened',
        record_id: testId('0f', 1),
        key: 'ref/acme%2Fshop/main',
        project_id: state.project_id,
        pipeline_id: state.pipeline_id,
        recorded_at: NOW,
        correlation_id: events[0]!.correlation_id,
        ref: 'main',
        sha: state.sha,
        created_at: state.created_at,
        reopened: false,
      },
    ]);
    expect(causes[0]).to.equal(events[0]);
  });

  it('a child pipeline (source parent_pipeline) never opens on the ref', () => {
    const r = new Reports();
    expect(outbox([], [r.create(def, { source: 'parent_pipeline' })]).records).to.deep.equal([]);
  });

  it('a child pipeline finishing closes nothing either', () => {
    const r = new Reports();
    const parent = { pipeline_id: testId('0d', 1), project_id: 'acme/shop', job_id: testId('0d', 2) };
    const plain = definition(['test'], [job('unit', 'test')]);
    const { records, events } = outbox([r.create(plain, { source: 'parent_pipeline', parent })], r.runs('unit'));
    expect(events.at(-1)?.type).to.equal('PipelineFinished');
    expect(records).to.deep.equal([]);
  });

  it('a job waiting for its resource asks the coordinator for it, with the pipeline creation time', () => {
    const r = new Reports();
    const { records, events, state } = outbox(
      [r.create(def), r.job('compile', 'running')],
      [r.job('compile', 'success')],
    );
    const waiting = events.find((e) => e.type === 'JobWaitingForResource')!;
    expect(records).to.deep.equal([
      {
        type: 'ResourceRequested',
        record_id: testId('0f', 1),
        key: 'resource/acme%2Fshop/production',
        project_id: state.project_id,
        pipeline_id: state.pipeline_id,
        recorded_at: NOW,
        correlation_id: waiting.correlation_id,
        resource_group: 'production',
        process_mode: 'oldest_first',
        pipeline_created_at: state.created_at,
        job_id: state.latest.ship,
        job_name: 'ship',
        requested_at: waiting.occurred_at,
      },
    ]);
  });

  it('one batch from create to the request: the creation time comes from the state after it', () => {
    const r = new Reports();
    const { records, state } = outbox([], [r.create(def), ...r.runs('compile')]);
    expect(records.map(brief)).to.deep.equal([
      'RefPipelineOpened ref/acme%2Fshop/main',
      'ResourceRequested resource/acme%2Fshop/production',
    ]);
    expect(records[1]).to.include({ pipeline_created_at: state.created_at });
  });

  it('the assignment itself writes nothing; the job finishing releases the resource and the pipeline closes', () => {
    const r = new Reports();
    const history = [r.create(def), ...r.runs('compile')];
    const ship = run(history).state.latest.ship!;
    expect(outbox(history, [r.assign(ship)]).records).to.deep.equal([]);
    const { records } = outbox([...history, r.assign(ship)], r.runs('ship'));
    expect(records.map(brief)).to.deep.equal([
      'ResourceReleased resource/acme%2Fshop/production',
      'RefPipelineClosed ref/acme%2Fshop/main',
    ]);
    expect(records[0]).to.include({ job_id: ship, resource_group: 'production' });
  });

  for (const [name, final] of [
    ['fails', 'failed'],
    ['is canceled', 'canceled'],
  ] as const) {
    it(`a job of the group that ${name} releases the resource`, () => {
      const r = new Reports();
      const history = [r.create(def), ...r.runs('compile')];
      const ship = run(history).state.latest.ship!;
      const { records } = outbox([...history, r.assign(ship), r.job('ship', 'running')], [r.job('ship', final)]);
      expect(records.map((x) => x.type)).to.deep.equal(['ResourceReleased', 'RefPipelineClosed']);
    });
  }

  it('a job canceled while waiting for its resource leaves the queue the same way', () => {
    const r = new Reports();
    const { records } = outbox([r.create(def), ...r.runs('compile')], [r.cancel()]);
    expect(records.map(brief)).to.deep.equal([
      'ResourceReleased resource/acme%2Fshop/production',
      'RefPipelineClosed ref/acme%2Fshop/main',
    ]);
  });

  it('a job of the group skipped (it never asked) is released too: a no-op for the coordinator', () => {
    const r = new Reports();
    const { records, events } = outbox([r.create(def), r.job('compile', 'running')], [r.job('compile', 'failed')]);
    expect(events.some((e) => e.type === 'JobSkipped' && e.name === 'ship')).to.equal(true);
    expect(records.map((x) => x.type)).to.deep.equal(['ResourceReleased', 'RefPipelineClosed']);
  });

  it('jobs without a resource_group release nothing', () => {
    const r = new Reports();
    expect(
      outbox([r.create(def), r.job('compile', 'running')], [r.job('compile', 'success')]).records.map((x) => x.type),
    ).to.deep.equal(['ResourceRequested']);
  });

  it('a retry re-opens a finished pipeline on its ref once, without making older pipelines redundant', () => {
    const r = new Reports();
    const plain = definition(['test'], [job('unit', 'test')]);
    const history = [r.create(plain), ...r.runs('unit', 'failed')];
    const before: PipelineState = run(history).state;
    expect(before.finished).to.equal(true);
    const { records, state } = outbox(history, [r.retry('unit')]);
    expect(records).to.have.length(1);
    expect(records[0]).to.deep.include({
      type: 'RefPipelineOpened',
      key: 'ref/acme%2Fshop/main',
      sha: state.sha,
      created_at: state.created_at,
      reopened: true,
    });
    expect(outbox([...history, r.retry('unit')], r.runs('unit')).records.map((x) => x.type)).to.deep.equal([
      'RefPipelineClosed',
    ]);
  });
});
