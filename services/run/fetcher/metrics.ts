// The fetcher's own metrics, in the process registry of platform/telemetry (beside verity_consumer_*,
// verity_events_total and the process metrics). Only the fetcher imports this module. Gauges are read from the
// running fetcher at each scrape.
import { Counter, Gauge, Histogram } from 'prom-client';
import { registry } from '../../lib/platform/telemetry/metrics.js';

export interface FetcherGaugeSource {
  pending(): number;
  pipelines(): number;
  jobs(): number;
}

let source: FetcherGaugeSource | undefined;

export function setGaugeSource(s: FetcherGaugeSource | undefined): void {
  source = s;
}

const registers = [registry];

export const fetcherMetrics = {
  logs: new Counter({
    name: 'verity_fetcher_logs_total',
    help: 'AttachJobLog records made for observed failed jobs, by outcome: stored (the log fetched and stored) or fetch_error (no connection or token, a final API answer, every retry failed).',
    labelNames: ['system', 'outcome'] as const,
    registers,
  }),
  fetchSeconds: new Histogram({
    name: 'verity_fetcher_fetch_seconds',
    help: "Time from a log fetch's start (a free slot) to its result, retries and the store included, by system.",
    labelNames: ['system'] as const,
    buckets: [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300],
    registers,
  }),
  writeFailures: new Counter({
    name: 'verity_fetcher_write_failures_total',
    help: 'Transactions of AttachJobLog records and offsets that failed; they are tried again (the records stay ready).',
    registers,
  }),
  pending: new Gauge({
    name: 'verity_fetcher_pending_jobs',
    help: 'Failed jobs read whose AttachJobLog is not written yet (fetching, waiting for a slot or for their decision to end): the offset commit waits for the oldest.',
    registers,
    collect() {
      this.set(source?.pending() ?? 0);
    },
  }),
  pipelines: new Gauge({
    name: 'verity_fetcher_observed_pipelines',
    help: 'Observed pipelines the fetcher remembers (FETCHER_MAX_PIPELINES at most).',
    registers,
    collect() {
      this.set(source?.pipelines() ?? 0);
    },
  }),
  jobs: new Gauge({
    name: 'verity_fetcher_observed_jobs',
    help: 'Observed job attempts the fetcher remembers (FETCHER_MAX_JOBS at most).',
    registers,
    collect() {
      this.set(source?.jobs() ?? 0);
    },
  }),
};
