// What the load driver's latencies come to: p50/p95/p99, max, mean and req/s of a side (API or SQL) of a
// route, over the rounds it ran in.
import type { DriverOutput } from './driver.js';

export interface Latency {
  requests: number;
  errors: number;
  first_error: string | null;
  req_per_s: number;
  p50_ms: number;
  p95_ms: number;
  p99_ms: number;
  max_ms: number;
  mean_ms: number;
}

/** The rounds of one side of a route as one output. */
export function merge(outs: DriverOutput[]): DriverOutput {
  return {
    latencies: outs.flatMap((o) => o.latencies),
    errors: outs.reduce((n, o) => n + o.errors, 0),
    firstError: outs.find((o) => o.firstError)?.firstError ?? null,
    wallMs: outs.reduce((n, o) => n + o.wallMs, 0),
  };
}

/** Nearest-rank p50/p95/p99, max and mean in ms (to 0.01), and requests per second of wall time. */
export function summarize(o: DriverOutput): Latency {
  const a = Float64Array.from(o.latencies).sort();
  const q = (p: number) =>
    a.length === 0 ? NaN : a[Math.min(a.length - 1, Math.max(0, Math.ceil((p / 100) * a.length) - 1))]!;
  const r2 = (x: number) => Math.round(x * 100) / 100;
  return {
    requests: a.length,
    errors: o.errors,
    first_error: o.firstError,
    req_per_s: Math.round((a.length / o.wallMs) * 1000),
    p50_ms: r2(q(50)),
    p95_ms: r2(q(95)),
    p99_ms: r2(q(99)),
    max_ms: r2(a.at(-1) ?? NaN),
    mean_ms: r2(a.reduce((s, x) => s + x, 0) / Math.max(1, a.length)),
  };
}
