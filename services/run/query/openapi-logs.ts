// The OpenAPI description of logs.ts's route (openapi.ts merges it): GET /v1/jobs/{id}/log, a job attempt's
// whole stored log as text/plain, gzip on request, with a weak ETag.
import type { QueryConfig } from './config.js';
import { ERROR_REFS, operation, parameters, problemResponse } from './openapi-operation.js';
import { str, type Schema } from './openapi-primitives.js';
import { paramSchemas } from './params.js';

export function logOpenApi(config: Pick<QueryConfig, 'pageSizeDefault' | 'pageSizeMax'>): {
  paths: Record<string, Schema>;
  schemas: Record<string, Schema>;
} {
  const params = paramSchemas(config).job;
  const base = operation({
    operationId: 'getJobLog',
    summary: 'A job attempt’s whole stored log (redacted when stored), as text',
    params,
    ok: str,
    errors: [400, 404],
  });
  const etag = { ETag: { description: 'Weak entity tag of the stored log (a stored log never changes)', schema: str } };
  // Content-Encoding: gzip only when asked for (the description says so): every header listed here is always sent.
  const headers = { ...etag, Vary: { description: '`Accept-Encoding`', schema: str } };
  const responses = base.responses as Record<string, Schema>;
  return {
    paths: {
      '/v1/jobs/{id}/log': {
        get: {
          ...base,
          description:
            'The log as the job uploaded it to ingest (`PUT /v1/pipelines/{id}/jobs/{job}/log`) or the fetcher fetched it from the CI that ran it, ' +
            'secrets masked when it was stored: ANSI escape sequences and carriage returns are kept, as the terminal wrote them. ' +
            'Scoped like `GET /v1/jobs/{id}`: another project’s job answers 404 exactly as a missing one. ' +
            'A job whose log is not stored (only failed jobs get theirs attached; an observed job’s log may not have been fetchable) answers 404 saying why, and whether `log_excerpt` of `GET /v1/jobs/{id}` has an excerpt. ' +
            'Streamed: `Content-Encoding: gzip` when the request accepts it (`Accept-Encoding: gzip`), `Content-Length` when known.',
          parameters: [
            ...parameters(params, true),
            {
              name: 'Accept-Encoding',
              in: 'header',
              required: false,
              description: '`gzip` to receive the log gzipped (what the log store keeps)',
              schema: str,
            },
          ],
          responses: {
            ...responses,
            200: {
              description: 'The log, UTF-8 text (`text/plain; charset=utf-8`)',
              headers,
              content: { 'text/plain': { schema: str } },
            },
            304: { description: 'Not Modified: If-None-Match matched', headers: etag },
            404: { $ref: `#/components/responses/${ERROR_REFS[404]}` },
            503: problemResponse('The log store is not enabled on this instance', { 'Retry-After': { schema: str } }),
          },
        },
      },
    },
    schemas: {},
  };
}
