// The timer's own metrics, in the process registry of platform/telemetry (beside the consumer's verity_consumer_*,
// verity_events_total and the process_* and nodejs_* metrics). Only the timer imports this module: no other
// service's /metrics shows these series. The gauges are read from the running timer's due book at each scrape.
import { Counter, Gauge } from 'prom-client';
import { registry } from '../../lib/platform/telemetry/metrics.js';

export interface TimerGaugeSource {
  pipelines(): number;
  oldestOverdueSeconds(): number;
}

let source: TimerGaugeSource | undefined;

/** The timer whose due book the gauges show (undefined: none runs; the gauges read 0). */
export function setGaugeSource(s: TimerGaugeSource | undefined): void {
  source = s;
}

export const timerMetrics = {
  ticks: new Counter({
    name: 'verity_timer_ticks_total',
    help: 'Tick reports the timer sent to ci.intake.v1, by kind: first (the first for a due time) or resend (no new due time came within TIMER_RESEND_MS).',
    labelNames: ['kind'] as const,
    registers: [registry],
  }),
  sendFailures: new Counter({
    name: 'verity_timer_send_failures_total',
    help: 'Rounds whose Ticks Kafka did not confirm; they are sent again at the next round (a Tick acts only on what is due at its instant, so a repeat that lands twice is harmless: nothing_due).',
    registers: [registry],
  }),
  untracked: new Counter({
    name: 'verity_timer_untracked_total',
    help: 'Due times not held because the due book was full (TIMER_MAX_PIPELINES): those pipelines get no Tick until their next due time finds room.',
    registers: [registry],
  }),
  pipelines: new Gauge({
    name: 'verity_timer_pipelines',
    help: 'Pipelines with a due time held in the due book (of the partitions of ci.pipeline.due.v1 this instance reads).',
    registers: [registry],
    collect() {
      this.set(source?.pipelines() ?? 0);
    },
  }),
  oldestOverdue: new Gauge({
    name: 'verity_timer_oldest_overdue_seconds',
    help: 'How long ago the earliest due time held passed (0: nothing overdue); it grows while Ticks take no effect (the decider down or lagging).',
    registers: [registry],
    collect() {
      this.set(source?.oldestOverdueSeconds() ?? 0);
    },
  }),
};
