// The OpenAPI description of logs.ts's routes — to be written with them (openapi.ts merges it).
import type { QueryConfig } from './config.js';
import type { Schema } from './openapi-primitives.js';

export function logOpenApi(_config: Pick<QueryConfig, 'pageSizeDefault' | 'pageSizeMax'>): {
  paths: Record<string, Schema>;
  schemas: Record<string, Schema>;
} {
  return { paths: {}, schemas: {} };
}
