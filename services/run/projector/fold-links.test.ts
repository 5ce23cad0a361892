// The fold of what links pipelines and jobs across pipelines (issue 13): a downstream pipeline's parent
// (PipelineCreated.parent), a trigger job's downstream pipeline (DownstreamPipelineTriggered), a job's resource
// group (the definition's, JobWaitingForResource's) with when it began waiting, and who auto-canceled a job
// (JobCanceled.auto_canceled_by).
import { expect } from 'chai';
import { exampleEvents } from '../../lib/core/events/examples.js';
import type { PipelineCreated, PipelineEvent } from '../../lib/core/events/generated.js';
import type { JobRow } from '../../lib/readmodel/rows.js';
import { foldEvents, type Rows } from './fold.js';

const PIPELINE = '0193a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b';
const JOB = '0193a1b2-c3d4-7e5f-8a9b-1c1d2e3f4a5b';
const PARENT = '0193a1b2-c3d4-7e5f-8a9b-9c1d2e3f4a01';
const PARENT_JOB = '0193a1b2-c3d4-7e5f-8a9b-9c1d2e3f4a02';
const CHILD = '0193a1b2-c3d4-7e5f-8a9b-9c1d2e3f4a03';
const NEWER = '0193a1b2-c3d4-7e5f-8a9b-9c1d2e3f4a04';

const at = (seq: number) => `2026-11-28T10:${String(seq).padStart(2, '0')}:00.000Z`;

/** The example event of `type`, as the `seq`-th event of the pipeline, at minute `seq`. */
function ev<T extends PipelineEvent['type']>(
  type: T,
  seq: number,
  patch: Partial<Extract<PipelineEvent, { type: T }>> = {},
): PipelineEvent {
  const e = exampleEvents.find((x) => x.type === type);
  if (!e) throw new Error(`no example ${type}`);
  return { ...e, seq, occurred_at: at(seq), recorded_at: at(seq), ...patch } as PipelineEvent;
}
const empty = (): Rows => ({ pipelines: new Map(), jobs: new Map() });
const example = exampleEvents.find((e): e is PipelineCreated => e.type === 'PipelineCreated')!;
/** The example pipeline, its job "rspec 1/4" given `job` in the definition. */
const createdWith = (job: Record<string, unknown> = {}, patch: Partial<PipelineCreated> = {}) => [
  ev('PipelineCreated', 1, {
    definition: {
      ...example.definition,
      jobs: example.definition.jobs.map((j) => (j.name === 'rspec 1/4' ? { ...j, ...job } : j)),
    },
    ...patch,
  }),
  ev('JobCreated', 2),
];
function fold(events: PipelineEvent[], opts: Parameters<typeof foldEvents>[2] = {}) {
  const r = foldEvents(empty(), events, opts);
  expect(r.gap, 'no gap').to.equal(undefined);
  expect(r.applied).to.equal(events.length);
  return r;
}
const jobAfter = (events: PipelineEvent[]): JobRow => fold(events).jobs.get(JOB)!;

