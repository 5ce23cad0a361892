import { expect } from 'chai';
import {
  ago,
  bytes,
  count,
  groupState,
  nextRefresh,
  partitionState,
  percentText,
  plural,
  REFRESH_MS,
} from './format.js';

describe('operations page: wording', () => {
  const states: [number | null, boolean, string][] = [
    [null, false, 'unknown'],
    [0, false, 'caught-up'],
    [3, false, 'behind'],
    [3, true, 'stalled'],
  ];
  for (const [lag, stalled, want] of states)
    it(`partition with lag ${lag}, stalled ${stalled}: ${want}`, () =>
      expect(partitionState({ lag, stalled })).to.equal(want));

  const groups: [{ lag: number; stalled: number; partitions: unknown[] }, string][] = [
    [{ lag: 0, stalled: 0, partitions: [] }, 'unknown'],
    [{ lag: 0, stalled: 0, partitions: [1] }, 'caught-up'],
    [{ lag: 5, stalled: 0, partitions: [1] }, 'behind'],
    [{ lag: 5, stalled: 1, partitions: [1] }, 'stalled'],
  ];
  for (const [g, want] of groups) it(`group ${JSON.stringify(g)}: ${want}`, () => expect(groupState(g)).to.equal(want));

  const texts: [string, string][] = [
    [count(1234567), '1,234,567'],
    [plural(1, 'record'), '1 record'],
    [plural(2, 'record'), '2 records'],
    [plural(1200, 'entry', 'entries'), '1,200 entries'],
    [bytes(512), '512 B'],
    [bytes(2048), '2.0 KiB'],
    [bytes(3 * 1024 * 1024), '3.0 MiB'],
    [percentText(100), '100 %'],
    [percentText(99.9), '99.9 %'],
    [percentText(0), '0 %'],
    [ago('2024-01-01T00:00:00Z', Date.parse('2024-01-01T00:00:30Z')), '30 s ago'],
    [ago('2024-01-01T00:00:00Z', Date.parse('2024-01-01T00:05:00Z')), '5 min ago'],
    [ago('2024-01-01T00:00:00Z', Date.parse('2024-01-01T03:00:00Z')), '3 h ago'],
    [ago('2024-01-01T00:00:00Z', Date.parse('2024-01-03T00:00:00Z')), '2 d ago'],
  ];
  for (const [got, want] of texts) it(`"${want}"`, () => expect(got).to.equal(want));

  it('refreshes only while visible', () => {
    expect(nextRefresh(true, 1000)).to.equal(1000 + REFRESH_MS);
    expect(nextRefresh(false, 1000)).to.equal(null);
  });
});
