// JSON Schemas of every route's path and query parameters: Ajv validates requests with them (400 +
// JSON pointers /path/<name>, /query/<name>) and openapi.ts publishes the same objects.
import type { Request } from 'express';
import { PIPELINE_SYSTEMS } from '../../lib/core/observed/systems.js';
import { JOB_STATUSES } from '../../lib/core/pipeline/index.js';
import { check } from '../../lib/platform/http/validate.js';
import { loadCatalog } from '../../lib/platform/schemas/catalog.js';
import { createAjv } from '../../lib/platform/schemas/ajv.js';
import { tightenSchema } from '../../lib/platform/schemas/safety.js';
import type { QueryConfig } from './config.js';
import { CATEGORIES } from '../../lib/core/remediation/proposal.js';

type Schema = Record<string, unknown>;
export interface ObjectSchema {
  type: 'object';
  additionalProperties: false;
  required: string[];
  properties: Record<string, Schema>;
}

const created = loadCatalog().find((e) => e.topic === 'ci.pipeline.events.v1' && e.type === 'PipelineCreated');
if (!created) throw new Error('schemas/ci.pipeline.events.v1/PipelineCreated.v1.json missing');
const event = created.schema.properties as Record<string, Schema>;

const object = (properties: Record<string, Schema>, required: string[] = []): ObjectSchema => ({
  type: 'object',
  additionalProperties: false,
  required,
  properties,
});
/**
 * A UUID as Postgres' uuid column takes it: 36 characters, hyphenated (ajv's format alone also takes `urn:uuid:…`,
 * which Postgres refuses).
 */
const UUID_PATTERN = '^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$';
const uuid = (what: string): Schema => ({
  type: 'string',
  format: 'uuid',
  pattern: UUID_PATTERN,
  minLength: 36,
  maxLength: 36,
  description: `${what} (UUID)`,
});
/** RFC 3339, and within what Postgres' timestamptz takes (year 1000 and later, offset within ±14 h). */
const instant: Schema = {
  type: 'string',
  format: 'date-time',
  pattern:
    '^[1-9][0-9]{3}-[0-9]{2}-[0-9]{2}[Tt][0-9]{2}:[0-9]{2}:[0-9]{2}(\\.[0-9]{1,9})?([Zz]|[+-](0[0-9]|1[0-4]):[0-9]{2})$',
};
const project: Schema = {
  ...event.project_id,
  description: 'Project id, e.g. group/app (URL-encoded in a path: group%2Fapp)',
};
/** A job's resource_group as a definition names it (PipelineCreated). */
const definitionJob = ((event.definition!.properties as Record<string, Schema>).jobs!.items as Schema)
  .properties as Record<string, Schema>;
const { description: _groupDescription, ...groupName } = definitionJob.resource_group!;
const resourceGroup: Schema = {
  ...groupName,
  description: "Resource group name, as the jobs' resource_group names it (URL-encoded in a path)",
};

export interface RouteParams {
  path?: ObjectSchema;
  query?: ObjectSchema;
}

/**
 * Every route's parameters; every free string refuses U+0000 and lone surrogates (safety.ts:
 * tightenSchema), so no value reaches Postgres that it would refuse with a 500.
 */
export function paramSchemas(config: Pick<QueryConfig, 'pageSizeDefault' | 'pageSizeMax'>) {
  return tightenSchema(routeSchemas(config));
}

