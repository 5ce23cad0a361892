// The fold of GitLab's whole job model (issue 13): scheduled (delayed) jobs and their due time, unschedule,
// canceling, waiting for a resource, variables of a played job (keys only), allow_failure as the failure
// decided it, and the new statuses of a pipeline.
import { expect } from 'chai';
import { exampleEvents } from '../../lib/core/events/examples.js';
import type { PipelineEvent } from '../../lib/core/events/generated.js';
import type { JobRow } from '../../lib/readmodel/rows.js';
import { foldEvents, type Rows } from './fold.js';

const PIPELINE = '0193a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b';
const JOB = '0193a1b2-c3d4-7e5f-8a9b-1c1d2e3f4a5b';
const DUE = '2026-11-28T11:00:00.000Z';

/** The example event of `type`, as the `seq`-th event of the pipeline, at minute `seq`. */
function ev<T extends PipelineEvent['type']>(
  type: T,
  seq: number,
  patch: Partial<Extract<PipelineEvent, { type: T }>> = {},
): PipelineEvent {
  const e = exampleEvents.find((x) => x.type === type);
  if (!e) throw new Error(`no example ${type}`);
  const at = `2026-11-28T10:${String(seq).padStart(2, '0')}:00.000Z`;
  return { ...e, seq, occurred_at: at, recorded_at: at, ...patch } as PipelineEvent;
}
const empty = (): Rows => ({ pipelines: new Map(), jobs: new Map() });
/** The pipeline and its job as created: seq 1 and 2 (`when` of the job as given). */
const created = (when: 'on_success' | 'manual' | 'delayed' = 'on_success', allowFailure = false) => [
  ev('PipelineCreated', 1),
  ev('JobCreated', 2, { when, allow_failure: allowFailure }),
];
/** The job row after folding `events` from nothing (no gap allowed). */
function jobAfter(events: PipelineEvent[]): JobRow {
  const r = foldEvents(empty(), events);
  expect(r.gap, 'no gap').to.equal(undefined);
  expect(r.applied).to.equal(events.length);
  return r.jobs.get(JOB)!;
}

