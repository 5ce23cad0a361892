// ChronicDuration's white list (filter_through_white_list): a unit word may carry one comma before it and one
// after it (`word.gsub(/^,/, '').gsub(/,$/, '')`), no more.
import { expect } from 'chai';
import { DURATION_UNITS, parseDuration } from './duration.js';

const { MINUTE, HOUR, DAY } = DURATION_UNITS;

describe('parseDuration: commas around unit words', () => {
  const valid: [text: string, seconds: number][] = [
    ['2 days, 3 hours,', 2 * DAY + 3 * HOUR],
    ['5 ,minutes', 5 * MINUTE],
    [',hour', HOUR],
    ['1 ,hour, and 30 minutes', HOUR + 30 * MINUTE],
  ];
  for (const [text, seconds] of valid) {
    it(`"${text}" → ${seconds} s`, () => expect(parseDuration(text)).to.deep.equal({ seconds }));
  }

  const invalid: [text: string, error: string][] = [
    ['1 hour,,', '"hour,," is not a number or a unit of time'],
    ['1 ,,hour', '",,hour" is not a number or a unit of time'],
    ['1 hours,minutes', '"hours,minutes" is not a number or a unit of time'],
  ];
  for (const [text, error] of invalid) {
    it(`"${text}": ${error}`, () => expect(parseDuration(text)).to.deep.equal({ error }));
  }
});
