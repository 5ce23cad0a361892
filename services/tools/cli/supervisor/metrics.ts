// The supervisor's own metrics, in the process registry of platform/telemetry (which also holds the
// process_* and nodejs_* metrics of the supervisor process). Only the supervisor imports this module:
// a service's /metrics never shows these series.
import { Counter, Gauge } from 'prom-client';
import { registry } from '../../../lib/platform/telemetry/metrics.js';

export const supervisorMetrics = {
  restarts: new Counter({
    name: 'verity_supervisor_restarts_total',
    help: 'Times the supervisor started a service again after its process exited unasked, by service.',
    labelNames: ['service'] as const,
    registers: [registry],
  }),
  up: new Gauge({
    name: 'verity_supervisor_up',
    help: "1 while the service's process runs under the supervisor, 0 while it is down (backoff, given up, stopped), by service.",
    labelNames: ['service'] as const,
    registers: [registry],
  }),
};
