import { expect } from 'chai';
import { CatchUp } from './catch-up.js';

describe('timer: catching up with the due topic', () => {
  it('a partition got is live once read to its high watermark of then (markers included)', () => {
    const c = new CatchUp();
    c.assigned(0, 0n, 10n);
    expect(c.live(0, undefined)).to.equal(false);
    c.applied(0, 0n, 6n);
    expect(c.live(0, 6n)).to.equal(false);
    expect(c.behind(() => 6n)).to.deep.equal([{ partition: 0, records: 4n }]);
    c.applied(0, 6n, 9n);
    // The last offset is a transaction marker: the consumer's position covers it, the handler's slice does not.
    expect(c.live(0, 10n)).to.equal(true);
    expect(c.behind(() => 10n)).to.deep.equal([]);
  });

  it('an empty (or compacted-away) partition is live at once; a partition not got never', () => {
    const c = new CatchUp();
    c.assigned(3, 42n, 42n);
    expect(c.live(3, undefined)).to.equal(true);
    expect(c.live(4, 100n)).to.equal(false);
  });

  it('stays live as new records come (they are read as they come)', () => {
    const c = new CatchUp();
    c.assigned(0, 0n, 2n);
    c.applied(0, 0n, 2n);
    expect(c.live(0, 2n)).to.equal(true);
    c.applied(0, 2n, 50n);
    expect(c.live(0, 40n)).to.equal(true);
  });

  it('a re-read from the start (a rebalance keeps the partition, nothing committed) is not live until back', () => {
    const c = new CatchUp();
    c.assigned(0, 0n, 5n);
    c.applied(0, 0n, 20n);
    expect(c.live(0, 20n)).to.equal(true);
    c.applied(0, 0n, 8n); // kafkajs reads it again from offset 0
    expect(c.live(0, 20n), 'the position never moves back: the slices tell').to.equal(false);
    expect(c.behind(() => 20n)).to.deep.equal([{ partition: 0, records: 12n }]);
    c.applied(0, 8n, 20n);
    expect(c.live(0, 20n)).to.equal(true);
  });

  it('a partition given up and got again starts over', () => {
    const c = new CatchUp();
    c.assigned(1, 0n, 3n);
    c.applied(1, 0n, 3n);
    expect(c.live(1, 3n)).to.equal(true);
    c.released(1);
    expect(c.live(1, 3n)).to.equal(false);
    c.assigned(1, 0n, 9n);
    expect(c.live(1, undefined)).to.equal(false);
    expect(c.partitions).to.deep.equal([1]);
  });
});
