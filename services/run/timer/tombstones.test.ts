import { expect } from 'chai';
import type { PipelineDue } from '../../lib/core/events/generated.js';
import { Tombstones, type Change } from './tombstones.js';

const record = (offset: bigint, pipelineId: string) => ({
  offset,
  event: {
    type: 'PipelineDue',
    pipeline_id: pipelineId,
    project_id: 'group/app',
    seq: 3,
    recorded_at: '2026-03-01T10:00:00.000Z',
    due_at: '2026-03-01T10:00:02.000Z',
  } satisfies PipelineDue,
});
const shape = (changes: Change[]) =>
  changes.map((c) => ('removed' in c ? `${c.offset} -${c.removed}` : `${c.offset} +${c.due.pipeline_id}`));

describe('timer: tombstones on their way to the due book', () => {
  it('merges a slice’s records and the tombstones it holds in offset order: what comes last wins', () => {
    const t = new Tombstones();
    t.add(0, 1n, 'a'); // a: due at 0, nothing due at 1, due again at 2
    t.add(0, 4n, 'b');
    t.add(0, 9n, 'c'); // in a later slice
    t.add(1, 0n, 'x'); // another partition
    expect(shape(t.slice(0, 5n, [record(0n, 'a'), record(2n, 'a'), record(3n, 'b')]))).to.deep.equal([
      '0 +a',
      '1 -a',
      '2 +a',
      '3 +b',
      '4 -b',
    ]);
    expect(shape(t.slice(0, 10n, []))).to.deep.equal(['9 -c']);
    expect(shape(t.slice(0, 20n, []))).to.deep.equal([]);
    expect(shape(t.slice(1, 1n, []))).to.deep.equal(['0 -x']);
  });

  it('a tombstone seen twice (its batch fetched again) removes twice, in place; a given-up partition forgets', () => {
    const t = new Tombstones();
    t.add(2, 5n, 'a');
    t.add(2, 5n, 'a');
    expect(shape(t.slice(2, 7n, [record(6n, 'a')]))).to.deep.equal(['5 -a', '5 -a', '6 +a']);
    t.add(2, 8n, 'b');
    t.drop(2);
    expect(shape(t.slice(2, 9n, []))).to.deep.equal([]);
  });
});
