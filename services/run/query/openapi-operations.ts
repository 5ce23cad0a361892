// The OpenAPI description of operations.ts's routes (openapi.ts merges it): closed objects whose property
// lists are checked against the answers' types at compile time (`satisfies`), and the 403 every one of them
// gives a token scoped to projects.
import type { QueryConfig } from './config.js';
import type { DeadLetterRecord } from './operations-dlq.js';
import type { PartitionLag } from './operations-lag.js';
import type { ConsumerGroup, VersionRow } from './operations-read.js';
import type { ProjectionPoison, ProjectionPoisonCount } from './operations-readmodels.js';
import type { DeadLetterTopic } from './operations.js';
import { operationsParams, REDRIVE_BODY } from './operations-params.js';
import { operation, problemResponse } from './openapi-operation.js';
import {
  bool,
  closed,
  int,
  intOrNull,
  ref,
  str,
  strOrNull,
  time,
  timeOrNull,
  type Props,
  type Schema,
} from './openapi-primitives.js';

const count = { ...int, minimum: 0 };
const offset = { ...int, minimum: 0 };
const percent: Schema = { type: 'number', minimum: 0, maximum: 100 };
const array = (name: string, description?: string): Schema => ({
  type: 'array',
  items: ref(name),
  ...(description ? { description } : {}),
});

const partitionProps = {
  topic: str,
  partition: { ...int, minimum: 0 },
  position: { ...intOrNull, description: 'The next offset the group will handle; null: it keeps no position here' },
  end: { ...offset, description: "The partition's end offset (high watermark)" },
  lag: {
    ...intOrNull,
    minimum: 0,
    description: 'end − position; null without a position (0 in a partition that never had a record to read)',
  },
  stalled: {
    ...bool,
    description: "Behind, and the position did not move for STALL_SECONDS (between this query service's reads)",
  },
  moved_at: { ...timeOrNull, description: 'When this query service last saw the position move (or caught up)' },
} satisfies Props<PartitionLag>;

const groupProps = {
  group: { ...str, description: 'Consumer group id' },
  positions_in: {
    type: 'string',
    enum: ['kafka', 'postgres'],
    description: "kafka: the group's committed offsets; postgres: the projector's checkpoints, kept with its rows",
  },
  projection: { ...strOrNull, description: 'The projection (`<name>@v<N>`) of the checkpoints; null for kafka' },
  state: { ...str, description: "Kafka's group state: Stable, Empty (no member), PreparingRebalance, Dead, …" },
  members: count,
  lag: { ...count, description: 'Sum of the partitions’ lag' },
  stalled: { ...count, description: 'Stalled partitions' },
  partitions: array('OperationsPartition', 'Per topic and partition; none when the group committed no position'),
} satisfies Props<ConsumerGroup>;

const recordProps = {
  partition: count,
  offset,
  timestamp: time,
  key: { ...strOrNull, description: 'The record key as text, masked and clipped (null: none, or not text)' },
  reason: { ...strOrNull, description: 'dlq-reason: the classification that made it poison' },
  error_class: { ...strOrNull, description: 'dlq-error-class' },
  error: { ...strOrNull, description: 'dlq-error, masked and clipped to 500 characters' },
  consumer_group: { ...strOrNull, description: 'dlq-consumer-group: who gave up on it' },
  source_topic: strOrNull,
  source_partition: intOrNull,
  source_offset: intOrNull,
  recorded_at: timeOrNull,
  event_type: { ...strOrNull, description: 'The event-type header' },
  redriven_from: { ...strOrNull, description: 'dlq-redriven-from: it died again after a redrive of this one' },
  bytes: { ...count, description: "The value's size" },
  kind: {
    type: 'string',
    enum: ['none', 'avro', 'text', 'binary'],
    description: "avro: the registry's wire format",
  },
  schema_id: { ...intOrNull, description: 'The registry schema id of an avro value' },
  preview: { ...strOrNull, description: 'A text value: one line, masked, at most 160 characters; otherwise null' },
} satisfies Props<DeadLetterRecord>;

const topicProps = {
  topic: { ...str, description: 'The topic the records died in, where a redrive re-publishes them' },
  dlq: str,
  count: { ...count, description: 'Records in the dead-letter topic' },
  pending: { ...count, description: 'Of which not redriven yet' },
  exact: {
    ...bool,
    description:
      'False: count and pending are offset spans, upper bounds (a transactional write adds a marker offset), as the read did not cover every record',
  },
  redrivable: { ...bool, description: 'False for the canonical topic (`verity rebuild` instead)' },
  complete: { ...bool, description: 'False when the read stopped at its deadline (5 s) before the end' },
  records: array('OperationsDeadLetter', 'The newest ones, newest first'),
} satisfies Props<DeadLetterTopic>;

const poisonProps = {
  projection: str,
  topic: str,
  partition: count,
  offset,
  pipeline_id: strOrNull,
  reason: str,
  error: { ...str, description: 'Masked and clipped to 500 characters' },
  recorded_at: time,
} satisfies Props<ProjectionPoison>;

const poisonCountProps = {
  projection: str,
  topic: str,
  count,
  newest: timeOrNull,
} satisfies Props<ProjectionPoisonCount>;

