import { expect } from 'chai';
import type { HttpProblem } from '../../lib/platform/http/problem.js';
import { decodeCursor, encodeCursor } from './cursor.js';

describe('query: pipeline list cursors', () => {
  const pointerOf = (raw: string) => {
    try {
      decodeCursor(raw);
      return null;
    } catch (e) {
      return (e as HttpProblem).problem.errors?.[0]?.pointer;
    }
  };

  it('takes a leap day and any offset Postgres prints', () => {
    for (const t of [
      '2024-02-29 23:59:59.999999+00',
      '2026-06-01T12:00:00+05:30',
      '2026-06-01 12:00:00-03',
      '2026-06-01 12:00:00+14:59',
      '2026-06-01 12:00:00-0930',
    ]) {
      expect(
        decodeCursor(encodeCursor({ createdAt: t, pipelineId: '0193a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b' })).createdAt,
      ).to.equal(t);
    }
  });

  it('round-trips (created_at exactly as Postgres printed it, microseconds kept) and is URL-safe', () => {
    const c = { createdAt: '2026-11-28 03:13:39.438072+00', pipelineId: '0193a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b' };
    const raw = encodeCursor(c);
    expect(raw).to.match(/^[A-Za-z0-9_-]+$/);
    expect(decodeCursor(raw)).to.deep.equal(c);
  });

  for (const [name, raw] of [
    ['not base64 JSON', 'bm90IGpzb24'],
    ['not a pair', Buffer.from('["2026-11-28 03:13:39+00"]').toString('base64url')],
    ['a bad id', Buffer.from('["2026-11-28 03:13:39+00","1; DROP TABLE jobs"]').toString('base64url')],
    ['text as the time', Buffer.from('["now","0193a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b"]').toString('base64url')],
    [
      '30 February (Date.parse would take it, Postgres does not)',
      Buffer.from('["2026-02-30 10:00:00+00","0193a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b"]').toString('base64url'),
    ],
    ['hour 25', Buffer.from('["2026-02-28T25:00:00Z","0193a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b"]').toString('base64url')],
    ['year 0', Buffer.from('["0000-01-01 00:00:00+00","0193a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b"]').toString('base64url')],
    [
      'an offset of 23 h',
      Buffer.from('["2026-01-01 00:00:00-23","0193a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b"]').toString('base64url'),
    ],
    [
      'an offset with 60 minutes (Postgres: 22009, was a 500)',
      Buffer.from('["2026-01-01T00:00:00+01:60","0193a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b"]').toString('base64url'),
    ],
    [
      'an offset with 99 minutes, no colon',
      Buffer.from('["2026-01-01 00:00:00-0199","0193a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b"]').toString('base64url'),
    ],
  ] as const) {
    it(`400 at /query/cursor for ${name}`, () => expect(pointerOf(raw)).to.equal('/query/cursor'));
  }
});
