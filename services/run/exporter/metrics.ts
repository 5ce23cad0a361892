// The exporter's own metrics, in the process registry of platform/telemetry (beside the consumer's
// verity_consumer_*, verity_events_total and the process metrics). Only the exporter imports this module.
import { Counter } from 'prom-client';
import { registry } from '../../lib/platform/telemetry/metrics.js';

export const exporterMetrics = {
  requests: new Counter({
    name: 'verity_exporter_requests_total',
    help: 'POSTs of a CDEvent to the sink, by result: ok (2xx, or 409: it had the event), retry (408, 429, 5xx, any other refusal, a timeout or a network error: sent again), rejected (400, 413, 415, 422: logged, not sent again).',
    labelNames: ['result'] as const,
    registers: [registry],
  }),
  delivered: new Counter({
    name: 'verity_exporter_delivered_total',
    help: 'CDEvents the sink took, by CDEvent (pipelinerun.queued, pipelinerun.started, pipelinerun.finished, taskrun.started, taskrun.finished). At least once: a redelivery after a restart counts again.',
    labelNames: ['cdevent'] as const,
    registers: [registry],
  }),
};
