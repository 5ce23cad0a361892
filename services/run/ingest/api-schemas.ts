// JSON Schemas of the ingest API's requests (what producers send; ingest fills defaults and writes the
// normalised intake record, whose own schema is in schemas/ci.intake.v1/). Every schema here goes
// through tightenSchema: each integer is bounded to what its Postgres column holds (int32) and no
// string holds U+0000 or a lone surrogate, so a record ingest accepts can always be projected (issue
// 11, finding 1). The registered intake schemas stay as they are (see platform/schemas/safety.ts).
import { loadCatalog } from '../../lib/platform/schemas/catalog.js';
import { tightenSchema } from '../../lib/platform/schemas/safety.js';

const intake = (type: string) => {
  const entry = loadCatalog().find((e) => e.topic === 'ci.intake.v1' && e.type === type);
  if (!entry) throw new Error(`schemas/ci.intake.v1/${type}.v1.json missing`);
  return entry.schema.properties as Record<string, Record<string, unknown>>;
};
const create = intake('CreatePipeline');
const report = intake('ReportJob');
const play = intake('PlayJob');
const definition = create.definition as {
  properties: {
    stages: object;
    jobs: { items: { properties: Record<string, object> } };
    resource_groups: object;
    workflow: object;
  };
};
const jobProps = definition.properties.jobs.items.properties;

/**
 * A job as a URL or a bulk line names it: an attempt id (UUID) or a job name (the job-name schema:
 * 1..255 characters), without control characters (none can be in a job name ingest accepts).
 */
const NO_CONTROL_PATTERN = '^[^\\u0000-\\u001F\\u007F]*$';
export const jobRef = tightenSchema({
  ...jobProps.name!,
  pattern: NO_CONTROL_PATTERN,
  description: 'A job attempt id (UUID) or a job name (its latest attempt).',
});

/** A matrix value (it becomes part of job names): no control characters, ≤ 255 characters. */
const matrixValue = { type: 'string', maxLength: 255, pattern: NO_CONTROL_PATTERN } as const;
/**
 * GitLab's parallel:matrix (also needs:parallel:matrix): entries of variables (letters, digits and `_`), each
 * a value or a list of values. How many jobs it makes (≤ 200) is checked on the definition (authored.ts).
 */
const matrix = {
  type: 'array',
  minItems: 1,
  items: {
    type: 'object',
    minProperties: 1,
    propertyNames: { pattern: '^[A-Za-z0-9_]+$', maxLength: 255 },
    additionalProperties: { oneOf: [matrixValue, { type: 'array', minItems: 1, items: matrixValue }] },
  },
} as const;
/** An exit code or a non-empty list of them (GitLab's allow_failure:exit_codes, retry:exit_codes). */
const exitCodes = { oneOf: [{ type: 'integer' }, { type: 'array', minItems: 1, items: { type: 'integer' } }] } as const;
/** A GitLab duration ("30 minutes", "3h 30m"); read by core/pipeline/duration.ts. */
const duration = { type: 'string', minLength: 1, maxLength: 255 } as const;
const triggerProps = (jobProps.trigger as { properties: Record<'project' | 'branch' | 'strategy', object> }).properties;
const retryProps = (jobProps.retry as { properties: { max: object; when: { items: object } } }).properties;
/**
 * A job as a producer writes it: GitLab's job keywords, compiled to the canonical job of the intake record
 * by core/pipeline/authored.ts (docs/API.md, "Definition keywords").
 */
const authoredJob = {
  type: 'object',
  additionalProperties: false,
  required: ['name', 'stage'],
  properties: {
    name: { ...jobProps.name!, pattern: NO_CONTROL_PATTERN },
    stage: jobProps.stage!,
    needs: {
      type: ['array', 'null'],
      maxItems: 50,
      items: {
        oneOf: [
          jobProps.name!,
          {
            type: 'object',
            additionalProperties: false,
            required: ['job'],
            properties: {
              job: jobProps.name!,
              optional: { type: 'boolean' },
              parallel: { type: 'object', additionalProperties: false, required: ['matrix'], properties: { matrix } },
            },
          },
        ],
      },
      description: 'null or absent: stage order; an array (even empty): these jobs only.',
    },
    dependencies: { type: 'array', maxItems: 500, items: jobProps.name! },
    when: jobProps.when!,
    start_in: { ...duration, description: 'With when: delayed only, ≤ 1 week.' },
    timeout: { ...duration, description: '≤ 1 month.' },
    allow_failure: {
      oneOf: [
        { type: 'boolean' },
        {
          type: 'object',
          additionalProperties: false,
          required: ['exit_codes'],
          properties: { exit_codes: exitCodes },
        },
      ],
    },
    retry: {
      oneOf: [
        { type: 'integer', minimum: 0, maximum: 2 },
        {
          type: 'object',
          additionalProperties: false,
          required: ['max'],
          properties: {
            max: retryProps.max,
            when: {
              oneOf: [
                retryProps.when.items,
                { type: 'array', minItems: 1, uniqueItems: true, items: retryProps.when.items },
              ],
            },
            exit_codes: exitCodes,
          },
        },
      ],
    },
    parallel: {
      oneOf: [
        { type: 'integer', minimum: 1, maximum: 200 },
        { type: 'object', additionalProperties: false, required: ['matrix'], properties: { matrix } },
      ],
    },
    interruptible: { type: 'boolean' },
    resource_group: jobProps.resource_group!,
    trigger: {
      type: 'object',
      additionalProperties: false,
      required: ['definition'],
      properties: {
        project: triggerProps.project,
        branch: triggerProps.branch,
        strategy: triggerProps.strategy,
        // The downstream pipeline's definition, authored like this one (the create body's own definition).
        definition: { $ref: '#/properties/definition' },
      },
      description: 'A trigger job: a child pipeline of this project, or a pipeline of `project`, from `definition`.',
    },
  },
} as const;

