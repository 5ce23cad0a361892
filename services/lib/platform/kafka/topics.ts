// The one declarative list of Verity's topics (ARCHITECTURE.md, "Topics"). `verity topics apply`
// creates what is missing and aligns configs and partition counts; nothing else creates topics.

const DAY_MS = 24 * 60 * 60 * 1000;

/**
 * VERITY_TOPIC_PREFIX isolates a whole Verity (topics, consumer groups, transactional ids) on a shared
 * cluster: benchmarks and experiments run under their own prefix and never touch production topics.
 * Read once at start-up. Schema subjects keep the logical names (see logicalTopic).
 */
export const TOPIC_PREFIX = process.env.VERITY_TOPIC_PREFIX ?? '';

const LOGICAL = {
  intake: 'ci.intake.v1',
  pipelineEvents: 'ci.pipeline.events.v1',
  pipelineState: 'ci.pipeline.state.v1',
  pipelineDue: 'ci.pipeline.due.v1',
  intakeRejected: 'ci.intake.rejected.v1',
  remediationEvents: 'ci.remediation.events.v1',
  coordination: 'ci.coordination.v1',
  coordinationState: 'ci.coordination.state.v1',
} as const;

export const TOPICS: { readonly [K in keyof typeof LOGICAL]: string } = Object.fromEntries(
  Object.entries(LOGICAL).map(([k, v]) => [k, TOPIC_PREFIX + v]),
) as { [K in keyof typeof LOGICAL]: string };

/** The topic's name without the prefix: the schemas/ directory and registry subject it uses. */
export const logicalTopic = (topic: string): string =>
  TOPIC_PREFIX && topic.startsWith(TOPIC_PREFIX) ? topic.slice(TOPIC_PREFIX.length) : topic;

/** A consumer group or transactional id, isolated by the prefix like the topics. */
export const scopedId = (id: string): string => TOPIC_PREFIX + id;

export const dlqOf = (topic: string): string => `${topic}.dlq`;

export interface TopicSpec {
  name: string;
  description: string;
  /** Kafka topic configs, as strings, exactly as the broker reports them. */
  configs: Record<string, string>;
}

const forever = { 'cleanup.policy': 'delete', 'retention.ms': '-1', 'retention.bytes': '-1' };
const days = (n: number) => ({
  'cleanup.policy': 'delete',
  'retention.ms': String(n * DAY_MS),
  'retention.bytes': '-1',
});

/** Latest value per key; a tombstone (null value) removes the key. */
const compacted = { 'cleanup.policy': 'compact', 'min.cleanable.dirty.ratio': '0.5', 'segment.ms': String(DAY_MS) };

/**
 * Topics consumed by a service, which therefore have a dead-letter topic. The timer reads ci.pipeline.due.v1 in
 * mode 'none' (it skips poison, writes no dead letters): that topic has none.
 */
const consumed: string[] = [TOPICS.intake, TOPICS.pipelineEvents, TOPICS.remediationEvents, TOPICS.coordination];

export function topicSpecs(replicationFactor: number): TopicSpec[] {
  // One replica may be down in production (RF 3) without stopping writes; dev/CI has one replica.
  const minIsr = String(Math.max(1, Math.min(2, replicationFactor - 1)));
  const base = (name: string, description: string, configs: Record<string, string>): TopicSpec => ({
    name,
    description,
    configs: { ...configs, 'min.insync.replicas': minIsr },
  });
  return [
    base(TOPICS.intake, "producers' reports and commands, as received and validated", days(7)),
    base(TOPICS.pipelineEvents, 'canonical domain events; the source of truth', forever),
    base(TOPICS.pipelineState, "compacted changelog of the decider's per-pipeline state", compacted),
    base(
      TOPICS.pipelineDue,
      "each pipeline's earliest due time, for the timer (compacted; none: a tombstone)",
      compacted,
    ),
    base(TOPICS.intakeRejected, 'reports refused, with a machine-readable reason', days(30)),
    base(TOPICS.remediationEvents, 'remediation proposals, feedback and scores', forever),
    base(
      TOPICS.coordination,
      "the deciders' requests for decisions across pipelines, keyed by coordination key",
      days(7),
    ),
    base(TOPICS.coordinationState, "compacted changelog of the coordinator's per-key state", compacted),
    ...consumed.map((t) => base(dlqOf(t), `records of ${t} that could not be decoded or applied`, days(30))),
  ];
}
