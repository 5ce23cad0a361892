// JSON Schemas of the ingest API's request bodies (what producers send; ingest fills defaults and
// writes the normalised intake record, whose own schema is in schemas/ci.intake.v1/).
import { loadCatalog } from '../platform/schemas/catalog.js';

const intake = (type: string) => {
  const entry = loadCatalog().find((e) => e.topic === 'ci.intake.v1' && e.type === type);
  if (!entry) throw new Error(`schemas/ci.intake.v1/${type}.v1.json missing`);
  return entry.schema.properties as Record<string, Record<string, unknown>>;
};
const create = intake('CreatePipeline');
const report = intake('ReportJob');
const definition = create.definition as { properties: { stages: object; jobs: { items: { properties: Record<string, object> } } } };
const jobProps = definition.properties.jobs.items.properties;

const common = {
  project_id: create.project_id!,
  idempotency_key: { type: 'string', minLength: 1, maxLength: 255 },
  occurred_at: { type: 'string', format: 'date-time' },
};

export const createPipelineBody = {
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
          items: {
            type: 'object',
            additionalProperties: false,
            required: ['name', 'stage'],
            properties: {
              name: jobProps.name!,
              stage: jobProps.stage!,
              needs: jobProps.needs!,
              when: jobProps.when!,
              allow_failure: jobProps.allow_failure!,
              retry: { oneOf: [{ type: 'integer', minimum: 0, maximum: 2 }, { ...jobProps.retry!, required: ['max'] }] },
            },
          },
        },
      },
    },
  },
} as const;

export const jobReportBody = {
  type: 'object',
  additionalProperties: false,
  required: ['project_id', 'status'],
  properties: {
    ...common,
    status: report.status!,
    runner_id: { type: 'string', minLength: 1, maxLength: 255 },
    failure_reason: { type: 'string', minLength: 1, maxLength: 255 },
    exit_code: { type: 'integer' },
    log_tail: { type: 'string', maxLength: 1 << 20, description: 'Used for the excerpt when no log was uploaded with PUT .../log.' },
    masked_values: { type: 'array', maxItems: 100, items: { type: 'string', maxLength: 4096 } },
  },
  allOf: [
    { if: { properties: { status: { const: 'running' } } }, then: { required: ['runner_id'] } },
    { if: { properties: { status: { const: 'failed' } } }, then: { required: ['failure_reason'] } },
  ],
} as const;

export const commandBody = {
  type: 'object',
  additionalProperties: false,
  required: ['project_id'],
  properties: common,
} as const;

/** One NDJSON line of POST /v1/reports:bulk: an operation plus that operation's body fields. */
export const bulkOps = ['create_pipeline', 'report', 'cancel', 'retry', 'play'] as const;
export type BulkOp = (typeof bulkOps)[number];
export const bulkLineHead = {
  type: 'object',
  required: ['op'],
  properties: {
    op: { type: 'string', enum: bulkOps },
    pipeline_id: { type: 'string', format: 'uuid' },
    job: { type: 'string', minLength: 1, maxLength: 255 },
  },
  allOf: [
    { if: { properties: { op: { enum: ['report', 'cancel', 'retry', 'play'] } } }, then: { required: ['pipeline_id'] } },
    { if: { properties: { op: { enum: ['report', 'retry', 'play'] } } }, then: { required: ['job'] } },
  ],
} as const;
