import { expect } from 'chai';
import { stratifiedOrder } from './label-sample.js';

const logs = (spec: Record<string, number>) =>
  Object.entries(spec).flatMap(([repo, n]) => Array.from({ length: n }, (_, i) => ({ repo, id: `${repo}#${i}` })));

describe('stratifiedOrder', () => {
  const cases: { name: string; spec: Record<string, number>; perRepo: number; size: number; firstRound: number }[] = [
    {
      name: 'all logs when none is over the cap',
      spec: { 'a/a': 3, 'b/b': 2, 'c/c': 1 },
      perRepo: 12,
      size: 6,
      firstRound: 3,
    },
    { name: 'capped per repository', spec: { 'a/a': 5, 'b/b': 2 }, perRepo: 3, size: 5, firstRound: 2 },
    { name: 'nothing', spec: {}, perRepo: 3, size: 0, firstRound: 0 },
  ];
  for (const c of cases) {
    it(c.name, () => {
      const ids = stratifiedOrder(logs(c.spec), c.perRepo, 1);
      expect(ids).to.have.length(c.size);
      expect(new Set(ids).size).to.equal(ids.length);
      // The first round has one log of every repository.
      const first = ids.slice(0, c.firstRound).map((id) => id.split('#')[0]);
      expect(new Set(first).size).to.equal(c.firstRound);
      for (const [repo, n] of Object.entries(c.spec)) {
        expect(ids.filter((id) => id.startsWith(`${repo}#`))).to.have.length(Math.min(n, c.perRepo));
      }
    });
  }

  it('depends on the seed and the set of logs, not their order', () => {
    const some = logs({ 'a/a': 4, 'b/b': 3, 'c/c': 4 });
    const once = stratifiedOrder(some, 12, 7);
    expect(stratifiedOrder([...some].reverse(), 12, 7)).to.deep.equal(once);
    expect(stratifiedOrder(some, 12, 8)).not.to.deep.equal(once);
  });
});
