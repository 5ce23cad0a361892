// The last check before a record goes to ci.intake.v1: the intake schemas of schemas/ci.intake.v1,
// tightened (platform/schemas/safety.ts) so that every integer fits its Postgres column and no string
// holds U+0000 or a lone surrogate. Everything a record carries comes from an API field validated with
// the same rules or from ingest itself (ids, clocks, the redacted excerpt), so this should never fail;
// if it does, the request is answered 400 with the record's pointers and nothing is written.
import type { IntakeEvent } from '../../lib/core/events/generated.js';
import { createAjv, toFieldErrors, type FieldError } from '../../lib/platform/schemas/ajv.js';
import { latestByType, loadCatalog } from '../../lib/platform/schemas/catalog.js';
import { tightenSchema } from '../../lib/platform/schemas/safety.js';

/** Integers of intake records held by Postgres `bigint` columns. */
const INTAKE_BIGINT_PATHS = ['/properties/log/properties/bytes'];

const ajv = createAjv();
const validators = new Map(
  [...latestByType(loadCatalog(), 'ci.intake.v1')].map(([type, e]) => [
    type,
    ajv.compile(tightenSchema(e.schema, { bigintPaths: INTAKE_BIGINT_PATHS })),
  ]),
);

/** The fields of `record` that could not be stored, as JSON pointers; empty when it is fine. */
export function recordErrors(record: IntakeEvent): FieldError[] {
  const validate = validators.get(record.type);
  if (!validate) return [{ pointer: '/type', message: `no intake schema for ${record.type}` }];
  return validate(record) ? [] : toFieldErrors(validate.errors);
}
