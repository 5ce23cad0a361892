import { expect } from 'chai';
import { BUCKETS, ProjectBudget } from './budget.js';

const HOUR = 60 * 60 * 1000;

describe('remediator: per-project budget', () => {
  let now: number;
  const budget = (opts: Partial<ConstructorParameters<typeof ProjectBudget>[0]> = {}) =>
    new ProjectBudget(
      { requestsPerWindow: 3, tokensPerWindow: 1000, windowMs: HOUR, maxProjects: 100, ...opts },
      () => now,
    );

  beforeEach(() => {
    now = 10 * HOUR;
  });

  it('refuses requests beyond the limit per window, per project', () => {
    const b = budget();
    for (let i = 0; i < 3; i++) expect(b.tryAcquire('a')).to.deep.equal({ ok: true });
    expect(b.tryAcquire('a')).to.deep.equal({ ok: false, exhausted: 'requests' });
    expect(b.tryAcquire('b')).to.deep.equal({ ok: true });
    expect(b.usage('a')).to.deep.equal({ requests: 3, tokens: 0 });
  });

  it('refuses requests once the tokens of the window are spent', () => {
    const b = budget();
    expect(b.tryAcquire('a').ok).to.equal(true);
    b.recordTokens('a', 999);
    expect(b.tryAcquire('a').ok).to.equal(true);
    b.recordTokens('a', 1);
    expect(b.tryAcquire('a')).to.deep.equal({ ok: false, exhausted: 'tokens' });
  });

  it('rolls: usage older than the window no longer counts', () => {
    const b = budget();
    for (let i = 0; i < 3; i++) b.tryAcquire('a');
    b.recordTokens('a', 5000);
    now += HOUR / 2;
    expect(b.tryAcquire('a').ok).to.equal(false);
    now += HOUR / 2;
    expect(b.usage('a')).to.deep.equal({ requests: 0, tokens: 0 });
    expect(b.tryAcquire('a').ok).to.equal(true);
  });

  it('keeps the part of the window still in it (bucket granularity: window / BUCKETS)', () => {
    const b = budget({ requestsPerWindow: 10 });
    b.tryAcquire('a');
    now += HOUR / 2;
    b.tryAcquire('a');
    now += HOUR / 2;
    expect(b.usage('a').requests).to.equal(1);
    now += HOUR / BUCKETS;
    expect(b.usage('a').requests).to.equal(1);
    now += HOUR / 2;
    expect(b.usage('a').requests).to.equal(0);
  });

  it('tracks at most maxProjects, forgetting the least recently used first', () => {
    const b = budget({ maxProjects: 2 });
    b.tryAcquire('a');
    b.tryAcquire('b');
    b.tryAcquire('a');
    b.tryAcquire('c');
    expect(b.size).to.equal(2);
    expect(b.usage('a').requests).to.equal(2);
    expect(b.usage('b').requests).to.equal(0);
    expect(b.usage('c').requests).to.equal(1);
  });
});
