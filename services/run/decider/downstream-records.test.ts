import { expect } from 'chai';
import { definition, job, Reports, testId } from '../../lib/core/pipeline/fixtures.js';
import { run } from '../../lib/core/pipeline/spec.js';
import { downstreamRecords } from './downstream-records.js';

const child = definition(['test'], [job('child-test', 'test')]);
const ids = () => {
  let n = 0;
  return () => testId('0f', ++n);
};

describe('downstream records: what a decision sends to other pipelines (trigger jobs)', () => {
  it('a triggered child pipeline is created in the same project, on the same ref and sha, knowing its parent', () => {
    const r = new Reports();
    const def = definition(['down'], [job('bridge', 'down', { trigger: { definition: child, strategy: 'depend' } })]);
    const { events, state } = run([r.create(def)]);
    const triggered = events.find((e) => e.type === 'DownstreamPipelineTriggered')!;
    const [record, ...rest] = downstreamRecords(events, () => state, ids());
    expect(rest).to.have.length(0);
    expect(record).to.deep.include({
      type: 'CreatePipeline',
      pipeline_id: triggered.type === 'DownstreamPipelineTriggered' && triggered.downstream_pipeline_id,
      project_id: state.project_id,
      ref: state.ref,
      sha: state.sha,
      source: 'parent_pipeline',
      definition: child,
      parent: { pipeline_id: state.pipeline_id, project_id: state.project_id, job_id: state.latest.bridge },
      correlation_id: triggered.correlation_id,
      producer: 'decider',
    });
  });

  it('a multi-project trigger creates the pipeline in the other project, on trigger.branch', () => {
    const r = new Reports();
    const def = definition(
      ['down'],
      [job('bridge', 'down', { trigger: { definition: child, project: 'acme/deploy', branch: 'stable' } })],
    );
    const { events, state } = run([r.create(def)]);
    const [record] = downstreamRecords(events, () => state, ids());
    expect(record).to.deep.include({ project_id: 'acme/deploy', ref: 'stable', source: 'pipeline' });
  });

  it("a downstream pipeline finishing tells its parent's trigger job; a pipeline without parent tells nobody", () => {
    const parent = { pipeline_id: testId('0d', 1), project_id: 'acme/shop', job_id: testId('0a', 7) };
    const r = new Reports();
    const { events, state } = run([
      r.create(child, { source: 'parent_pipeline', parent }),
      ...r.runs('child-test', 'failed'),
    ]);
    expect(downstreamRecords(events, () => state, ids())).to.deep.equal([
      {
        type: 'DownstreamStatus',
        report_id: testId('0f', 1),
        occurred_at: events.at(-1)!.occurred_at,
        received_at: events.at(-1)!.recorded_at,
        idempotency_key: null,
        producer: 'decider',
        correlation_id: events.at(-1)!.correlation_id,
        pipeline_id: parent.pipeline_id,
        project_id: parent.project_id,
        job: parent.job_id,
        downstream_pipeline_id: state.pipeline_id,
        status: 'failed',
        finished: true,
      },
    ]);
    const orphan = run([r.create(child, { pipeline_id: testId('0d', 3) })]);
    expect(downstreamRecords(orphan.events, () => orphan.state, ids())).to.deep.equal([]);
  });
});

describe('downstream records: a trigger job canceled cancels its child pipeline', () => {
  it('a child pipeline (same project) is canceled with its trigger job; a multi-project one is not', () => {
    for (const [project, cascades] of [
      [undefined, true],
      ['acme/deploy', false],
    ] as const) {
      const r = new Reports();
      const trigger = { definition: child, strategy: 'depend' as const, ...(project ? { project } : {}) };
      const def = definition(['down'], [job('bridge', 'down', { trigger })]);
      const { events, state } = run([r.create(def), r.cancel()]);
      const bridge = state.jobs[state.latest.bridge!]!;
      const canceling = events.slice(events.findIndex((e) => e.type === 'JobCanceled'));
      const records = downstreamRecords(canceling, () => state, ids());
      expect(records, `${project ?? 'child'}`).to.deep.equal(
        cascades
          ? [
              {
                type: 'CancelPipeline',
                report_id: testId('0f', 1),
                occurred_at: canceling[0]!.occurred_at,
                received_at: canceling[0]!.recorded_at,
                idempotency_key: null,
                producer: 'decider',
                correlation_id: canceling[0]!.correlation_id,
                pipeline_id: bridge.downstream_pipeline_id,
                project_id: state.project_id,
              },
            ]
          : [],
      );
    }
  });
});
