import { expect } from 'chai';
import { DueBook, type Due } from './due-book.js';

const due = (pipelineId: string, dueAt: number, partition = 0): Due => ({
  pipelineId,
  projectId: `group/${pipelineId}`,
  partition,
  dueAt,
});
const ids = (list: { pipelineId: string }[]) => list.map((d) => d.pipelineId);

describe('timer: the due book', () => {
  it('what is due at t: every due time at or before it, earliest first, at most the limit', () => {
    const book = new DueBook({ maxPipelines: 10, resendMs: 30_000 });
    book.set(due('b', 2000));
    book.set(due('a', 1000));
    book.set(due('c', 3000));
    expect(ids(book.due(999, 10))).to.deep.equal([]);
    expect(ids(book.due(1000, 10))).to.deep.equal(['a']);
    expect(ids(book.due(2500, 10))).to.deep.equal(['a', 'b']);
    expect(ids(book.due(5000, 2))).to.deep.equal(['a', 'b']);
    expect(book.due(5000, 10)[2]).to.deep.equal({ ...due('c', 3000), resend: false });
  });

  it('a due time later than t is not due; a new due time replaces the old one', () => {
    const book = new DueBook({ maxPipelines: 10, resendMs: 30_000 });
    expect(book.set(due('a', 1000))).to.equal('added');
    expect(book.set(due('a', 9000))).to.equal('updated'); // the Tick took effect: the next due time
    expect(ids(book.due(5000, 10))).to.deep.equal([]);
    expect(ids(book.due(9000, 10))).to.deep.equal(['a']);
  });

  it('resend suppression: the same (pipeline, due time) again only after resendMs; a new due time at once', () => {
    const book = new DueBook({ maxPipelines: 10, resendMs: 30_000 });
    book.set(due('a', 1000));
    book.set(due('b', 1000));
    const first = book.due(1000, 10);
    book.sent(first, 1000);
    expect(ids(book.due(1001, 10))).to.deep.equal([]);
    expect(ids(book.due(30_999, 10))).to.deep.equal([]);
    // The decider wrote the same due time again (the Tick was rejected, or a report changed something else).
    expect(book.set(due('a', 1000))).to.equal('unchanged');
    expect(ids(book.due(30_999, 10))).to.deep.equal([]);
    // b's Tick took effect: its next due time (already passed) is ticked at once.
    book.set(due('b', 20_000));
    expect(book.due(30_999, 10)).to.deep.equal([{ ...due('b', 20_000), resend: false }]);
    expect(book.due(31_000, 10)).to.deep.equal([
      { ...due('a', 1000), resend: true },
      { ...due('b', 20_000), resend: false },
    ]);
  });

  it('a Tick sent for an old due time does not suppress the new one that came meanwhile', () => {
    const book = new DueBook({ maxPipelines: 10, resendMs: 30_000 });
    book.set(due('a', 1000));
    const sending = book.due(1000, 10);
    book.set(due('a', 1500)); // read while the Tick was on its way
    book.sent(sending, 1000);
    expect(ids(book.due(1500, 10))).to.deep.equal(['a']);
  });

  it('a round whose send failed is not marked: the same pipelines are due at the next round', () => {
    const book = new DueBook({ maxPipelines: 10, resendMs: 30_000 });
    book.set(due('a', 1000));
    expect(ids(book.due(1000, 10))).to.deep.equal(['a']);
    expect(ids(book.due(2000, 10))).to.deep.equal(['a']);
  });

  it('tombstones remove a pipeline; a given-up partition removes its pipelines', () => {
    const book = new DueBook({ maxPipelines: 10, resendMs: 30_000 });
    book.set(due('a', 1000, 0));
    book.set(due('b', 1000, 1));
    book.set(due('c', 1000, 2));
    expect(book.remove('a')).to.equal(true);
    expect(book.remove('a')).to.equal(false); // a tombstone of a pipeline not held
    expect(book.dropPartitions(new Set([2, 7]))).to.equal(1);
    expect(ids(book.due(5000, 10))).to.deep.equal(['b']);
    expect(book.size).to.equal(1);
  });

  it('only partitions read up to date are ticked', () => {
    const book = new DueBook({ maxPipelines: 10, resendMs: 30_000 });
    book.set(due('a', 1000, 0));
    book.set(due('b', 1000, 1));
    expect(ids(book.due(5000, 10, (p) => p === 1))).to.deep.equal(['b']);
  });

  it('is bounded: past maxPipelines a new pipeline is refused, the ones held keep being updated', () => {
    const book = new DueBook({ maxPipelines: 2, resendMs: 30_000 });
    expect(book.set(due('a', 1000))).to.equal('added');
    expect(book.set(due('b', 2000))).to.equal('added');
    expect(book.full).to.equal(true);
    expect(book.set(due('c', 500))).to.equal('full');
    expect(book.set(due('a', 3000))).to.equal('updated');
    expect(ids(book.due(5000, 10))).to.deep.equal(['b', 'a']);
    book.remove('b'); // room again
    expect(book.set(due('c', 500))).to.equal('added');
    expect(book.size).to.equal(2);
  });

  it('oldest overdue: how long ago the earliest due time passed, 0 when nothing is overdue', () => {
    const book = new DueBook({ maxPipelines: 10, resendMs: 30_000 });
    expect(book.oldestOverdueMs(1000)).to.equal(0);
    book.set(due('a', 5000));
    book.set(due('b', 2000));
    expect(book.oldestOverdueMs(1000)).to.equal(0);
    expect(book.oldestOverdueMs(2000)).to.equal(0);
    expect(book.oldestOverdueMs(4500)).to.equal(2500);
  });

  it('a round over 100,000 pipelines finds exactly the ones due', () => {
    const book = new DueBook({ maxPipelines: 200_000, resendMs: 30_000 });
    for (let i = 0; i < 100_000; i++) book.set(due(`p${i}`, 10_000 + i, i % 12));
    const found = book.due(10_000 + 999, 5000);
    expect(ids(found)).to.have.members(Array.from({ length: 1000 }, (_, i) => `p${i}`));
  });
});
