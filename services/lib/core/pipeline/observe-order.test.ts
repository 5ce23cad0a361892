// The order of an observed job's observations: progress of the status, then the payload's time, then the
// attempt, then the status name — a total order, so whichever delivery arrives last the job ends the same.
import { expect } from 'chai';
import { compareObservations, type ObservationKey } from './observe-order.js';
import { T } from './observed-fixtures.js';

const sign = (a: ObservationKey, b: ObservationKey) => Math.sign(compareObservations(a, b));

describe('observed job order: compareObservations', () => {
  const rows: [name: string, a: ObservationKey, b: ObservationKey, expected: -1 | 0 | 1][] = [
    [
      'further along wins over a later time',
      { status: 'success', observedAt: T(1) },
      { status: 'running', observedAt: T(9) },
      1,
    ],
    [
      'same progress: the later payload time wins',
      { status: 'running', observedAt: T(2) },
      { status: 'running', observedAt: T(1) },
      1,
    ],
    [
      'a payload without a time is behind one with a time',
      { status: 'running', observedAt: null },
      { status: 'running', observedAt: T(1) },
      -1,
    ],
    [
      'a time that is not one counts as none',
      { status: 'running', observedAt: 'soon' },
      { status: 'running', observedAt: T(1) },
      -1,
    ],
    [
      'two payloads without a time: the attempt decides',
      { status: 'running', observedAt: null, attempt: 2 },
      { status: 'running', observedAt: null, attempt: 1 },
      1,
    ],
    [
      'same time: the higher attempt wins',
      { status: 'failed', observedAt: T(3), attempt: 1 },
      { status: 'failed', observedAt: T(3), attempt: 2 },
      -1,
    ],
    [
      'same rank and time: success is ahead of failed (by name)',
      { status: 'success', observedAt: T(3) },
      { status: 'failed', observedAt: T(3) },
      1,
    ],
    [
      'same rank and time: failed is behind success',
      { status: 'failed', observedAt: T(3) },
      { status: 'success', observedAt: T(3) },
      -1,
    ],
    [
      'same rank and time: canceled is behind skipped',
      { status: 'canceled', observedAt: T(3) },
      { status: 'skipped', observedAt: T(3) },
      -1,
    ],
    [
      'manual and scheduled share a rank: scheduled is ahead',
      { status: 'scheduled', observedAt: T(0) },
      { status: 'manual', observedAt: T(0) },
      1,
    ],
    [
      'the same observation is neither ahead nor behind',
      { status: 'failed', observedAt: T(3), attempt: 1 },
      { status: 'failed', observedAt: T(3), attempt: 1 },
      0,
    ],
  ];
  for (const [name, a, b, expected] of rows) it(name, () => expect(sign(a, b)).to.equal(expected));

  it('is antisymmetric over every pair of final statuses at one time, so delivery order cannot matter', () => {
    const finals = ['success', 'failed', 'canceled', 'skipped'] as const;
    for (const a of finals)
      for (const b of finals) {
        const ab = sign({ status: a, observedAt: T(3) }, { status: b, observedAt: T(3) });
        const ba = sign({ status: b, observedAt: T(3) }, { status: a, observedAt: T(3) });
        expect([ab, a === b], `${a} vs ${b}`).to.deep.equal([-ba || 0, ab === 0]);
      }
  });
});
