// GitLab's durations (`start_in: 30 minutes`, `timeout: 3h 30m`), read as GitLab reads them: with
// ChronicDuration (the gitlab-chronic-duration gem, 0.12.0, vendored in GitLab as lib/chronic_duration.rb),
// with `ChronicDuration.raise_exceptions = true` (config/initializers/chronic_duration.rb), through
// Gitlab::Config::Entry::LegacyValidationHelpers#validate_duration: a string; a value of 0 is no duration.
//
// Hand-written rather than an npm package: the packages that parse such strings (parse-duration, ms,
// timestring, human-interval) differ from ChronicDuration where it matters here — a month is 30 days
// and a year 365.25 days in ChronicDuration; a bare number is seconds; `1:30` is 1 minute 30 seconds;
// an unknown word is an error, not ignored — and a limit such as "one week" must mean what GitLab means.
//
// The steps (ChronicDuration.parse → cleanup → calculate_from_words):
//  1. lower-case; a whole `h:m:s`-like value (`^[0-9]+:[0-9]+(:[0-9]+){0,4}(\.[0-9]*)?$` once blanks are
//     removed) becomes `<n> <unit> …` from the right: seconds, minutes, hours, days, months, years;
//  2. every number (`[0-9]*\.?[0-9]+`) is set apart by blanks;
//  3. each word is a number, a unit word (the table below, a leading or trailing comma ignored), or one of
//     `and`, `with`, `plus` (dropped); anything else makes the value invalid; a value that starts with a
//     unit counts one of it ("day" is one day);
//  4. each number is multiplied by the unit word right after it (seconds when it is the last word; 0
//     when the next word is another number), and the products are added up.

const SECOND = 1;
const MINUTE = 60;
const HOUR = 3600;
const DAY = 24 * HOUR;
/** ChronicDuration: days_per_month (30) / FULL_WEEKS_PER_MONTH (4), in integer arithmetic: 7 days. */
const WEEK = 7 * DAY;
const MONTH = 30 * DAY;
/** ChronicDuration's SECONDS_PER_YEAR: 365.25 days. */
const YEAR = 31_557_600;

const UNIT_SECONDS: Readonly<Record<string, number>> = {
  seconds: SECOND,
  minutes: MINUTE,
  hours: HOUR,
  days: DAY,
  weeks: WEEK,
  months: MONTH,
  years: YEAR,
};

/** ChronicDuration#mappings: the words it knows, each to its unit. */
const UNIT_WORDS: ReadonlyMap<string, string> = new Map(
  Object.entries({
    seconds: ['seconds', 'second', 'secs', 'sec', 's'],
    minutes: ['minutes', 'minute', 'mins', 'min', 'm'],
    hours: ['hours', 'hour', 'hrs', 'hr', 'h'],
    days: ['days', 'day', 'dy', 'd'],
    weeks: ['weeks', 'week', 'wks', 'wk', 'w'],
    months: ['months', 'mo', 'mos', 'month'],
    years: ['years', 'year', 'yrs', 'yr', 'y'],
  }).flatMap(([unit, words]) => words.map((w) => [w, unit] as const)),
);
const JOIN_WORDS: ReadonlySet<string> = new Set(['and', 'with', 'plus']);
/** The units of an `h:m:s` value, from the right (weeks are left out, as in ChronicDuration). */
const CHRONO_UNITS = ['seconds', 'minutes', 'hours', 'days', 'months', 'years'] as const;

const TIME = /^[0-9]+:[0-9]+(:[0-9]+){0,4}(\.[0-9]*)?$/;
const NUMBER = /[0-9]*\.?[0-9]+/g;
const HAS_NUMBER = /[0-9]*\.?[0-9]+/;

export const DURATION_UNITS = { SECOND, MINUTE, HOUR, DAY, WEEK, MONTH, YEAR } as const;

export type DurationResult = { seconds: number } | { error: string };

/** A GitLab duration in seconds (possibly fractional, always > 0), or why GitLab would not take it. */
export function parseDuration(text: string): DurationResult {
  let s = text.toLowerCase();
  const compact = s.replace(/ /g, '');
  if (TIME.test(compact)) {
    const parts = compact.split(':').reverse();
    s = parts
      .map((v, k) => `${v} ${CHRONO_UNITS[k]}`)
      .reverse()
      .join(' ');
  }
  s = s.replace(NUMBER, (n) => ` ${n} `);
  const words: string[] = [];
  for (const word of s.split(/\s+/).filter((w) => w !== '')) {
    if (HAS_NUMBER.test(word)) {
      words.push(word);
      continue;
    }
    const bare = word.replace(/^,/, '').replace(/,$/, '');
    const unit = UNIT_WORDS.get(bare);
    if (unit !== undefined) words.push(unit);
    else if (!JOIN_WORDS.has(bare)) return { error: `"${word}" is not a number or a unit of time` };
  }
  if (words.length > 0 && UNIT_SECONDS[words[0]!] !== undefined) words.unshift('1');
  let seconds = 0;
  words.forEach((word, k) => {
    if (!HAS_NUMBER.test(word)) return;
    seconds += Number(word) * (UNIT_SECONDS[words[k + 1] ?? 'seconds'] ?? 0);
  });
  if (!Number.isFinite(seconds)) return { error: 'is too long' };
  if (seconds === 0) return { error: 'is no duration (zero)' };
  return { seconds };
}

/**
 * Whole seconds of a parsed duration: rounded up (a delay or a timeout is never shorter than asked),
 * after rounding away float noise such as 0.1 h = 360.00000000000006 s.
 */
export function wholeSeconds(seconds: number): number {
  return Math.ceil(Math.round(seconds * 1e6) / 1e6);
}
