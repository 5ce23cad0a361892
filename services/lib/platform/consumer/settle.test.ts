import { expect } from 'chai';
import { PoisonError, RepositionError, StallError, TransientError } from './errors.js';
import { settle, SUSPECT_TRIES, type SettleOps } from './settle.js';

/** A record of the fake sink: its offset, or a dead letter of it. */
type Item = { offset: number; dead?: string };

/**
 * A sink that applies slices all-or-nothing, like a transaction: it fails a slice that holds a record of
 * `poison` (with the error made by `failWith`), fails the first `transient` applies, and records what it
 * committed. Dead letters always apply.
 */
function sink(
  opts: { poison?: number[]; failWith?: (offset: number) => Error; transient?: number; stopAfterWaits?: number } = {},
) {
  const committed: Item[][] = [];
  const waits: string[] = [];
  let transient = opts.transient ?? 0;
  const ops: SettleOps<Item> = {
    async apply(slice) {
      if (transient > 0) {
        transient--;
        throw new TransientError('broker not available');
      }
      const bad = slice.find((i) => !i.dead && opts.poison?.includes(i.offset));
      if (bad) throw (opts.failWith ?? (() => new PoisonError(`record ${bad.offset} is bad`)))(bad.offset);
      committed.push(slice);
    },
    toDead: (item, _err, why) => ({ offset: item.offset, dead: why.reason }),
    async wait(attempt, why) {
      waits.push(`${why.class}#${attempt}`);
      return opts.stopAfterWaits === undefined || waits.length <= opts.stopAfterWaits;
    },
  };
  return { ops, committed, waits };
}

const items = (n: number): Item[] => Array.from({ length: n }, (_, i) => ({ offset: i }));
const offsets = (committed: Item[][]) =>
  committed.map((s) => s.map((i) => (i.dead ? `${i.offset}!` : String(i.offset))).join(','));

describe('consumer: settling a batch (retry, split, dead-letter)', () => {
  it('a good batch is applied once, whole', async () => {
    const s = sink();
    expect(await settle(items(5), s.ops)).to.deep.equal({ kind: 'done' });
    expect(offsets(s.committed)).to.deep.equal(['0,1,2,3,4']);
  });

  it('transient failures are retried with growing waits, never split, never dead-lettered', async () => {
    const s = sink({ transient: 4 });
    expect(await settle(items(5), s.ops)).to.deep.equal({ kind: 'done' });
    expect(s.waits).to.deep.equal(['transient#1', 'transient#2', 'transient#3', 'transient#4']);
    expect(offsets(s.committed)).to.deep.equal(['0,1,2,3,4']);
  });

  // The poison record at each position of a batch of 8: the good records around it are all applied, in
  // order, each exactly once, in slices; the poison one alone as a dead letter.
  for (const p of [0, 3, 7]) {
    it(`one poison record at offset ${p} of 8: everything else applied once in order, it dead-lettered`, async () => {
      const s = sink({ poison: [p] });
      expect(await settle(items(8), s.ops)).to.deep.equal({ kind: 'done' });
      const flat = s.committed.flat();
      expect(flat.map((i) => i.offset)).to.deep.equal([0, 1, 2, 3, 4, 5, 6, 7]);
      expect(flat.filter((i) => i.dead)).to.deep.equal([{ offset: p, dead: 'PoisonError' }]);
    });
  }

  it('two poison records: both dead-lettered, the rest applied', async () => {
    const s = sink({ poison: [2, 5] });
    await settle(items(8), s.ops);
    expect(offsets(s.committed)).to.deep.equal(['0,1', '2!', '3', '4', '5!', '6,7']);
  });

  it('Postgres 22003 on one record is poison without any retry', async () => {
    const pg22003 = () =>
      Object.assign(new Error('value "2147483648" is out of range for type integer'), {
        code: '22003',
        severity: 'ERROR',
      });
    const s = sink({ poison: [1], failWith: pg22003 });
    await settle(items(2), s.ops);
    expect(offsets(s.committed)).to.deep.equal(['0', '1!']);
    expect(s.committed[1]![0]!.dead).to.equal('pg 22003');
    expect(s.waits).to.deep.equal([]);
  });

  it(`an unknown error is retried ${SUSPECT_TRIES - 1} times before the slice is split, and again on the record alone`, async () => {
    const s = sink({ poison: [1], failWith: () => new TypeError('a bug on this data') });
    await settle(items(2), s.ops);
    expect(offsets(s.committed)).to.deep.equal(['0', '1!']);
    // 2 retries of [0,1], [0] passes, 2 retries of [1], then its dead letter.
    expect(s.waits).to.deep.equal(['suspect#1', 'suspect#2', 'suspect#1', 'suspect#2']);
  });

  it('reposition and stall end the batch and are returned, nothing applied', async () => {
    for (const err of [new RepositionError('checkpoint moved'), new StallError('seq gap')]) {
      const s = sink({ poison: [0], failWith: () => err });
      const out = await settle(items(3), s.ops);
      expect(out.kind).to.equal(err instanceof RepositionError ? 'reposition' : 'stall');
      expect(s.committed).to.deep.equal([]);
    }
  });

  it('stops when the consumer stops during a wait (nothing more applied)', async () => {
    const s = sink({ transient: 10, stopAfterWaits: 2 });
    expect(await settle(items(3), s.ops)).to.deep.equal({ kind: 'stopped' });
    expect(s.committed).to.deep.equal([]);
  });

  it('a dead letter that fails to record is retried, never split or dead-lettered again', async () => {
    let deadFailures = 2;
    const s = sink({ poison: [0] });
    const ops: SettleOps<Item> = {
      ...s.ops,
      async apply(slice) {
        if (slice[0]?.dead && deadFailures-- > 0) throw new PoisonError('the DLQ refused it');
        return s.ops.apply(slice);
      },
    };
    expect(await settle(items(1), ops)).to.deep.equal({ kind: 'done' });
    expect(offsets(s.committed)).to.deep.equal(['0!']);
    expect(s.waits).to.deep.equal(['poison#1', 'poison#2']);
  });
});
