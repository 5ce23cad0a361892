// The project health page's data shaping (series.ts), table-driven.
import { expect } from 'chai';
import {
  ago,
  chartSpecs,
  dailySeries,
  dayLabel,
  duration,
  inUnit,
  parseWindow,
  percent,
  share,
  summary,
  timeUnit,
  windowDays,
  type Figures,
} from './series.js';

const NOW = Date.parse('2026-12-07T10:00:00Z');

describe('project health: the window', () => {
  const cases: [string | undefined, number][] = [
    ['7d', 7],
    ['30d', 30],
    ['90d', 90],
    [undefined, 30],
    ['', 30],
    ['14d', 30],
    ['7', 30],
    ['07d', 30],
    ['90d ', 30],
    ['1d', 30],
  ];
  for (const [value, days] of cases)
    it(`?window=${String(value)} → ${days} days`, () => expect(parseWindow(value)).to.equal(days));

  const spans: [string, number, string, string, number][] = [
    ['2026-12-07T00:00:00.000Z', NOW, '2026-12-07', '2026-12-07', 1],
    ['2026-12-01T00:00:00.000Z', NOW, '2026-12-01', '2026-12-07', 7],
    ['2026-11-08T00:00:00.000Z', NOW, '2026-11-08', '2026-12-07', 30],
    ['2026-02-27T00:00:00.000Z', Date.parse('2026-03-02T23:59:59Z'), '2026-02-27', '2026-03-02', 4],
    ['2026-12-08T00:00:00.000Z', NOW, '', '', 0], // a window that starts tomorrow: no day
  ];
  for (const [since, now, first, last, n] of spans)
    it(`the days from ${since} to ${new Date(now).toISOString()}: ${n}`, () => {
      const days = windowDays(since, now);
      expect(days).to.have.length(n);
      if (n > 0) expect([days[0], days.at(-1)]).to.deep.equal([first, last]);
    });
  it('at most 400 days whatever since says', () =>
    expect(windowDays('2000-01-01T00:00:00.000Z', NOW)).to.have.length(400));
});

const day = (d: string, f: Partial<Figures>): Figures & { day: string } => ({
  day: d,
  pipelines: 0,
  finished: 0,
  succeeded: 0,
  success_rate: null,
  duration_ms: { p50: null, p95: null },
  queue_time_ms: { jobs: 0, p50: null, p95: null },
  ...f,
});

describe('project health: the daily series', () => {
  const stats = {
    since: '2026-12-04T00:00:00.000Z',
    daily: [
      day('2026-12-04', {
        pipelines: 5,
        finished: 3,
        succeeded: 2,
        success_rate: 2 / 3,
        duration_ms: { p50: 1000, p95: 4000 },
        queue_time_ms: { jobs: 9, p50: 20, p95: 900 },
      }),
      day('2026-12-06', { pipelines: 1 }), // none finished: no rate, no duration
      day('2026-12-07', {
        pipelines: 2,
        finished: 2,
        succeeded: 2,
        success_rate: 1,
        duration_ms: { p50: 60, p95: 61 },
      }),
      day('2026-11-01', { pipelines: 9 }), // outside the window: ignored
    ],
  };
  const s = dailySeries(stats, NOW);
  const rows: [keyof typeof s, unknown[]][] = [
    ['days', ['2026-12-04', '2026-12-05', '2026-12-06', '2026-12-07']],
    ['successRate', [66.7, null, null, 100]],
    ['succeeded', [2, 0, 0, 2]],
    ['failed', [1, 0, 0, 0]],
    ['unfinished', [2, 0, 1, 0]],
    ['durationP50', [1000, null, null, 60]],
    ['durationP95', [4000, null, null, 61]],
    ['queueP50', [20, null, null, null]],
    ['queueP95', [900, null, null, null]],
  ];
  for (const [key, values] of rows)
    it(`${key}: one value per day of the window`, () => expect(s[key]).to.deep.equal(values));
});

