import { expect } from 'chai';
import { retryAfterMs, retryDelayMs } from './backoff.js';

const policy = { baseMs: 500, maxMs: 10_000 };
const headers = (h: Record<string, string>) => new Headers(h);

describe('backoff', () => {
  it('doubles the jitter ceiling per retry up to maxMs (full jitter)', () => {
    expect([0, 1, 2, 3, 4, 5, 6].map((r) => retryDelayMs(r, policy, null, () => 0.999999))).to.deep.equal([
      499, 999, 1999, 3999, 7999, 9999, 9999,
    ]);
    expect(retryDelayMs(3, policy, null, () => 0)).to.equal(0);
    expect(retryDelayMs(3, policy, null, () => 0.5)).to.equal(2000);
  });

  it('waits exactly what the server asks, up to maxMs; asking for more means no retry', () => {
    expect(retryDelayMs(0, policy, 3000, () => 0)).to.equal(3000);
    expect(retryDelayMs(5, policy, 10_000, () => 0)).to.equal(10_000);
    expect(retryDelayMs(0, policy, 10_001, () => 0)).to.equal(null);
  });

  it('reads retry-after-ms first, then Retry-After as seconds or an HTTP date', () => {
    const now = Date.parse('2025-01-01T00:00:00Z');
    expect(retryAfterMs(headers({ 'retry-after-ms': '250.4', 'retry-after': '9' }), now)).to.equal(251);
    expect(retryAfterMs(headers({ 'retry-after': '7' }), now)).to.equal(7000);
    expect(retryAfterMs(headers({ 'retry-after': 'Wed, 01 Jan 2025 00:00:05 GMT' }), now)).to.equal(5000);
    expect(retryAfterMs(headers({ 'retry-after': 'Tue, 31 Dec 2024 23:59:00 GMT' }), now)).to.equal(0);
    expect(retryAfterMs(headers({ 'retry-after-ms': 'soon', 'retry-after': 'later' }), now)).to.equal(null);
    expect(retryAfterMs(headers({}), now)).to.equal(null);
    expect(retryAfterMs(undefined, now)).to.equal(null);
  });
});
