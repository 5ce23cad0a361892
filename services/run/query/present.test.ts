import { expect } from 'chai';
import fc from 'fast-check';
import { iso } from './present.js';

/** What iso answered before its text fast path: Postgres' text parsed as a Date. */
const throughDate = (ts: string) => new Date(ts.replace(' ', 'T').replace(/([+-]\d\d)$/, '$1:00')).toISOString();

/** An instant as Postgres prints a timestamptz in a session whose time zone is UTC. */
function postgresUtc(ms: number, micros: number): string {
  const d = new Date(ms).toISOString(); // 2026-11-28T03:13:39.438Z
  const fraction = `${d.slice(20, 23)}${String(micros).padStart(3, '0')}`.replace(/0+$/, '');
  return `${d.slice(0, 10)} ${d.slice(11, 19)}${fraction ? `.${fraction}` : ''}+00`;
}

describe('query API timestamps (iso)', () => {
  const cases: [string, string | null, string | null][] = [
    ['microseconds, truncated to milliseconds', '2026-11-28 03:13:39.438972+00', '2026-11-28T03:13:39.438Z'],
    ['milliseconds', '2026-11-28 03:13:39.438+00', '2026-11-28T03:13:39.438Z'],
    ['one fraction digit', '2026-11-28 03:13:39.5+00', '2026-11-28T03:13:39.500Z'],
    ['no fraction', '2026-11-28 03:13:39+00', '2026-11-28T03:13:39.000Z'],
    ['a leap day at midnight', '2028-02-29 00:00:00+00', '2028-02-29T00:00:00.000Z'],
    ['another offset, whole hours', '2026-11-28 04:13:39.438+01', '2026-11-28T03:13:39.438Z'],
    ['another offset, with minutes', '2026-11-28 08:43:39+05:30', '2026-11-28T03:13:39.000Z'],
    ['a negative offset crossing midnight', '2026-11-27 21:13:39.1-06', '2026-11-28T03:13:39.100Z'],
    ['null', null, null],
  ];
  for (const [what, given, want] of cases)
    it(`given ${what} (${given}), then it answers ${want}`, () => expect(iso(given)).to.equal(want));

  it('given any UTC instant from year 1000 to 9999 as Postgres prints it, then it answers what Date#toISOString does', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: Date.UTC(1000, 0, 1), max: Date.UTC(9999, 11, 31, 23, 59, 59, 999) }),
        fc.integer({ min: 0, max: 999 }),
        (ms, micros) => {
          const pg = postgresUtc(ms, micros);
          expect(iso(pg), pg).to.equal(throughDate(pg)).and.to.equal(new Date(ms).toISOString());
        },
      ),
      { numRuns: 2000 },
    );
  });
});
