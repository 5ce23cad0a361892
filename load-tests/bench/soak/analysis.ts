// What a soak's samples say about each service's memory: RSS at the start, half-way, at the end and at
// most, and the least-squares slope of RSS over the second half (MiB/min), which gives the verdict: flat
// if |slope| < FLAT_MIB_PER_MIN (QUALITY.md "memory"), else growing or shrinking.
import type { Running } from './services.js';
import { FLAT_MIB_PER_MIN } from './settings.js';
import type { Sample } from './traffic.js';

/** Least-squares slope of y over x. */
function slope(points: { x: number; y: number }[]): number | null {
  const n = points.length;
  if (n < 2) return null;
  const mx = points.reduce((s, p) => s + p.x, 0) / n;
  const my = points.reduce((s, p) => s + p.y, 0) / n;
  const sxx = points.reduce((s, p) => s + (p.x - mx) ** 2, 0);
  if (sxx === 0) return null;
  return points.reduce((s, p) => s + (p.x - mx) * (p.y - my), 0) / sxx;
}

/** Seconds measured (the last sample's time) and the RSS figures and verdict of each service. */
export function rssVerdicts(running: Running[], samples: Sample[]) {
  const totalS = samples.at(-1)?.t_s ?? 0;
  const half = totalS / 2;
  // A service's figure over time (minutes, MiB), the samples without it left out.
  const seriesOf = (value: (s: Sample) => number | null | undefined) =>
    samples
      .map((s) => ({ x: s.t_s / 60, y: value(s) }))
      .filter((p): p is { x: number; y: number } => typeof p.y === 'number');
  const secondHalf = (series: { x: number; y: number }[]) => series.filter((p) => p.x * 60 >= half);
  const services = running.map((r) => {
    const series = seriesOf((s) => s.rss_mib[r.service]);
    const second = secondHalf(series);
    const k = slope(second);
    const heap = secondHalf(seriesOf((s) => s.heap_used_mib?.[r.service]));
    const h = slope(heap);
    const at = (t: number) =>
      series.reduce<{ x: number; y: number } | undefined>(
        (best, p) => (!best || Math.abs(p.x * 60 - t) < Math.abs(best.x * 60 - t) ? p : best),
        undefined,
      )?.y ?? null;
    return {
      service: r.service,
      pid: r.pid,
      rss_start_mib: series[0]?.y ?? null,
      rss_half_mib: at(half),
      rss_end_mib: series.at(-1)?.y ?? null,
      rss_max_mib: series.length ? Math.max(...series.map((p) => p.y)) : null,
      slope_mib_per_min: k === null ? null : Math.round(k * 1000) / 1000,
      heap_used_end_mib: heap.at(-1)?.y ?? null,
      external_half_mib: samples.find((s) => s.t_s >= half)?.external_mib?.[r.service] ?? null,
      external_end_mib: samples.at(-1)?.external_mib?.[r.service] ?? null,
      heap_slope_mib_per_min: h === null ? null : Math.round(h * 1000) / 1000,
      samples_second_half: second.length,
      verdict: k === null ? 'unknown' : Math.abs(k) < FLAT_MIB_PER_MIN ? 'flat' : k > 0 ? 'growing' : 'shrinking',
      errors_logged: r.errors,
      last_errors: r.lastErrors,
      exit: r.exited,
    };
  });
  return { totalS, services };
}

/** One service's RSS figures and verdict (soak.json's `services`). */
export type ServiceVerdict = ReturnType<typeof rssVerdicts>['services'][number];