describe('projector fold: the whole job model', () => {
  it('a new job has no due time and no variable keys', () => {
    expect(jobAfter(created())).to.deep.include({ status: 'created', scheduledAt: null, variableKeys: null });
  });

  it('JobScheduled: a delayed job is scheduled, with its due time', () => {
    const j = jobAfter([...created('delayed'), ev('JobScheduled', 3, { scheduled_at: DUE })]);
    expect(j).to.deep.include({ status: 'scheduled', scheduledAt: DUE, when: 'delayed', lastSeq: 3 });
  });

  it('JobEnqueued of a due scheduled job: pending, queued, no longer scheduled', () => {
    const j = jobAfter([...created('delayed'), ev('JobScheduled', 3, { scheduled_at: DUE }), ev('JobEnqueued', 4)]);
    expect(j).to.deep.include({ status: 'pending', scheduledAt: null, queuedAt: '2026-11-28T10:04:00.000Z' });
  });

  it('JobUnscheduled: scheduled → manual, the due time gone', () => {
    const j = jobAfter([...created('delayed'), ev('JobScheduled', 3, { scheduled_at: DUE }), ev('JobUnscheduled', 4)]);
    expect(j).to.deep.include({ status: 'manual', scheduledAt: null, lastSeq: 4 });
  });

  it('JobCanceled of a scheduled job: canceled, the due time gone', () => {
    const j = jobAfter([...created('delayed'), ev('JobScheduled', 3, { scheduled_at: DUE }), ev('JobCanceled', 4)]);
    expect(j).to.deep.include({ status: 'canceled', scheduledAt: null, finishedAt: '2026-11-28T10:04:00.000Z' });
  });

  it('JobCanceling: running → canceling, then the runner’s last report ends it canceled', () => {
    const running = [...created(), ev('JobEnqueued', 3), ev('JobStarted', 4)];
    const canceling = jobAfter([...running, ev('JobCanceling', 5)]);
    expect(canceling).to.deep.include({ status: 'canceling', finishedAt: null, runnerId: 'runner-42' });
    const canceled = jobAfter([...running, ev('JobCanceling', 5), ev('JobCanceled', 6, { duration_ms: 120_000 })]);
    expect(canceled).to.deep.include({ status: 'canceled', durationMs: 120_000 });
  });

  it('JobWaitingForResource: the job waits for its resource group, then is enqueued', () => {
    const waiting = [...created(), ev('JobWaitingForResource', 3)];
    expect(jobAfter(waiting)).to.deep.include({ status: 'waiting_for_resource', queuedAt: null });
    expect(jobAfter([...waiting, ev('JobEnqueued', 4)])).to.deep.include({ status: 'pending' });
  });

  it('JobEnqueued of a played manual job keeps the keys of its variables, never their values', () => {
    const variables = [
      { key: 'DEPLOY_TOKEN', value: 's3cr3t-value-never-stored' },
      { key: 'TARGET', value: 'production' },
    ];
    const r = foldEvents(empty(), [
      ...created('manual', true),
      ev('JobManualActionRequired', 3),
      ev('JobEnqueued', 4, { variables }),
    ]);
    // What the decider writes now: the keys alone.
    const keysOnly = foldEvents(empty(), [
      ...created('manual', true),
      ev('JobManualActionRequired', 3),
      ev('JobEnqueued', 4, { variable_keys: ['DEPLOY_TOKEN'] }),
    ]);
    expect(keysOnly.jobs.get(JOB)).to.deep.include({ variableKeys: ['DEPLOY_TOKEN'] });
    const j = r.jobs.get(JOB)!;
    expect(j).to.deep.include({ status: 'pending', variableKeys: ['DEPLOY_TOKEN', 'TARGET'] });
    const everything = JSON.stringify([...r.jobs.values(), ...r.pipelines.values()]);
    expect(everything).to.not.include('s3cr3t-value-never-stored');
    expect(everything).to.not.include('production');
  });

  it('a play without variables keeps none; a job waiting to be played again drops the earlier keys', () => {
    const manual = [...created('manual', true), ev('JobManualActionRequired', 3)];
    expect(jobAfter([...manual, ev('JobEnqueued', 4)]).variableKeys).to.equal(null);
    const played = [...manual, ev('JobEnqueued', 4, { variables: [{ key: 'A', value: 'x' }] })];
    expect(jobAfter([...played, ev('JobStarted', 5)]).variableKeys, 'kept while it runs').to.deep.equal(['A']);
    const again = jobAfter([...played, ev('JobSkipped', 5), ev('JobReopened', 6), ev('JobManualActionRequired', 7)]);
    expect(again).to.deep.include({ status: 'manual', variableKeys: null });
  });

  it('JobFailed sets allow_failure as decided for the failure, whatever the definition said', () => {
    const running = (allow: boolean) => [...created('on_success', allow), ev('JobEnqueued', 3), ev('JobStarted', 4)];
    // allow_failure: exit_codes [137]: allowed to fail with 137 …
    expect(jobAfter([...running(false), ev('JobFailed', 5, { exit_code: 137, allow_failure: true })])).to.deep.include({
      status: 'failed',
      allowFailure: true,
      exitCode: 137,
    });
    // … not with 1.
    expect(jobAfter([...running(true), ev('JobFailed', 5, { exit_code: 1, allow_failure: false })])).to.deep.include({
      status: 'failed',
      allowFailure: false,
      exitCode: 1,
    });
  });

  it('PipelineStatusChanged to the new statuses: the pipeline shows them, with its warnings', () => {
    for (const to of ['waiting_for_resource', 'preparing', 'canceling', 'scheduled'] as const) {
      const r = foldEvents(empty(), [
        ...created(),
        ev('PipelineStatusChanged', 3, { from: 'created', to, warnings: to === 'canceling' }),
      ]);
      expect(r.pipelines.get(PIPELINE), to).to.deep.include({ status: to, warnings: to === 'canceling' });
    }
  });

  it('a replayed new event (seq at or below the row’s) changes nothing', () => {
    const events = [...created('delayed'), ev('JobScheduled', 3, { scheduled_at: DUE }), ev('JobUnscheduled', 4)];
    const first = foldEvents(empty(), events);
    const again = foldEvents({ pipelines: first.pipelines, jobs: first.jobs }, events.slice(2));
    expect(again.ignored).to.equal(2);
    expect(again.jobs.size).to.equal(0);
  });
});
