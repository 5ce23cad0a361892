// drizzle-orm schema of Verity's Postgres tables. `npm run db:generate` writes the SQL migration for a
// change into services/lib/platform/db/migrations (committed); `verity migrate` applies them.
import {
  bigint,
  customType,
  index,
  integer,
  jsonb,
  pgTable,
  primaryKey,
  text,
  timestamp,
  uniqueIndex,
  uuid,
} from 'drizzle-orm/pg-core';

const bytea = customType<{ data: Buffer }>({ dataType: () => 'bytea' });

/**
 * Consumed offsets of each projection, written in the same transaction as the read-model changes they
 * produced: on start a projector seeks to `next_offset`, so effects are exactly-once whatever Kafka's
 * committed offsets say.
 */
export const projectionCheckpoints = pgTable(
  'projection_checkpoints',
  {
    projection: text('projection').notNull(),
    topic: text('topic').notNull(),
    partition: integer('partition').notNull(),
    nextOffset: bigint('next_offset', { mode: 'bigint' }).notNull(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.projection, t.topic, t.partition] })],
);

/** Job logs, stored once each (redacted), as gzip chunks; `log_id` is what events reference. */
export const jobLogs = pgTable(
  'job_logs',
  {
    logId: uuid('log_id').primaryKey(),
    pipelineId: uuid('pipeline_id').notNull(),
    projectId: text('project_id').notNull(),
    /** The job as the producer named it in the URL: an attempt id or a job name. */
    job: text('job').notNull(),
    bytes: bigint('bytes', { mode: 'number' }).notNull(),
    sha256: text('sha256').notNull(),
    chunks: integer('chunks').notNull(),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  // Deduplication is scoped to one project and one job of one pipeline: the same bytes elsewhere are a
  // separate log, so an upload cannot learn whether another project stored them (issue 11, finding 7).
  (t) => [
    index('job_logs_by_job').on(t.pipelineId, t.job, t.createdAt),
    uniqueIndex('job_logs_by_sha').on(t.projectId, t.pipelineId, t.job, t.sha256),
  ],
);

export const jobLogChunks = pgTable(
  'job_log_chunks',
  {
    logId: uuid('log_id')
      .notNull()
      .references(() => jobLogs.logId, { onDelete: 'cascade' }),
    chunkNo: integer('chunk_no').notNull(),
    data: bytea('data').notNull(),
  },
  (t) => [primaryKey({ columns: [t.logId, t.chunkNo] })],
);

/** Idempotency keys of ingest: the same key with the same request returns the first answer. */
export const ingestIdempotency = pgTable(
  'ingest_idempotency',
  {
    projectId: text('project_id').notNull(),
    key: text('idem_key').notNull(),
    requestHash: text('request_hash').notNull(),
    /** Null while the first request is in flight. */
    responseStatus: integer('response_status'),
    responseBody: jsonb('response_body'),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    /**
     * Until when the request in flight holds the key (its ?wait plus INGEST_IDEMPOTENCY_LEASE_MS); a
     * claim left by a crashed request is taken over after it. Null on rows written before the lease.
     */
    leaseUntil: timestamp('lease_until', { withTimezone: true }),
  },
  (t) => [primaryKey({ columns: [t.projectId, t.key] }), index('ingest_idempotency_created').on(t.createdAt)],
);

/**
 * Ingest's pipeline directory (services/run/ingest/directory.ts): the project that owns each pipeline and
 * the job names of its definition. Ingest writes a row when it accepts a create, before the Kafka
 * write (first writer wins), and from the canonical PipelineCreated events; it authorises every write
 * against it without asking the read model. Ownership never changes.
 */
export const ingestPipelines = pgTable('ingest_pipelines', {
  pipelineId: uuid('pipeline_id').primaryKey(),
  projectId: text('project_id').notNull(),
  jobNames: text('job_names').array().notNull(),
  /** The report id of the create that claimed it: a retry of that same create (same Idempotency-Key) is recognised. */
  reportId: uuid('report_id').notNull(),
  createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
});

/** Job attempt ids (JobCreated.job_id, JobRetried.new_job_id) → their pipeline, from the canonical events. */
export const ingestJobAttempts = pgTable('ingest_job_attempts', {
  jobId: uuid('job_id').primaryKey(),
  pipelineId: uuid('pipeline_id').notNull(),
});

/**
 * Read-model versions per projection: `active` serves readers through the views of schema `rm`;
 * `building` is being filled by a rebuild. Swapped in one transaction.
 */
export const readModelVersions = pgTable('read_model_versions', {
  projection: text('projection').primaryKey(),
  active: integer('active'),
  building: integer('building'),
  updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
});

/**
 * Records a projection dead-lettered (it could never apply them; the record itself is in `<topic>.dlq`),
 * written in the same transaction as the checkpoint that moves past them. The fold is lenient for their
 * pipelines (a seq gap or a missing row there is expected, not a reason to stop the partition), and
 * readers can tell that such a pipeline's rows may be incomplete.
 */
export const projectionDeadLetters = pgTable(
  'projection_dead_letters',
  {
    projection: text('projection').notNull(),
    topic: text('topic').notNull(),
    partition: integer('partition').notNull(),
    offset: bigint('offset', { mode: 'bigint' }).notNull(),
    /** The record's key: the pipeline id (null if it had none). */
    pipelineId: text('pipeline_id'),
    reason: text('reason').notNull(),
    error: text('error').notNull(),
    recordedAt: timestamp('recorded_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    primaryKey({ columns: [t.projection, t.topic, t.partition, t.offset] }),
    index('projection_dead_letters_by_pipeline').on(t.projection, t.pipelineId),
  ],
);