describe('projector fold: trigger links, resource groups, auto-cancel', () => {
  it('a pipeline without a parent and a job without a group, trigger or canceler have none', () => {
    const r = fold(createdWith());
    expect(r.pipelines.get(PIPELINE)).to.deep.include({ parentPipelineId: null, parentJobId: null });
    expect(r.jobs.get(JOB)).to.deep.include({
      downstreamPipelineId: null,
      resourceGroup: null,
      waitingForResourceAt: null,
      autoCanceledBy: null,
    });
  });

  it('PipelineCreated.parent: a downstream pipeline is linked to the pipeline and trigger job that created it', () => {
    const r = fold(
      createdWith(
        {},
        {
          source: 'parent_pipeline',
          parent: { pipeline_id: PARENT, project_id: 'gitlab-org/gitlab', job_id: PARENT_JOB },
        },
      ),
    );
    expect(r.pipelines.get(PIPELINE)).to.deep.include({
      source: 'parent_pipeline',
      parentPipelineId: PARENT,
      parentJobId: PARENT_JOB,
    });
  });

  it('DownstreamPipelineTriggered: the trigger job runs with its downstream pipeline; it keeps the link when it finishes', () => {
    const trigger = {
      trigger: { strategy: 'depend', definition: { stages: ['test'], jobs: example.definition.jobs } },
    };
    const triggered = [
      ...createdWith(trigger),
      ev('DownstreamPipelineTriggered', 3, { downstream_pipeline_id: CHILD }),
    ];
    expect(jobAfter(triggered)).to.deep.include({
      status: 'running',
      downstreamPipelineId: CHILD,
      queuedAt: at(3),
      startedAt: at(3),
      // No runner: no queue time in the project's statistics.
      queuedMs: null,
      runnerId: null,
      lastSeq: 3,
    });
    const mirrored = jobAfter([...triggered, ev('JobSucceeded', 4, { duration_ms: 60_000 })]);
    expect(mirrored).to.deep.include({ status: 'success', downstreamPipelineId: CHILD, durationMs: 60_000 });
    // strategy none: succeeded at once, in the same batch.
    const none = jobAfter([
      ...createdWith(trigger),
      ev('DownstreamPipelineTriggered', 3, { downstream_pipeline_id: CHILD, strategy: 'none' }),
      ev('JobSucceeded', 4, { duration_ms: 0 }),
    ]);
    expect(none).to.deep.include({ status: 'success', downstreamPipelineId: CHILD });
  });

  it('JobCreated: a job of a resource group has it from its definition', () => {
    expect(jobAfter(createdWith({ resource_group: 'production' }))).to.deep.include({
      status: 'created',
      resourceGroup: 'production',
      waitingForResourceAt: null,
    });
  });

  it('JobWaitingForResource: the job waits in its group since then; enqueued (AssignResource) it keeps both', () => {
    const waiting = [
      ...createdWith({ resource_group: 'production' }),
      ev('JobWaitingForResource', 3, { resource_group: 'production' }),
    ];
    expect(jobAfter(waiting)).to.deep.include({
      status: 'waiting_for_resource',
      resourceGroup: 'production',
      waitingForResourceAt: at(3),
    });
    const holding = jobAfter([...waiting, ev('JobEnqueued', 4), ev('JobStarted', 5)]);
    expect(holding).to.deep.include({
      status: 'running',
      resourceGroup: 'production',
      waitingForResourceAt: at(3),
      queuedAt: at(4),
    });
  });

  it('JobWaitingForResource names the group even when the row did not know it (a definition without it, a placeholder)', () => {
    expect(jobAfter([...createdWith(), ev('JobWaitingForResource', 3, { resource_group: 'staging' })])).to.deep.include(
      { resourceGroup: 'staging', waitingForResourceAt: at(3) },
    );
    // A replay that starts mid-stream: the job's row is a placeholder.
    const r = fold([ev('JobWaitingForResource', 17, { resource_group: 'production' })], { startMidStream: true });
    expect(r.jobs.get(JOB)).to.deep.include({
      status: 'waiting_for_resource',
      resourceGroup: 'production',
      waitingForResourceAt: at(17),
    });
  });

  it('JobCanceled.auto_canceled_by: a job canceled as redundant names the pipeline that made it so', () => {
    const pending = [...createdWith({ interruptible: true }), ev('JobEnqueued', 3)];
    expect(jobAfter([...pending, ev('JobCanceled', 4, { auto_canceled_by: NEWER })])).to.deep.include({
      status: 'canceled',
      autoCanceledBy: NEWER,
      finishedAt: at(4),
    });
    // on_job_failure: all cancels the rest of the pipeline itself.
    expect(jobAfter([...pending, ev('JobCanceled', 4, { auto_canceled_by: PIPELINE })])).to.deep.include({
      autoCanceledBy: PIPELINE,
    });
    // A cancel by someone: nobody auto-canceled it.
    expect(jobAfter([...pending, ev('JobCanceled', 4)])).to.deep.include({ status: 'canceled', autoCanceledBy: null });
  });
});
