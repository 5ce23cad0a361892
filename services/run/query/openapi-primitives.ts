// The building blocks of the query API's OpenAPI document (openapi.ts): JSON Schema primitives, closed
// objects (every property required, no other) and `$ref`s into components.schemas.
import { JOB_STATUSES } from '../../lib/core/pipeline/index.js';

export type Schema = Record<string, unknown>;
export type Props<T> = Record<keyof T, Schema>;

export const ref = (name: string): Schema => ({ $ref: `#/components/schemas/${name}` });
export const closed = (properties: Record<string, Schema>, description?: string): Schema => ({
  type: 'object',
  ...(description ? { description } : {}),
  additionalProperties: false,
  required: Object.keys(properties),
  properties,
});
export const str: Schema = { type: 'string' };
export const strOrNull: Schema = { type: ['string', 'null'] };
export const int: Schema = { type: 'integer' };
export const intOrNull: Schema = { type: ['integer', 'null'] };
export const numOrNull: Schema = { type: ['number', 'null'] };
export const bool: Schema = { type: 'boolean' };
export const uuid: Schema = { type: 'string', format: 'uuid' };
export const uuidOrNull: Schema = { type: ['string', 'null'], format: 'uuid' };
export const time: Schema = { type: 'string', format: 'date-time' };
export const timeOrNull: Schema = { type: ['string', 'null'], format: 'date-time' };
export const ratioOrNull: Schema = { type: ['number', 'null'], minimum: 0, maximum: 1 };
/** One of GitLab's 12 job statuses (also a pipeline's and a stage's composite status). */
export const status: Schema = { type: 'string', enum: [...JOB_STATUSES] };
/** A status, or null when not known (a pipeline not projected yet, or of a project the token may not read). */
export const statusOrNull: Schema = { type: ['string', 'null'], enum: [...JOB_STATUSES, null] };
