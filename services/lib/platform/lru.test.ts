import { expect } from 'chai';
import { Lru } from './lru.js';

describe('bounded LRU', () => {
  it('forgets the least recently used entry past its bound', () => {
    const lru = new Lru<string, number>(2);
    lru.set('a', 1);
    lru.set('b', 2);
    expect(lru.get('a')).to.equal(1); // a is now the most recent
    lru.set('c', 3);
    expect([lru.get('a'), lru.get('b'), lru.get('c'), lru.size]).to.deep.equal([1, undefined, 3, 2]);
  });

  it('drops an entry once its time to live has passed (injected clock)', () => {
    let t = 1000;
    const lru = new Lru<string, string>(10, () => t);
    lru.set('neg', 'x', 50);
    lru.set('pos', 'y');
    t = 1049;
    expect(lru.get('neg')).to.equal('x');
    t = 1050;
    expect([lru.get('neg'), lru.get('pos'), lru.size]).to.deep.equal([undefined, 'y', 1]);
  });

  it('replaces a value and its expiry on set; delete forgets', () => {
    let t = 0;
    const lru = new Lru<string, number>(10, () => t);
    lru.set('k', 1, 10);
    lru.set('k', 2);
    t = 100;
    expect(lru.get('k')).to.equal(2);
    lru.delete('k');
    expect(lru.get('k')).to.equal(undefined);
  });

  it('refuses a bound below one', () => expect(() => new Lru(0)).to.throw());

  it('counts what it dropped to stay within its bound', () => {
    const lru = new Lru<string, number>(2);
    for (const k of ['a', 'b', 'c', 'd']) lru.set(k, 0);
    lru.delete('d');
    expect([lru.size, lru.evicted]).to.deep.equal([1, 2]);
  });
});
