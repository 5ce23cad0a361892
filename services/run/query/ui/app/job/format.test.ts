// The job page's words for times, durations, sizes and confidence.
import { expect } from 'chai';
import { bytes, duration, percent, verdictText, when, words } from './format.js';

describe('dashboard job page: formatting', () => {
  const times: [string | null, string][] = [
    [null, '—'],
    ['nonsense', '—'],
    ['2026-01-02T03:04:05.000Z', 'Jan 2, 2026, 3:04:05 AM'],
  ];
  for (const [iso, text] of times)
    it(`when(${iso}) = ${text}`, () => {
      expect(when(iso, 'en-US', 'UTC')).to.equal(text);
    });

  const durations: [number | null, string][] = [
    [null, '—'],
    [-1, '—'],
    [0, '0 ms'],
    [950, '950 ms'],
    [12_345, '12.3 s'],
    [245_000, '4 min 05 s'],
    [7_380_000, '2 h 03 min'],
  ];
  for (const [ms, text] of durations)
    it(`duration(${ms}) = ${text}`, () => {
      expect(duration(ms)).to.equal(text);
    });

  const percents: [number, string][] = [
    [0, '0 %'],
    [0.824, '82 %'],
    [1, '100 %'],
    [1.5, '100 %'],
  ];
  for (const [r, text] of percents)
    it(`percent(${r}) = ${text}`, () => {
      expect(percent(r)).to.equal(text);
    });

  const sizes: [number, string][] = [
    [0, '0 B'],
    [1023, '1023 B'],
    [1536, '1.5 KB'],
    [1_048_576, '1.0 MB'],
  ];
  for (const [n, text] of sizes)
    it(`bytes(${n}) = ${text}`, () => {
      expect(bytes(n)).to.equal(text);
    });

  it('verdicts and words', () => {
    expect(verdictText('accepted')).to.equal('Helpful');
    expect(verdictText('rejected')).to.equal('Not helpful');
    expect(words('script_failure')).to.equal('script failure');
  });
});
