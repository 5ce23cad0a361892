// The coordinator's own metrics, in the process registry of platform/telemetry (beside the consumer's
// verity_consumer_*, verity_events_total and the process_* and nodejs_* metrics). Only the coordinator imports
// this module: no other service's /metrics shows these series.
import { Counter, Gauge } from 'prom-client';
import { registry } from '../../lib/platform/telemetry/metrics.js';

let keys: (() => number) | undefined;

/** Where the keys gauge reads from (undefined: no coordinator runs; it reads 0). */
export function setKeysSource(source: (() => number) | undefined): void {
  keys = source;
}

export const coordinatorMetrics = {
  refDropped: new Counter({
    name: 'verity_coordination_ref_dropped_total',
    help: "Pipelines alive on a ref dropped from the coordinator's open set because it was full (COORDINATOR_REF_OPEN_MAX): a newer pipeline no longer auto-cancels them.",
    registers: [registry],
  }),
  keys: new Gauge({
    name: 'verity_coordination_keys',
    help: 'Coordination keys (busy resource groups, refs with pipelines alive) held in memory, of the partitions this instance owns.',
    registers: [registry],
    collect() {
      this.set(keys?.() ?? 0);
    },
  }),
};
