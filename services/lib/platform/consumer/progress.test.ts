import { expect } from 'chai';
import { isStalled, lagOf, observe, type PartitionProgress } from './progress.js';

const STALL = 60_000;

describe('consumer: partition progress (lag from the high watermark, stall)', () => {
  // Each step: position, high watermark, time → expected lag and stalled.
  const steps: [string, bigint, bigint, number, bigint, boolean][] = [
    ['first sight, behind', 10n, 15n, 0, 5n, false],
    ['no progress for 59 s', 10n, 20n, 59_000, 10n, false],
    ['no progress for 60 s: stalled', 10n, 20n, 60_000, 10n, true],
    ['still stuck, more records arrive', 10n, 40n, 90_000, 30n, true],
    ['it moves: not stalled', 11n, 40n, 91_000, 29n, false],
    ['moving again resets the clock', 11n, 40n, 150_000, 29n, false],
    ['61 s after the last move', 11n, 40n, 152_000, 29n, true],
    ['caught up', 40n, 40n, 200_000, 0n, false],
    ['idle and caught up for long: never stalled', 40n, 40n, 900_000, 0n, false],
    ['new records, 30 s later', 40n, 41n, 930_000, 1n, false],
    ['a position past the high watermark read earlier is lag 0', 42n, 41n, 940_000, 0n, false],
  ];

  it('follows the table step by step', () => {
    let p: PartitionProgress | undefined;
    for (const [what, position, high, now, lag, stalled] of steps) {
      p = observe(p, position, high, now);
      expect([lagOf(p), isStalled(p, now, STALL)], what).to.deep.equal([lag, stalled]);
    }
  });
});
