// The OpenAPI description of health.ts's routes — to be written with them (openapi.ts merges it).
import type { QueryConfig } from './config.js';
import type { Schema } from './openapi-primitives.js';

export function healthOpenApi(_config: Pick<QueryConfig, 'pageSizeDefault' | 'pageSizeMax'>): {
  paths: Record<string, Schema>;
  schemas: Record<string, Schema>;
} {
  return { paths: {}, schemas: {} };
}
