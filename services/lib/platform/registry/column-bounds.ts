// The registry codec validates every record it encodes or decodes against the writer's schema made to fit
// Verity's Postgres columns (schemas/safety.ts: no U+0000 or lone surrogate in any string; integers within
// int32, or within what a JS number holds for the properties stored as `bigint`). A record outside them is
// an EventValidationError: refused when written, poison (dead-lettered) when read — never a batch that
// Postgres refuses forever. The registered schemas stay as they are (narrowing them would break readers).
import { tightenSchema } from '../schemas/safety.js';

/** Properties whose read-model column is a `bigint` (durations and sizes), wherever they appear. */
export const BIGINT_PROPERTIES: ReadonlySet<string> = new Set([
  'duration_ms',
  'queued_ms',
  'latency_ms',
  'time_to_green_ms',
  'bytes',
]);

/** JSON pointers (into the schema) of the `properties` entries named in `names`. */
export function propertyPaths(schema: unknown, names: ReadonlySet<string>, path = ''): string[] {
  if (typeof schema !== 'object' || schema === null) return [];
  const out: string[] = [];
  for (const [k, v] of Object.entries(schema as Record<string, unknown>)) {
    const here = `${path}/${k.replace(/~/g, '~0').replace(/\//g, '~1')}`;
    if (k === 'properties' && typeof v === 'object' && v !== null && !Array.isArray(v)) {
      for (const [name, sub] of Object.entries(v as Record<string, unknown>)) {
        const p = `${here}/${name.replace(/~/g, '~0').replace(/\//g, '~1')}`;
        if (names.has(name)) out.push(p);
        out.push(...propertyPaths(sub, names, p));
      }
    } else if (typeof v === 'object' && v !== null) out.push(...propertyPaths(v, names, here));
  }
  return out;
}

/** The schema as the codec enforces it (see above). */
export function columnBounded<T>(schema: T): T {
  return tightenSchema(schema, { bigintPaths: propertyPaths(schema, BIGINT_PROPERTIES) });
}
