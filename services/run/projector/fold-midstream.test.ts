import { expect } from 'chai';
import { exampleEvents } from '../../lib/core/events/examples.js';
import type { PipelineEvent } from '../../lib/core/events/generated.js';
import { foldEvents, placeholderPipeline, type Rows } from './fold.js';

const PIPELINE = '0193a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b';
const JOB = '0193a1b2-c3d4-7e5f-8a9b-1c1d2e3f4a5b';

/** The example event of `type`, as the `seq`-th event of the pipeline, at minute `seq`. */
function ev<T extends PipelineEvent['type']>(
  type: T,
  seq: number,
  patch: Partial<Extract<PipelineEvent, { type: T }>> = {},
): PipelineEvent {
  const e = exampleEvents.find((x) => x.type === type)!;
  const at = `2026-11-28T10:${String(seq).padStart(2, '0')}:00.000Z`;
  return { ...e, seq, occurred_at: at, recorded_at: at, ...patch } as PipelineEvent;
}
const empty = (): Rows => ({ pipelines: new Map(), jobs: new Map() });
const whole = [
  ev('PipelineCreated', 1),
  ev('JobCreated', 2),
  ev('JobEnqueued', 3),
  ev('JobStarted', 4),
  ev('PipelineStatusChanged', 5),
  ev('JobSucceeded', 6),
  ev('PipelineFinished', 7),
];

describe('projector fold: startMidStream (verity replay)', () => {
  it('by default a pipeline first seen mid-stream is a gap, as before', () => {
    expect(foldEvents(empty(), whole.slice(2)).gap).to.deep.equal({ pipelineId: PIPELINE, expected: 1, got: 3 });
    expect(foldEvents(empty(), [ev('JobEnqueued', 1)]).gap).to.deep.equal({
      pipelineId: PIPELINE,
      expected: 1,
      got: 1,
    });
    expect(foldEvents(empty(), whole.slice(2), {}).gap).to.deep.equal({ pipelineId: PIPELINE, expected: 1, got: 3 });
  });

  it('takes the first event seen of an unknown pipeline as its start: placeholder rows, status from what follows', () => {
    const r = foldEvents(empty(), whole.slice(2), { startMidStream: true });
    expect(r.gap).to.equal(undefined);
    expect(r.applied).to.equal(5);
    const p = r.pipelines.get(PIPELINE)!;
    expect(p).to.deep.include({
      projectId: 'gitlab-org/gitlab',
      ref: 'unknown',
      sha: 'unknown',
      source: 'unknown',
      status: 'success',
      lastSeq: 7,
      createdAt: '2026-11-28T10:03:00.000Z',
    });
    expect(p.startedAt).to.equal('2026-11-28T10:05:00.000Z');
    expect(p.finishedAt).to.equal('2026-11-28T10:07:00.000Z');
    expect(p.stages).to.deep.equal([]);
    const j = r.jobs.get(JOB)!;
    expect(j).to.deep.include({
      pipelineId: PIPELINE,
      name: 'rspec 1/4',
      attempt: 1,
      stage: 'unknown',
      status: 'success',
      runnerId: 'runner-42',
      queuedMs: 1500,
      lastSeq: 6,
    });
  });

  it('a pipeline status stays unknown until an event sets it', () => {
    const r = foldEvents(empty(), [ev('JobStarted', 4)], { startMidStream: true });
    expect(r.pipelines.get(PIPELINE)).to.deep.include({ status: 'unknown', lastSeq: 4, startedAt: null });
  });

  it('still stops on a gap after that first event, applying what came before it', () => {
    const r = foldEvents(empty(), [ev('JobEnqueued', 3), ev('JobStarted', 4), ev('PipelineFinished', 6)], {
      startMidStream: true,
    });
    expect(r.gap).to.deep.equal({ pipelineId: PIPELINE, expected: 5, got: 6 });
    expect(r.applied).to.equal(2);
  });

  it('a pipeline the sink knows keeps the strict guard', () => {
    const current = empty();
    current.pipelines.set(PIPELINE, placeholderPipeline(ev('JobEnqueued', 3)));
    current.pipelines.get(PIPELINE)!.lastSeq = 3;
    expect(foldEvents(current, [ev('JobStarted', 5)], { startMidStream: true }).gap).to.deep.equal({
      pipelineId: PIPELINE,
      expected: 4,
      got: 5,
    });
    const next = foldEvents(current, [ev('JobEnqueued', 3), ev('JobStarted', 4)], { startMidStream: true });
    expect(next).to.deep.include({ applied: 1, ignored: 1 });
    expect(next.pipelines.get(PIPELINE)!.ref).to.equal('unknown');
  });

  it('continues a placeholder across batches', () => {
    const first = foldEvents(empty(), whole.slice(2, 4), { startMidStream: true });
    const second = foldEvents({ pipelines: first.pipelines, jobs: first.jobs }, whole.slice(4), {
      startMidStream: true,
    });
    expect(second.gap).to.equal(undefined);
    expect(second.pipelines.get(PIPELINE)).to.deep.include({ status: 'success', lastSeq: 7 });
    expect(second.jobs.get(JOB)).to.deep.include({ status: 'success', lastSeq: 6 });
  });

  it('a window that holds the whole pipeline folds exactly as without the option', () => {
    expect(foldEvents(empty(), whole, { startMidStream: true })).to.deep.equal(foldEvents(empty(), whole));
  });

  it('PipelineCreated as the first event seen is the usual start', () => {
    const r = foldEvents(empty(), whole.slice(0, 2), { startMidStream: true });
    expect(r.pipelines.get(PIPELINE)).to.deep.include({ ref: 'main', source: 'push', status: 'created', lastSeq: 2 });
    expect(r.jobs.get(JOB)).to.deep.include({ stage: 'test', status: 'created' });
  });

  it('a flaky pass is still detected against a placeholder failed attempt', () => {
    const second = '0193a1b2-c3d4-7e5f-8a9b-2c1d2e3f4a5b';
    const r = foldEvents(
      empty(),
      [
        ev('JobFailed', 5),
        ev('JobCreated', 6, { job_id: second, attempt: 2 }),
        ev('JobSucceeded', 7, { job_id: second, attempt: 2 }),
      ],
      { startMidStream: true },
    );
    expect(r.gap).to.equal(undefined);
    expect(r.jobs.get(JOB)).to.deep.include({ status: 'failed', stage: 'unknown', failureReason: 'script_failure' });
    expect(r.flaky).to.have.length(1);
    expect(r.flaky[0]).to.deep.include({ passedJobId: second, failedJobId: JOB, sha: 'unknown' });
  });
});
