// Prometheus metrics: one prom-client registry per process, every Verity metric defined here (names
// `verity_*`), plus the default process metrics (process_*, nodejs_*). createHttpApp serves the registry
// on GET /metrics. Labels are bounded: services, topics, event types, reason codes, route templates,
// providers, categories — never a project, pipeline, job or report id.
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';

export const registry = new Registry();
collectDefaultMetrics({ register: registry });

/** Content type of the text exposition format (text/plain; version=0.0.4). */
export const METRICS_CONTENT_TYPE = registry.contentType;

const registers = [registry];
const CIRCUIT_VALUE: Record<string, number> = { closed: 0, half_open: 1, 'half-open': 1, open: 2 };
const circuitSources = new Set<() => Record<string, string>>();

export const metrics = {
  events: new Counter({
    name: 'verity_events_total',
    help: 'Kafka records consumed or produced by a service, by topic and event type (within one service a topic is either consumed or produced).',
    labelNames: ['service', 'topic', 'type'] as const,
    registers,
  }),
  batchSize: new Histogram({
    name: 'verity_batch_size',
    help: 'Records per consumed Kafka batch (one partition), by service.',
    labelNames: ['service'] as const,
    buckets: [1, 2, 5, 10, 20, 50, 100, 200, 500, 1000, 2000, 5000, 10000],
    registers,
  }),
  consumerLag: new Gauge({
    name: 'verity_consumer_lag',
    help: "Records behind the partition's high watermark (read from the broker every few seconds) of the consumer's own position (the offset after the last record it handled), by consumer group, topic and partition; only partitions the process owns.",
    labelNames: ['group', 'topic', 'partition'] as const,
    registers,
  }),
  consumerStalled: new Gauge({
    name: 'verity_consumer_stalled_partitions',
    help: 'Partitions behind their high watermark whose position has not moved for STALL_SECONDS, or stopped by a seq gap, by consumer group and topic.',
    labelNames: ['group', 'topic'] as const,
    registers,
  }),
  consumerFailures: new Counter({
    name: 'verity_consumer_failures_total',
    help: 'Failed attempts to process a slice of records, by consumer group and error class (transient: retried; poison and suspect: split, then dead-lettered; reposition; stall).',
    labelNames: ['group', 'class'] as const,
    registers,
  }),
  consumerRestarts: new Counter({
    name: 'verity_consumer_restarts_total',
    help: 'Kafka consumers recreated after they crashed (broker gone, group coordinator lost, …), by consumer group.',
    labelNames: ['group'] as const,
    registers,
  }),
  transactionConflicts: new Counter({
    name: 'verity_kafka_transaction_conflicts_total',
    help: "Transactional requests the coordinator refused with CONCURRENT_TRANSACTIONS (the last transaction's markers not yet written) and kafkajs retried, by Kafka client id.",
    labelNames: ['client'] as const,
    registers,
  }),
  e2eLag: new Histogram({
    name: 'verity_e2e_lag_seconds',
    help: 'End-to-end lag: read model committed (projector) minus the event occurred_at (the ingest clock when the producer sent no time of its own), by topic.',
    labelNames: ['topic'] as const,
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300, 900],
    registers,
  }),
  rejections: new Counter({
    name: 'verity_rejections_total',
    help: 'Intake reports rejected by the decider (ReportRejected), by rejection code.',
    labelNames: ['code'] as const,
    registers,
  }),
  divergences: new Counter({
    name: 'verity_observed_divergences_total',
    help: "Observed jobs moved in a way GitLab's job model forbids (JobDiverged), by CI system, from and to status.",
    labelNames: ['system', 'from', 'to'] as const,
    registers,
  }),
  deliveries: new Counter({
    name: 'verity_webhook_deliveries_total',
    help: 'Webhook and CDEvents deliveries at ingest, by CI system and outcome (accepted, ignored, invalid, unauthorized, forbidden, replayed).',
    labelNames: ['system', 'outcome'] as const,
    registers,
  }),
  dlq: new Counter({
    name: 'verity_dlq_total',
    help: 'Records sent to a dead-letter topic, by dead-letter topic.',
    labelNames: ['topic'] as const,
    registers,
  }),
  httpDuration: new Histogram({
    name: 'verity_http_request_duration_seconds',
    help: 'HTTP request duration, by service, method, express route template (never the raw URL) and status code.',
    labelNames: ['service', 'method', 'route', 'status'] as const,
    buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
    registers,
  }),
  remediationLatency: new Histogram({
    name: 'verity_remediation_latency_seconds',
    help: 'Duration of remediation provider calls (proposals and provider failures; not calls refused by a guard), by provider.',
    labelNames: ['provider'] as const,
    buckets: [0.01, 0.05, 0.1, 0.25, 0.5, 1, 2, 5, 10, 20, 30, 60, 120],
    registers,
  }),
  remediationTokens: new Counter({
    name: 'verity_remediation_tokens_total',
    help: 'Tokens used by remediation proposals, by provider and kind (prompt, completion).',
    labelNames: ['provider', 'kind'] as const,
    registers,
  }),
  remediationNotProposed: new Counter({
    name: 'verity_remediation_not_proposed_total',
    help: 'Failures that got no proposal (RemediationNotProposed), by provider and reason (kill_switch, budget_exhausted, circuit_open, provider_error, invalid_output, timeout, rate_limited).',
    labelNames: ['provider', 'reason'] as const,
    registers,
  }),
  circuitState: new Gauge({
    name: 'verity_remediation_circuit_state',
    help: 'Circuit breaker state per remediation provider: 0 closed, 1 half-open, 2 open.',
    labelNames: ['provider'] as const,
    registers,
    collect() {
      for (const source of circuitSources) {
        for (const [provider, state] of Object.entries(source())) this.set({ provider }, CIRCUIT_VALUE[state] ?? 0);
      }
    },
  }),
  proposals: new Counter({
    name: 'verity_proposals_total',
    help: 'Remediation proposals emitted (RemediationProposed), by provider and failure category.',
    labelNames: ['provider', 'category'] as const,
    registers,
  }),
  scores: new Counter({
    name: 'verity_scores_total',
    help: 'Proposals scored by the scorer (RemediationScored), by label (correct, incorrect, expired).',
    labelNames: ['label'] as const,
    registers,
  }),
};

/** Reports circuit states (provider → closed | half_open | open) on every scrape; returns the unregister function. */
export function addCircuitSource(source: () => Record<string, string>): () => void {
  circuitSources.add(source);
  return () => circuitSources.delete(source);
}

/** Adds `n` to verity_events_total once per event type (events counted by type first). */
export function countEvents(service: string, topic: string, types: Iterable<string>): void {
  const counts = new Map<string, number>();
  for (const t of types) counts.set(t, (counts.get(t) ?? 0) + 1);
  for (const [type, n] of counts) metrics.events.inc({ service, topic, type }, n);
}
