import { expect } from 'chai';
import type { ProjectorStats } from './projector.js';
import { handledIn, recordsIn, totals, unfinished, type PartitionRange, type Position } from './window.js';

const ranges = (...rs: [number, number, number][]): PartitionRange[] =>
  rs.map(([partition, from, to]) => ({ partition, from: BigInt(from), to: BigInt(to) }));
const at =
  (positions: Record<number, number>): Position =>
  (p) =>
    positions[p] === undefined ? undefined : BigInt(positions[p]);

describe('projector: a window and how far a projection got through it', () => {
  const window = ranges([0, 10, 20], [1, 0, 5], [2, 7, 7]);

  it('given a window, its records are its offsets, end exclusive', () => {
    expect(recordsIn(window)).to.equal(15);
    expect(recordsIn([])).to.equal(0);
  });

  it('given no position known, every partition with records is unfinished and nothing is handled', () => {
    expect(unfinished(window, at({})).map((r) => r.partition)).to.deep.equal([0, 1]);
    expect(handledIn(window, at({}))).to.equal(0);
  });

  it('given positions inside, at and past the ends, only the partition inside is unfinished', () => {
    const positions = at({ 0: 14, 1: 5, 2: 9 });
    expect(unfinished(window, positions).map((r) => r.partition)).to.deep.equal([0]);
    expect(handledIn(window, positions)).to.equal(4 + 5);
  });

  it('given a position before the window (a checkpoint behind its start), nothing of it counts as handled', () => {
    expect(handledIn(ranges([0, 10, 20]), at({ 0: 3 }))).to.equal(0);
    expect(unfinished(ranges([0, 10, 20]), at({ 0: 3 }))).to.have.length(1);
  });

  it('given a checkpoint past the end (a target that holds more), it is finished, counted to its end only', () => {
    expect(unfinished(ranges([0, 10, 20]), at({ 0: 30 }))).to.deep.equal([]);
    expect(handledIn(ranges([0, 10, 20]), at({ 0: 30 }))).to.equal(10);
  });

  it('given the stats of both projectors, events are the decoded ones and poison is counted apart', () => {
    const stats = (events: number, applied: number, ignored: number, deadLetters: number): ProjectorStats => ({
      batches: 1,
      events,
      applied,
      ignored,
      deadLetters,
      lastCommitAt: null,
    });
    const both = totals([stats(21, 20, 0, 1), stats(2, 1, 1, 0)]);
    expect(both).to.deep.equal({ events: 22, applied: 21, ignored: 1, deadLetters: 1 });
    expect(totals([])).to.deep.equal({ events: 0, applied: 0, ignored: 0, deadLetters: 0 });
  });
});
