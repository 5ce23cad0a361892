import { expect } from 'chai';
import { DURATION_UNITS, parseDuration, wholeSeconds } from './duration.js';

const { MINUTE, HOUR, DAY, WEEK, MONTH, YEAR } = DURATION_UNITS;

describe('parseDuration (GitLab ChronicDuration)', () => {
  const valid: [text: string, seconds: number][] = [
    ['5', 5], // a bare number is seconds (GitLab docs, when:delayed: "'5'")
    ['5 seconds', 5],
    ['90 s', 90],
    ['30 minutes', 30 * MINUTE],
    ['1 m', MINUTE], // m is minutes; months are mo
    ['1 mo', MONTH],
    ['1 hour', HOUR],
    ['1 day', DAY],
    ['1 week', WEEK],
    ['1 week 2 days', WEEK + 2 * DAY],
    ['3h 30m', 3 * HOUR + 30 * MINUTE],
    ['3 hours 30 minutes', 3 * HOUR + 30 * MINUTE],
    ['2h30min', 2 * HOUR + 30 * MINUTE],
    ['1 hour and 30 minutes', 90 * MINUTE],
    ['2 Days, 3 Hours', 2 * DAY + 3 * HOUR],
    ['HOUR', HOUR], // a value that starts with a unit counts one of it
    ['day 2 hours', DAY + 2 * HOUR],
    ['1.5h', 90 * MINUTE],
    ['.5 minutes', 30],
    ['1:30', 90], // h:m:s-like values count from the right: seconds, minutes, hours, days, months, years
    ['1:02:03', HOUR + 2 * MINUTE + 3],
    ['1 : 02 : 03', HOUR + 2 * MINUTE + 3],
    ['1:00:00:00', DAY],
    ['1 month', MONTH], // 30 days
    ['1 year', YEAR], // 365.25 days
    ['5 10 minutes', 10 * MINUTE], // ChronicDuration: a number followed by a number counts nothing
    ['0.5 seconds', 0.5],
  ];
  for (const [text, seconds] of valid) {
    it(`"${text}" → ${seconds} s`, () => expect(parseDuration(text)).to.deep.equal({ seconds }));
  }

  const invalid: [text: string, error: RegExp][] = [
    ['', /zero/],
    ['0', /zero/],
    ['0 days', /zero/],
    ['and', /zero/],
    ['soon', /"soon" is not a number or a unit of time/],
    ['1 fortnight', /"fortnight"/],
    ['-5 minutes', /"-"/],
    ['1,5 hours', /","/],
    ['5 minutes!', /"minutes!"/],
    ['one hour', /"one"/], // numbers in words are not read (gitlab-chronic-duration 0.12 has no numerizer)
    [`${'9'.repeat(400)} years`, /too long/],
  ];
  for (const [text, error] of invalid) {
    it(`"${text.slice(0, 20)}" is not a duration`, () => {
      const r = parseDuration(text);
      expect(r).to.have.property('error').that.matches(error);
    });
  }
});

describe('wholeSeconds', () => {
  const cases: [seconds: number, whole: number][] = [
    [1800, 1800],
    [0.5, 1], // never shorter than asked
    [1800.2, 1801],
    [1.1 * HOUR, 3960], // 3960.0000000000005 in floating point: float noise is not a second
    [0.1 * HOUR, 360],
  ];
  for (const [seconds, whole] of cases) {
    it(`${seconds} → ${whole}`, () => expect(wholeSeconds(seconds)).to.equal(whole));
  }
});
