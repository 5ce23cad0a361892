import { expect } from 'chai';
import { exampleEvents } from '../../lib/core/events/examples.js';
import type { PipelineEvent } from '../../lib/core/events/generated.js';
import { foldEvents, type Rows } from './fold.js';

const PIPELINE = '0193a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b';
const OTHER = '0193a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5c';
const JOB = '0193a1b2-c3d4-7e5f-8a9b-1c1d2e3f4a5b';

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
  ev('JobFailed', 6),
  ev('PipelineFinished', 7),
];
const without = (seq: number) => whole.filter((e) => e.seq !== seq);

describe('projector fold: lenient for pipelines with a dead-lettered event', () => {
  // Given the events of one pipeline with the event `seq` dead-lettered, when folded strictly / leniently.
  const table: [string, number, Record<string, unknown>][] = [
    ['a job event lost in the middle', 4, { status: 'success', lastSeq: 7 }],
    ['the job creation lost: a placeholder job row', 2, { status: 'success', lastSeq: 7 }],
    ['the pipeline creation lost: a placeholder pipeline row', 1, { status: 'success', lastSeq: 7, ref: 'unknown' }],
  ];
  for (const [what, lost, pipeline] of table) {
    it(`${what}: strict stops at the gap, lenient applies everything after it`, () => {
      expect(foldEvents(empty(), without(lost)).gap, 'strict').to.not.equal(undefined);
      const r = foldEvents(empty(), without(lost), { lenient: new Set([PIPELINE]) });
      expect(r.gap).to.equal(undefined);
      expect(r.applied).to.equal(6);
      expect(r.pipelines.get(PIPELINE)).to.deep.include(pipeline);
      expect(r.jobs.get(JOB)).to.deep.include({ status: 'failed', lastSeq: 6 });
    });
  }

  it('another pipeline in the same batch stays strict', () => {
    const other = without(3).map((e) => ({ ...e, pipeline_id: OTHER }) as PipelineEvent);
    const r = foldEvents(empty(), [...without(3), ...other], { lenient: new Set([PIPELINE]) });
    expect(r.gap).to.deep.equal({ pipelineId: OTHER, expected: 3, got: 4 });
  });

  it('an event at or below the row is still ignored once', () => {
    const r = foldEvents(empty(), [...without(4), ev('JobStarted', 4)], { lenient: new Set([PIPELINE]) });
    expect([r.applied, r.ignored]).to.deep.equal([6, 1]);
  });
});
