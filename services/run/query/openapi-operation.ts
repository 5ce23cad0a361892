// The pieces every operation of the query API's OpenAPI document is made of (openapi.ts and the dashboard's
// route files' openapi-*.ts): the problem+json answers and an operation from its route's parameter schemas.
import { closed, ref, str, type Schema } from './openapi-primitives.js';
import type { RouteParams } from './params.js';

export const problem: Schema = {
  type: 'object',
  description: 'RFC 9457 problem details',
  required: ['type', 'title', 'status'],
  properties: {
    type: str,
    title: str,
    status: { type: 'integer', minimum: 400, maximum: 599 },
    detail: str,
    errors: {
      type: 'array',
      description: 'Each bad parameter, named by a JSON pointer (/path/<name>, /query/<name>)',
      items: closed({ pointer: str, message: str }),
    },
  },
};

export const problemResponse = (description: string, headers?: Schema) => ({
  description,
  ...(headers ? { headers } : {}),
  content: { 'application/problem+json': { schema: ref('Problem') } },
});

export function parameters(spec: RouteParams, etag: boolean): Schema[] {
  const out: Schema[] = [];
  for (const where of ['path', 'query'] as const) {
    const s = spec[where];
    if (!s) continue;
    for (const [name, { description, ...schema }] of Object.entries(s.properties)) {
      out.push({ name, in: where, required: where === 'path' || s.required.includes(name), description, schema });
    }
  }
  if (etag)
    out.push({
      name: 'If-None-Match',
      in: 'header',
      required: false,
      description: 'ETag of a previous answer: 304 when unchanged',
      schema: str,
    });
  return out;
}

export interface Operation {
  operationId: string;
  summary: string;
  params: RouteParams;
  ok: Schema;
  errors: (400 | 404)[];
  etag?: boolean;
}

export const ERROR_REFS = { 400: 'BadRequest', 404: 'NotFound' } as const;

export function operation(o: Operation): Schema {
  const etagHeader = { ETag: { description: 'Weak entity tag (resource id + last event seq)', schema: str } };
  return {
    operationId: o.operationId,
    summary: o.summary,
    security: [{ bearer: [] }],
    parameters: parameters(o.params, o.etag ?? false),
    responses: {
      200: {
        description: 'OK',
        ...(o.etag ? { headers: etagHeader } : {}),
        content: { 'application/json': { schema: o.ok } },
      },
      ...(o.etag ? { 304: { description: 'Not Modified: If-None-Match matched', headers: etagHeader } } : {}),
      ...Object.fromEntries(o.errors.map((s) => [s, { $ref: `#/components/responses/${ERROR_REFS[s]}` }])),
      401: { $ref: '#/components/responses/Unauthorized' },
      500: { $ref: '#/components/responses/InternalError' },
    },
  };
}