const common = {
  project_id: create.project_id!,
  idempotency_key: { type: 'string', minLength: 1, maxLength: 255 },
  occurred_at: {
    type: 'string',
    format: 'date-time',
    // What Postgres' timestamptz and Date.parse both take: years 1000–9999, no leap second, an offset within ±14:59.
    pattern:
      '^[1-9][0-9]{3}-[0-9]{2}-[0-9]{2}[Tt ][0-9]{2}:[0-9]{2}:[0-5][0-9](\\.[0-9]{1,9})?([Zz]|[+-](0[0-9]|1[0-4]):[0-5][0-9])$',
  },
};

export const createPipelineBody = tightenSchema({
  type: 'object',
  additionalProperties: false,
  required: ['project_id', 'ref', 'sha', 'definition'],
  properties: {
    ...common,
    pipeline_id: { type: 'string', format: 'uuid', description: 'Optional: the producer may choose the id.' },
    ref: create.ref!,
    sha: create.sha!,
    source: create.source!,
    definition: {
      type: 'object',
      additionalProperties: false,
      required: ['stages', 'jobs'],
      properties: {
        stages: definition.properties.stages,
        jobs: {
          type: 'array',
          minItems: 1,
          maxItems: 500,
          items: authoredJob,
        },
        resource_groups: definition.properties.resource_groups,
        workflow: definition.properties.workflow,
      },
    },
  },
} as const);

export const jobReportBody = tightenSchema({
  type: 'object',
  additionalProperties: false,
  required: ['project_id', 'status'],
  properties: {
    ...common,
    status: report.status!,
    runner_id: { type: 'string', minLength: 1, maxLength: 255 },
    failure_reason: { type: 'string', minLength: 1, maxLength: 255 },
    exit_code: { type: 'integer' },
    log_tail: {
      type: 'string',
      maxLength: 1 << 20,
      description: 'Used for the excerpt when no log was uploaded with PUT .../log.',
    },
    masked_values: { type: 'array', maxItems: 100, items: { type: 'string', maxLength: 4096 } },
  },
  allOf: [
    { if: { properties: { status: { const: 'running' } } }, then: { required: ['runner_id'] } },
    { if: { properties: { status: { const: 'failed' } } }, then: { required: ['failure_reason'] } },
  ],
} as const);

export const commandBody = tightenSchema({
  type: 'object',
  additionalProperties: false,
  required: ['project_id'],
  properties: common,
} as const);

/**
 * Body of POST …/play: a command's, plus the variables of this run of the manual job (≤ 50, the PlayJob
 * schema's keys and values). Their values are secrets: never logged, masked in the pipeline's logs.
 */
export const playBody = tightenSchema({
  type: 'object',
  additionalProperties: false,
  required: ['project_id'],
  properties: { ...common, variables: play.variables! },
} as const);

/** One NDJSON line of POST /v1/reports:bulk: an operation plus that operation's body fields. */
export const bulkOps = [
  'create_pipeline',
  'report',
  'cancel',
  'retry',
  'play',
  'cancel_job',
  'retry_pipeline',
  'unschedule',
] as const;
export type BulkOp = (typeof bulkOps)[number];
/** The operations that name a job (the others name a pipeline, or create one). */
export const bulkJobOps = ['report', 'retry', 'play', 'cancel_job', 'unschedule'] as const;
export const bulkLineHead = tightenSchema({
  type: 'object',
  required: ['op'],
  properties: {
    op: { type: 'string', enum: bulkOps },
    pipeline_id: { type: 'string', format: 'uuid' },
    job: jobRef,
  },
  allOf: [
    {
      if: { properties: { op: { enum: bulkOps.filter((op) => op !== 'create_pipeline') } } },
      then: { required: ['pipeline_id'] },
    },
    { if: { properties: { op: { enum: bulkJobOps } } }, then: { required: ['job'] } },
  ],
} as const);

/** ?project_id= of PUT …/log. */
export const logQuery = tightenSchema({
  type: 'object',
  additionalProperties: false,
  required: ['project_id'],
  properties: { project_id: create.project_id! },
} as const);

/** The query of every JSON write route: ?wait=<ms>, a decimal integer (its bound is INGEST_WAIT_MAX_MS). */
export const waitQuery = {
  type: 'object',
  additionalProperties: false,
  properties: { wait: { type: 'string', pattern: '^[0-9]{1,10}$' } },
} as const;