describe('project health: units and formats', () => {
  const units: [(number | null)[], string, number][] = [
    [[], 'ms', 1],
    [[null, null], 'ms', 1],
    [[999], 'ms', 1],
    [[1000, 5], 's', 1000],
    [[59_999], 's', 1000],
    [[60_000, null], 'min', 60_000],
    [[3_600_000], 'h', 3_600_000],
  ];
  for (const [values, unit, per] of units)
    it(`axis of ${JSON.stringify(values)} in ${unit}`, () => expect(timeUnit(values)).to.deep.equal({ unit, per }));
  it('values in a unit keep their gaps and two decimals', () =>
    expect(inUnit([90_000, null, 61_234], 60_000)).to.deep.equal([1.5, null, 1.02]));

  const percents: [number | null, string][] = [
    [null, '—'],
    [0, '0%'],
    [1, '100%'],
    [0.5, '50%'],
    [2 / 3, '66.7%'],
    [0.8333, '83.3%'],
  ];
  for (const [rate, text] of percents)
    it(`percent(${String(rate)}) = ${text}`, () => expect(percent(rate)).to.equal(text));

  const durations: [number | null, string][] = [
    [null, '—'],
    [-1, '—'],
    [0, '0 ms'],
    [850.4, '850 ms'],
    [1000, '1 s'],
    [12_540, '12.5 s'],
    [60_000, '1 min 00 s'],
    [185_000, '3 min 05 s'],
    [3_599_400, '59 min 59 s'],
    [7_800_000, '2 h 10 min'],
  ];
  for (const [ms, text] of durations)
    it(`duration(${String(ms)}) = ${text}`, () => expect(duration(ms)).to.equal(text));

  const labels: [string, string][] = [
    ['2026-12-07', 'Dec 7'],
    ['2026-01-31', 'Jan 31'],
    ['not a day', 'not a day'],
  ];
  const agos: [string, string][] = [
    ['2026-12-07T10:00:00Z', '0 s ago'],
    ['2026-12-07T10:00:01Z', '0 s ago'], // a clock a second ahead: not "in the future"
    ['2026-12-07T09:59:01Z', '59 s ago'],
    ['2026-12-07T09:55:00Z', '5 min ago'],
    ['2026-12-07T07:00:00Z', '3 h ago'],
    ['2026-12-05T09:00:00Z', '2 d ago'],
    ['garbage', '—'],
  ];
  for (const [iso, text] of agos) it(`ago(${iso}) = ${text}`, () => expect(ago(iso, NOW)).to.equal(text));

  for (const [d, text] of labels) it(`dayLabel(${d}) = ${text}`, () => expect(dayLabel(d)).to.equal(text));

  const shares: [number, number, string][] = [
    [0, 0, '—'],
    [1, 4, '25%'],
    [2, 3, '67%'],
    [5, 5, '100%'],
  ];
  for (const [part, whole, text] of shares)
    it(`share(${part}, ${whole}) = ${text}`, () => expect(share(part, whole)).to.equal(text));
});

describe('project health: text alternatives of the charts', () => {
  const days = ['2026-12-05', '2026-12-06', '2026-12-07'];
  const pct = (v: number) => `${v}%`;
  const cases: [(number | null)[], string][] = [
    [[null, null, null], 'Success rate: no data in the 3 days of the window.'],
    [[null, 50, null], 'Success rate, 1 of 3 days with data: latest 50% on Dec 6.'],
    [
      [80, null, 100],
      'Success rate, 2 of 3 days with data: latest 100% on Dec 7, lowest 80% on Dec 5, highest 100% on Dec 7.',
    ],
    [
      [40, 90, 60],
      'Success rate, 3 of 3 days with data: latest 60% on Dec 7, lowest 40% on Dec 5, highest 90% on Dec 6.',
    ],
  ];
  for (const [values, text] of cases)
    it(JSON.stringify(values), () => expect(summary('Success rate', days, values, pct)).to.equal(text));
});

describe('project health: the charts from the daily series', () => {
  const d = dailySeries(
    {
      since: '2026-12-06T00:00:00.000Z',
      daily: [
        day('2026-12-06', {
          pipelines: 4,
          finished: 3,
          succeeded: 2,
          success_rate: 2 / 3,
          duration_ms: { p50: 90_000, p95: 150_000 },
          queue_time_ms: { jobs: 5, p50: 400, p95: 2500 },
        }),
      ],
    },
    NOW,
  );
  const specs = chartSpecs(d);
  const rows: [string, 'line' | 'bar', string, [string, (number | null)[], string[]][]][] = [
    ['success-rate', 'line', '%', [['Success rate', [66.7, null], ['66.7%', '—']]]],
    [
      'pipelines',
      'bar',
      'pipelines',
      [
        ['Succeeded', [2, 0], ['2', '0']],
        ['Failed or canceled', [1, 0], ['1', '0']],
        ['Not finished', [1, 0], ['1', '0']],
      ],
    ],
    [
      'duration',
      'line',
      'min',
      [
        ['p50 (median)', [1.5, null], ['1 min 30 s', '—']],
        ['p95', [2.5, null], ['2 min 30 s', '—']],
      ],
    ],
    [
      'queue-time',
      'line',
      's',
      [
        ['p50 (median)', [0.4, null], ['400 ms', '—']],
        ['p95', [2.5, null], ['2.5 s', '—']],
      ],
    ],
  ];
  it('four charts, in order', () => expect(specs.map((s) => s.id)).to.deep.equal(rows.map((r) => r[0])));
  for (const [id, kind, unit, series] of rows)
    it(`${id}: a ${kind} chart in ${unit}, its series and their table text`, () => {
      const spec = specs.find((s) => s.id === id)!;
      expect([spec.kind, spec.unit, spec.days]).to.deep.equal([kind, unit, ['2026-12-06', '2026-12-07']]);
      expect(spec.series.map((s) => [s.name, s.values, s.text])).to.deep.equal(series);
    });
  it('each chart has a text alternative naming its latest value', () => {
    expect(specs.map((s) => s.summary)).to.deep.equal([
      'Success rate of the finished pipelines per day, 1 of 2 days with data: latest 66.7% on Dec 6.',
      'Pipelines created per day, 1 of 2 days with data: latest 4 on Dec 6.',
      'Pipeline duration, p95 per day, 1 of 2 days with data: latest 2 min 30 s on Dec 6. Median, 1 of 2 days with data: latest 1 min 30 s on Dec 6.',
      'Queue time of jobs, p95 per day, 1 of 2 days with data: latest 2.5 s on Dec 6. Median, 1 of 2 days with data: latest 400 ms on Dec 6.',
    ]);
  });
});