const progress = {
  done: { ...count, description: 'Records projected: from each partition’s earliest offset to its checkpoint' },
  total: { ...count, description: 'Records there are: earliest to end offset' },
  percent: { ...percent, description: 'done / total, rounded down to 0.1 (100: nothing left, or nothing to read)' },
};

const versionProps = {
  version: { ...int, minimum: 1 },
  schema: { ...str, description: 'rm_v<N>' },
  active: { ...bool, description: 'read_model_versions.active: what the projector service writes' },
  building: { ...bool, description: 'read_model_versions.building: `verity rebuild` is building it' },
  serving: { ...bool, description: 'The `rm` views select from it: what the query API reads' },
  projections: {
    type: 'array',
    description: "Each projection writing the version, with its checkpoints' progress through both topics",
    items: closed({
      projection: str,
      ...progress,
      topics: {
        type: 'array',
        items: closed({
          topic: str,
          ...progress,
          checkpoints: { ...count, description: 'Partitions with a checkpoint' },
          partitions: count,
        }),
      },
    }),
  },
} satisfies Props<VersionRow>;

export function operationsOpenApi(_config: Pick<QueryConfig, 'pageSizeDefault' | 'pageSizeMax'>): {
  paths: Record<string, Schema>;
  schemas: Record<string, Schema>;
} {
  const params = operationsParams();
  const forbidden = problemResponse(
    'The token is scoped to projects: operations need a read token for every project (*)',
  );
  const kafkaDown = problemResponse('Kafka is not configured or did not answer', { 'Retry-After': { schema: str } });
  const get = (operationId: string, summary: string, spec: typeof params.consumers, ok: string) => ({
    get: withResponses(operation({ operationId, summary, params: spec, ok: ref(ok), errors: [400] }), {
      403: forbidden,
      503: kafkaDown,
    }),
  });
  const redrive = operation({
    operationId: 'redriveDeadLetters',
    summary:
      'Re-publishes the dead letters of `<topic>.dlq` not redriven yet to `<topic>`, each once, without their dlq-* headers (as `verity dlq redrive`); at most 10,000 per request',
    params: params.redrive,
    ok: ref('OperationsRedrive'),
    errors: [400],
  });
  return {
    paths: {
      '/v1/operations/consumers': get(
        'getOperationsConsumers',
        "Verity's consumer groups with lag and stalled partitions per topic and partition (the projector's from its checkpoints); read at most every 3 s",
        params.consumers,
        'OperationsConsumers',
      ),
      '/v1/operations/dead-letters': get(
        'getOperationsDeadLetters',
        'Per dead-letter topic: the count, how many are not redriven yet, and the newest records with their reasons (no values: a masked text preview); and the poison the projections recorded in Postgres',
        params.deadLetters,
        'OperationsDeadLetters',
      ),
      '/v1/operations/dead-letters/{topic}/redrive': {
        post: withResponses(
          {
            ...redrive,
            requestBody: { required: true, content: { 'application/json': { schema: REDRIVE_BODY } } },
          },
          {
            403: forbidden,
            409: problemResponse(
              'The canonical topic (its writer is the decider alone: fix the projector, then `verity rebuild`), or a redrive of this topic is running on this instance',
            ),
            413: problemResponse('Body larger than 1 KiB'),
            415: problemResponse('No Content-Type application/json (required even without a body)', {
              Accept: { schema: str },
            }),
            503: kafkaDown,
          },
        ),
      },
      '/v1/operations/read-models': get(
        'getOperationsReadModels',
        'The read-model versions (rm_v<N>): which is active, being built and served by the `rm` views, and how far each one’s projection read its topics (the progress of a rebuild)',
        params.readModels,
        'OperationsReadModels',
      ),
    },
    schemas: {
      OperationsPartition: closed(partitionProps),
      OperationsGroup: closed(groupProps),
      OperationsConsumers: closed({
        observed_at: time,
        stall_ms: { ...count, description: 'STALL_SECONDS in ms' },
        groups: array('OperationsGroup'),
        truncated: { ...bool, description: 'More than 100 groups: the first 100 by id are listed' },
      }),
      OperationsDeadLetter: closed(recordProps),
      OperationsDeadLetterTopic: closed(topicProps),
      OperationsDeadLetters: closed({
        observed_at: time,
        limit: count,
        topics: array('OperationsDeadLetterTopic'),
        projections: closed({
          counts: { type: 'array', items: closed(poisonCountProps), description: 'Per projection and topic' },
          newest: { type: 'array', items: closed(poisonProps), description: 'The newest, newest first' },
        }),
      }),
      OperationsRedrive: closed({ topic: str, redriven: { ...count, description: 'Records re-published' } }),
      OperationsReadModels: closed({
        observed_at: time,
        active: { ...intOrNull, description: 'The active version' },
        building: { ...intOrNull, description: 'The version `verity rebuild` is building, if any' },
        serving: { ...intOrNull, description: 'The version the `rm` views select from' },
        versions: array('OperationsVersion', 'Newest first'),
      }),
      OperationsVersion: closed(versionProps),
    },
  };
}

function withResponses(op: Schema, extra: Record<number, Schema>): Schema {
  return { ...op, responses: { ...(op.responses as Record<string, Schema>), ...extra } };
}