function routeSchemas(config: Pick<QueryConfig, 'pageSizeDefault' | 'pageSizeMax'>) {
  const limit: Schema = {
    type: 'integer',
    minimum: 1,
    maximum: config.pageSizeMax,
    default: config.pageSizeDefault,
    description: 'Items per page',
  };
  const cursor: Schema = {
    type: 'string',
    minLength: 1,
    maxLength: 512,
    pattern: '^[A-Za-z0-9_-]+$',
    description: 'next_cursor of the previous page',
  };
  return {
    listPipelines: {
      query: object({
        project: { ...project, description: 'Only this project (a token scoped to projects lists only those)' },
        ref: { ...event.ref, description: 'Only this branch or tag' },
        status: { type: 'string', enum: [...JOB_STATUSES], description: 'Only pipelines in this status' },
        source: {
          ...event.source,
          description: 'Only pipelines of this source (what started them: push, schedule, …)',
        },
        system: {
          type: 'string',
          enum: [...PIPELINE_SYSTEMS],
          description: 'Only pipelines reported by this CI (verity: decided by Verity; the others: observed)',
        },
        created_after: { ...instant, description: 'Only pipelines created strictly after this instant (RFC 3339)' },
        created_before: { ...instant, description: 'Only pipelines created strictly before this instant (RFC 3339)' },
        limit,
        cursor,
      }),
    },
    // Routes without query parameters still validate the query: an unknown parameter is a 400, never ignored.
    pipeline: { path: object({ id: uuid('Pipeline id') }, ['id']), query: object({}) },
    job: { path: object({ id: uuid('Job attempt id') }, ['id']), query: object({}) },
    flakyJobs: { path: object({ project }, ['project']), query: object({ limit }) },
    resourceGroup: {
      path: object({ project, group: resourceGroup }, ['project', 'group']),
      query: object({ limit: { ...limit, description: 'Waiting jobs per page' }, cursor }),
    },
    remediations: {
      query: object({
        project: { ...project, description: 'Only this project (a token scoped to projects lists only those)' },
        provider: {
          type: 'string',
          pattern: '^[a-z][a-z0-9_-]{0,63}$',
          description: 'Only this provider (heuristic, openai, …)',
        },
        prompt_version: { type: 'string', minLength: 1, maxLength: 64, description: 'Only this prompt version' },
        category: { type: 'string', enum: [...CATEGORIES], description: 'Only this failure category' },
        label: {
          type: 'string',
          enum: ['correct', 'incorrect', 'expired', 'pending'],
          description: 'Only proposals scored so (pending: not scored yet)',
        },
        job_id: uuid('Only the proposals for this failed job attempt'),
        include_shadow: {
          type: 'string',
          enum: ['true', 'false'],
          default: 'false',
          description: 'Include proposals recorded in shadow mode (hidden by default)',
        },
        limit,
        cursor,
      }),
    },
    remediationSummary: {
      query: object({
        project: { ...project, description: 'Only this project' },
        window: {
          type: 'string',
          pattern: '^([1-9]|[1-8][0-9]|90)d$',
          default: '30d',
          description: 'Proposals of the last N days: 1d to 90d',
        },
      }),
    },
    feedback: { path: object({ id: uuid('Proposal id') }, ['id']), query: object({}) },
    stream: {
      query: object({
        project: {
          ...project,
          description:
            'Only this project (a token scoped to projects streams only those; another project streams nothing)',
        },
        pipeline: uuid('Only this pipeline'),
      }),
    },
    stats: {
      path: object({ project }, ['project']),
      query: object({
        window: {
          type: 'string',
          pattern: '^([1-9]|[1-8][0-9]|90)d$',
          default: '7d',
          description: 'Days back from now: 1d to 90d',
        },
      }),
    },
  } satisfies Record<string, RouteParams>;
}

/** Body of POST /v1/remediations/{id}/feedback (its reason is published, then stored: safe text only). */
export const FEEDBACK_BODY = tightenSchema(
  object(
    {
      verdict: {
        type: 'string',
        enum: ['accepted', 'rejected'],
        description: 'Whether the proposal was right and useful',
      },
      reason: { type: 'string', minLength: 1, maxLength: 1000, description: 'Why, in a few words (optional)' },
    },
    ['verdict'],
  ),
);

/** Query values are strings; the integer ones become numbers first so the schema can bound them. */
function coerce(schema: ObjectSchema, values: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = { ...values };
  for (const [name, prop] of Object.entries(schema.properties)) {
    const v = out[name];
    if (prop.type === 'integer' && typeof v === 'string' && /^-?\d{1,15}$/.test(v)) out[name] = Number(v);
  }
  return out;
}

/** A parser of one route's parameters: validated, coerced, or a 400 with the pointer of each bad one. */
export function paramParser<P, Q>(spec: RouteParams): (req: Request) => { path: P; query: Q } {
  const ajv = createAjv();
  const path = spec.path && ajv.compile(spec.path);
  const query = spec.query && ajv.compile(spec.query);
  return (req) => ({
    path: (path ? check<P>(path, { ...req.params }, '/path') : {}) as P,
    query: (query
      ? check<Q>(query, coerce(spec.query!, { ...(req.query as Record<string, unknown>) }), '/query')
      : {}) as Q,
  });
}
