import { expect } from 'chai';
import { deadLetterCounts, PositionBook, progressOf, totals, type PartitionSnapshot } from './operations-lag.js';

const snap = (position: bigint | null, high: bigint, partition = 0, group = 'g', low = 0n): PartitionSnapshot => ({
  group,
  topic: 't',
  partition,
  position,
  low,
  high,
});

describe('operations: lag and stalls between polls', () => {
  const STALL = 60_000;
  // Each case: successive polls [at ms, position, high] of one partition, and the last poll's lag and stall.
  const cases: { name: string; polls: [number, bigint | null, bigint][]; lag: number | null; stalled: boolean }[] = [
    { name: 'first sight, behind: not stalled yet', polls: [[0, 5n, 10n]], lag: 5, stalled: false },
    {
      name: 'behind and not moving for stallMs: stalled',
      polls: [
        [0, 5n, 10n],
        [60_000, 5n, 12n],
      ],
      lag: 7,
      stalled: true,
    },
    {
      name: 'behind, not moving, shorter than stallMs',
      polls: [
        [0, 5n, 10n],
        [59_999, 5n, 10n],
      ],
      lag: 5,
      stalled: false,
    },
    {
      name: 'behind but moving: not stalled',
      polls: [
        [0, 5n, 10n],
        [30_000, 6n, 10n],
        [90_000, 7n, 12n],
      ],
      lag: 5,
      stalled: false,
    },
    {
      name: 'caught up and idle for long: not stalled',
      polls: [
        [0, 10n, 10n],
        [600_000, 10n, 10n],
      ],
      lag: 0,
      stalled: false,
    },
    {
      name: 'caught up, then the end moves away and the position does not: stalled after stallMs from then',
      polls: [
        [0, 10n, 10n],
        [10_000, 10n, 15n],
        [69_999, 10n, 15n],
      ],
      lag: 5,
      stalled: true,
    },
    { name: 'no position: lag unknown, never stalled', polls: [[0, null, 10n]], lag: null, stalled: false },
    { name: 'no position in an empty partition: caught up', polls: [[0, null, 0n]], lag: 0, stalled: false },
  ];
  for (const c of cases) {
    it(c.name, () => {
      const book = new PositionBook();
      let last;
      for (const [at, position, high] of c.polls) last = book.observe([snap(position, high)], at, STALL)[0]!;
      expect([last!.lag, last!.stalled]).to.deep.equal([c.lag, c.stalled]);
    });
  }

  it('forgets partitions a poll no longer has, and holds at most `max`', () => {
    const book = new PositionBook(2);
    book.observe([snap(1n, 5n, 0), snap(1n, 5n, 1), snap(1n, 5n, 2)], 0, STALL);
    expect(book.size).to.equal(2);
    // Partition 2 had no room: it is reported, but never stalled until it is tracked.
    const later = book.observe([snap(1n, 5n, 0), snap(1n, 5n, 2)], 100_000, STALL);
    expect(later.map((p) => p.stalled)).to.deep.equal([true, false]);
    expect(book.size).to.equal(2);
    const again = book.observe([snap(1n, 5n, 2)], 200_000, STALL);
    expect(again[0]!.stalled).to.equal(true);
    expect(book.size).to.equal(1);
  });

  it('keeps groups apart: the same partition of two groups', () => {
    const book = new PositionBook();
    book.observe([snap(1n, 5n, 0, 'a'), snap(1n, 5n, 0, 'b')], 0, STALL);
    const r = book.observe([snap(1n, 5n, 0, 'a'), snap(2n, 5n, 0, 'b')], 60_000, STALL);
    expect(r.map((p) => p.stalled)).to.deep.equal([true, false]);
  });

  it('totals: lag summed (unknown counts 0), stalled counted', () => {
    const book = new PositionBook();
    const r = book.observe([snap(1n, 5n, 0), snap(null, 9n, 1), snap(3n, 3n, 2)], 0, STALL);
    expect(totals(r)).to.deep.equal({ lag: 4, stalled: 0 });
  });
});

describe('operations: progress of a projection from its checkpoints', () => {
  const cases: { name: string; ranges: [bigint | null, bigint, bigint][]; want: [number, number, number] }[] = [
    { name: 'nothing to read: done', ranges: [[null, 0n, 0n]], want: [0, 0, 100] },
    { name: 'no checkpoint yet', ranges: [[null, 0n, 10n]], want: [0, 10, 0] },
    { name: 'half', ranges: [[5n, 0n, 10n]], want: [5, 10, 50] },
    {
      name: 'over partitions, from each earliest offset',
      ranges: [
        [10n, 10n, 20n],
        [30n, 20n, 30n],
      ],
      want: [10, 20, 50],
    },
    { name: 'rounded down: 2 of 3 is 66.6', ranges: [[2n, 0n, 3n]], want: [2, 3, 66.6] },
    { name: '999 of 1000 is not 100', ranges: [[999n, 0n, 1000n]], want: [999, 1000, 99.9] },
    {
      name: 'a checkpoint past the end (the end read before it) counts as the end',
      ranges: [[12n, 0n, 10n]],
      want: [10, 10, 100],
    },
    { name: 'a checkpoint below the earliest offset (retention) counts 0', ranges: [[2n, 5n, 10n]], want: [0, 5, 0] },
  ];
  for (const c of cases) {
    it(c.name, () => {
      const p = progressOf(c.ranges.map(([position, low, high]) => ({ position, low, high })));
      expect([p.done, p.total, p.percent]).to.deep.equal(c.want);
    });
  }
});

describe('operations: dead-letter counts from a bounded read', () => {
  const part = (
    low: bigint,
    high: bigint,
    read: [bigint, bigint[]] | undefined,
    redriven?: bigint,
  ): Parameters<typeof deadLetterCounts>[0][number] => ({
    low,
    high,
    read: read && { from: read[0], offsets: read[1] },
    redriven,
  });
  const cases: {
    name: string;
    parts: Parameters<typeof deadLetterCounts>[0];
    complete?: boolean;
    want: [number, number, boolean];
  }[] = [
    { name: 'empty', parts: [part(0n, 0n, [0n, []])], want: [0, 0, true] },
    {
      name: 'read whole: records counted, transaction markers not',
      parts: [part(0n, 4n, [0n, [0n, 2n]])],
      want: [2, 2, true],
    },
    {
      name: 'read whole, the first redriven: one pending',
      parts: [part(0n, 4n, [0n, [0n, 2n]], 2n)],
      want: [2, 1, true],
    },
    {
      name: 'read from the redrive position only: pending exact, count an upper bound',
      parts: [part(0n, 100n, [90n, [90n, 92n]], 90n)],
      want: [100, 2, false],
    },
    {
      name: 'read neither whole nor from the redrive: spans',
      parts: [part(10n, 100n, [90n, [90n]], 50n)],
      want: [90, 50, false],
    },
    {
      name: 'the read stopped at its deadline: spans',
      parts: [part(0n, 4n, [0n, [0n]])],
      complete: false,
      want: [4, 4, false],
    },
    {
      name: 'over partitions',
      parts: [part(0n, 2n, [0n, [0n]], 2n), part(0n, 2n, [0n, [0n]])],
      want: [2, 1, true],
    },
  ];
  for (const c of cases) {
    it(c.name, () => {
      const r = deadLetterCounts(c.parts, c.complete ?? true);
      expect([r.count, r.pending, r.exact]).to.deep.equal(c.want);
    });
  }
});
