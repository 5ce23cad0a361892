// The charts of the results: throughput per stage beside its raw-Kafka baseline and lag against load
// (from a suite run's figures, bench.json), RSS per service over a soak (from soak.json's samples).
import { fmt } from '../format.js';
import { barChart, lineChart } from './charts.js';
import { div, type Figures, type Num } from './figures.js';

const BASELINE_GREY = '#9e9e9e';
const QUICK = 'Quick profile: raw consume of a few thousand records takes milliseconds; ratios to it are indicative.';

/** Each stage's rate and, beside it, the raw kafkajs rate its ratio is taken to (same benchmark run). */
export function throughputChart(f: Figures, subtitle: string, quick: boolean): string {
  const { ws, rs, e2e, rb } = f;
  const stage = (label: string, value: Num, unit: string, baseline: Num, what: string) => ({
    label,
    value,
    unit,
    baseline,
    what,
  });
  const stages = [
    stage('ingest bulk', ws.ingest_bulk, 'reports/s', ws.ingest_raw_produce, 'raw produce'),
    stage('decider EOS', ws.decider_eos, 'reports/s', ws.raw_consume, 'raw consume'),
    stage('projector', rs.projector, 'events/s', rs.raw_consume, 'raw consume'),
    stage('rebuild', rb.rebuild, 'events/s', rb.raw_consume, 'raw consume'),
    stage('end-to-end', e2e.reports_per_s, 'reports/s', ws.raw_produce, 'raw produce'),
  ];
  const label = (s: (typeof stages)[number]) => {
    const ratio = div(s.value, s.baseline);
    if (s.value === null) return null;
    return `${fmt(s.value)} ${s.unit}${ratio === null ? '' : ` = ${ratio.toFixed(2)}× ${s.what}`}`;
  };
  return barChart({
    title: 'Throughput per stage beside its raw Kafka baseline',
    subtitle,
    horizontal: true,
    categories: stages.map((s) => (s.value === null ? `${s.label} (not measured)` : s.label)),
    valueAxis: { name: 'msgs/s', log: true },
    series: [
      {
        name: 'stage',
        values: stages.map((s) => s.value),
        labels: stages.map(label),
      },
      {
        name: 'raw kafkajs baseline (same run)',
        color: BASELINE_GREY,
        values: stages.map((s) => s.baseline),
        labels: stages.map((s) => (s.baseline === null ? null : `${s.what} ${fmt(s.baseline)} msgs/s`)),
      },
    ],
    footnotes: [
      'Baselines: ingest to the raw produce of its own phase, the decider to raw consume of the intake topic,',
      'the projector and rebuild to raw consume of the canonical topic in their own runs, end-to-end reports/s',
      'to the write-side raw produce. Ingest, decider and end-to-end count reports; projector and rebuild count',
      'canonical events (~2.4 per report). Kafka, Postgres, the registry and the benchmark share 2 cores.',
      ...(quick ? [QUICK] : []),
    ],
  });
}

/** Lag p50 and p99 at 25% and 75% of the sustained end-to-end rate. */
export function lagChart(f: Figures, subtitle: string): string {
  const { e2e } = f;
  const at = (p25: Num, p75: Num): [number, Num][] => [
    [e2e.rate25 ?? Number.NaN, p25],
    [e2e.rate75 ?? Number.NaN, p75],
  ];
  const ratio = div(e2e.p99_75, e2e.p99_25);
  return lineChart({
    width: 760,
    title: 'End-to-end lag (ingest receipt → read model) against load',
    subtitle,
    xAxis: { name: 'offered load (reports/s): 25% and 75% of the sustained maximum' },
    yAxis: { name: 'lag (ms)' },
    series: [
      { name: 'p50', points: at(e2e.p50_25, e2e.p50_75), labels: true },
      { name: 'p99', points: at(e2e.p99_25, e2e.p99_75), labels: true },
    ],
    footnotes: [
      `Target: p99 at 75% ≤ 3 × p99 at 25%; measured ${ratio === null ? 'n/a' : ratio.toFixed(2)}.`,
      `Sustained maximum, same run: ${fmt(e2e.reports_per_s)} reports/s (${fmt(e2e.events_per_s)} events/s).`,
    ],
  });
}

export interface SoakSeries {
  services: { service: string; slope_mib_per_min: number | null; verdict: string }[];
  series: { t_s: number; rss_mib: Record<string, number | null | undefined> }[];
}

/** RSS of every service over the soak, each named with its slope over the second half. */
export function rssChart(soak: SoakSeries, subtitle: string, flatMiBPerMin: number, sampleS: number): string {
  const half = (soak.series.at(-1)?.t_s ?? 0) / 2;
  const flat = `flat if |slope| < ${flatMiBPerMin} MiB/min`;
  return lineChart({
    title: 'RSS per service under sustained load',
    subtitle,
    xAxis: { name: 'minutes' },
    yAxis: { name: 'RSS (MiB)' },
    series: soak.services.map((s) => ({
      name: `${s.service} (${s.slope_mib_per_min === null ? '?' : fmt(s.slope_mib_per_min)} MiB/min, ${s.verdict})`,
      points: soak.series.map((x): [number, number | null] => [x.t_s / 60, x.rss_mib[s.service] ?? null]),
    })),
    footnotes: [
      `Slope: least squares over the second half (from ${fmt(half / 60)} min); ${flat}.`,
      `VmRSS from /proc/<pid>/status every ${sampleS} s.`,
    ],
  });
}
