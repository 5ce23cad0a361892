// The timeline's maths: the range, its ticks, and each job's queued and running bars.
import { expect } from 'chai';
import { ganttScale, jobBars, offsetLabel, tickStep, type Span } from './gantt-scale.js';

const T0 = Date.parse('2026-01-01T00:00:00.000Z');
const at = (s: number | null) => (s === null ? null : new Date(T0 + s * 1000).toISOString());
const span = (q: number | null, b: number | null, f: number | null): Span => ({
  queued_at: at(q),
  started_at: at(b),
  finished_at: at(f),
});

describe('dashboard pipeline page: the timeline scale', () => {
  const steps: [number, number, number][] = [
    [1000, 6, 1000],
    [5000, 6, 1000],
    [7000, 6, 2000],
    [60_000, 6, 10_000],
    [61_000, 6, 15_000],
    [10 * 60_000, 6, 2 * 60_000],
    [5 * 3_600_000, 6, 3_600_000],
    [10 * 86_400_000, 6, 2 * 86_400_000],
  ];
  for (const [range, max, step] of steps)
    it(`tickStep(${range} ms, ${max}) = ${step} ms`, () => {
      expect(tickStep(range, max)).to.equal(step);
    });

  const labels: [number, string][] = [
    [0, '0s'],
    [45_000, '45s'],
    [60_000, '1m'],
    [90_000, '1m 30s'],
    [7_200_000, '2h'],
    [4_500_000, '1h 15m'],
  ];
  for (const [ms, label] of labels)
    it(`offsetLabel(${ms}) = ${label}`, () => {
      expect(offsetLabel(ms)).to.equal(label);
    });

  const now = T0 + 100_000;
  const ranges: { what: string; spans: Span[]; start?: number; end?: number }[] = [
    { what: 'no job enqueued: no scale', spans: [span(null, null, null)] },
    { what: 'first enqueue to last finish', spans: [span(0, 5, 20), span(10, 12, 40)], start: 0, end: 40 },
    { what: 'a job still running: until now', spans: [span(0, 5, 20), span(10, 12, null)], start: 0, end: 100 },
    { what: 'a job still queued: until now', spans: [span(30, null, null)], start: 30, end: 100 },
    { what: 'observed without an enqueue: from its start', spans: [span(null, 50, 60)], start: 50, end: 60 },
    { what: 'an instant: one second wide', spans: [span(10, 10, 10)], start: 10, end: 11 },
  ];
  for (const r of ranges)
    it(`ganttScale: ${r.what}`, () => {
      const s = ganttScale(r.spans, now);
      if (r.start === undefined) return void expect(s).to.equal(undefined);
      expect([s!.start, s!.end]).to.deep.equal([T0 + r.start * 1000, T0 + r.end! * 1000]);
      expect(s!.ticks[0]).to.deep.equal({ offsetMs: 0, at: 0, label: '0s' });
      for (const t of s!.ticks) expect(t.at).to.be.within(0, 1);
    });

  it('ganttScale: ticks at the round step over the range', () => {
    const s = ganttScale([span(0, 5, 40)], now)!;
    expect(s.ticks.map((t) => t.label)).to.deep.equal(['0s', '10s', '20s', '30s', '40s']);
    expect(s.ticks.map((t) => t.at)).to.deep.equal([0, 0.25, 0.5, 0.75, 1]);
  });

  const scale = { start: T0, end: T0 + 100_000, ticks: [] };
  const bars: { what: string; span: Span; bars: object[] }[] = [
    { what: 'never enqueued: no bar', span: span(null, null, null), bars: [] },
    {
      what: 'queued then ran',
      span: span(10, 30, 80),
      bars: [
        { kind: 'queued', left: 0.1, width: 0.2, ms: 20_000, open: false },
        { kind: 'running', left: 0.3, width: 0.5, ms: 50_000, open: false },
      ],
    },
    {
      what: 'running: the bar ends now',
      span: span(0, 50, null),
      bars: [
        { kind: 'queued', left: 0, width: 0.5, ms: 50_000, open: false },
        { kind: 'running', left: 0.5, width: 0.5, ms: 50_000, open: true },
      ],
    },
    {
      what: 'queued: the bar ends now',
      span: span(90, null, null),
      bars: [{ kind: 'queued', left: 0.9, width: 0.1, ms: 10_000, open: true }],
    },
    {
      what: 'canceled while queued: queued until it ended',
      span: span(20, null, 40),
      bars: [{ kind: 'queued', left: 0.2, width: 0.2, ms: 20_000, open: false }],
    },
  ];
  for (const b of bars)
    it(`jobBars: ${b.what}`, () => {
      const got = jobBars(b.span, scale, T0 + 100_000).map((x) => ({
        ...x,
        left: Math.round(x.left * 1000) / 1000,
        width: Math.round(x.width * 1000) / 1000,
      }));
      expect(got).to.deep.equal(b.bars);
    });
});
