// X-Masked-Values of a log upload: base64 of a JSON array of strings, held to the same rules as a
// report's masked_values field (≤ 100 values of ≤ 4096 characters, no U+0000, no lone surrogate).
import { badRequest } from '../../lib/platform/http/problem.js';
import { createAjv, toFieldErrors } from '../../lib/platform/schemas/ajv.js';
import { jobReportBody } from './api-schemas.js';

const validate = createAjv().compile(jobReportBody.properties.masked_values);
const POINTER = '/headers/x-masked-values';

export function maskedValuesHeader(h: string | undefined): string[] {
  if (!h) return [];
  let v: unknown;
  try {
    v = JSON.parse(Buffer.from(h, 'base64').toString('utf8'));
  } catch {
    v = undefined;
  }
  if (!Array.isArray(v))
    throw badRequest('X-Masked-Values must be base64 of a JSON array of strings', [
      { pointer: POINTER, message: 'must be base64 JSON array of strings' },
    ]);
  if (!validate(v))
    throw badRequest(
      'X-Masked-Values holds an invalid value',
      toFieldErrors(validate.errors).map((e) => ({ ...e, pointer: POINTER + e.pointer })),
    );
  return v as string[];
}
