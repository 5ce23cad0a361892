import { expect } from 'chai';
import { ReadCache } from './operations-cache.js';

describe('operations: the read cache', () => {
  let now = 0;
  const clock = () => now;
  const counter = () => {
    let n = 0;
    return {
      read: async () => ++n,
      get count() {
        return n;
      },
    };
  };

  const cases: { name: string; at: number[]; reads: number }[] = [
    { name: 'one read within the ttl', at: [0, 1000, 2999], reads: 1 },
    { name: 'read again once the ttl passed', at: [0, 3000], reads: 2 },
    { name: 'every ttl', at: [0, 2999, 3000, 5999, 6000], reads: 3 },
  ];
  for (const c of cases) {
    it(c.name, async () => {
      const cache = new ReadCache(3000, 8, clock);
      const r = counter();
      for (const t of c.at) {
        now = t;
        await cache.get('k', r.read);
      }
      expect(r.count).to.equal(c.reads);
    });
  }

  it('concurrent requests share the read in flight', async () => {
    now = 0;
    const cache = new ReadCache(3000, 8, clock);
    const r = counter();
    const got = await Promise.all([cache.get('k', r.read), cache.get('k', r.read)]);
    expect(got).to.deep.equal([1, 1]);
  });

  it('a failed read is not kept', async () => {
    now = 0;
    const cache = new ReadCache(3000, 8, clock);
    await cache.get('k', () => Promise.reject(new Error('down'))).catch(() => undefined);
    await new Promise((r) => setImmediate(r));
    expect(await cache.get('k', async () => 'up')).to.equal('up');
  });

  it('holds at most `max` keys, and forgets by prefix', async () => {
    now = 0;
    const cache = new ReadCache(3000, 2, clock);
    for (const k of ['a:1', 'a:2', 'b']) await cache.get(k, async () => k);
    expect(cache.size).to.equal(2);
    cache.forget('a:');
    expect(cache.size).to.equal(1);
  });
});
