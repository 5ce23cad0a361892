// Ajv validation of a request part (body, query, path) → 400 problem+json naming each bad field.
import type { ValidateFunction } from 'ajv';
import { toFieldErrors } from '../schemas/ajv.js';
import { badRequest } from './problem.js';

/** Returns `value` typed as T when it is an object valid for `validate`; `prefix` names the part ("/query"). */
export function check<T>(validate: ValidateFunction, value: unknown, prefix = ''): T {
  if (value === undefined || value === null || typeof value !== 'object' || Array.isArray(value)) {
    throw badRequest('the body must be a JSON object', [{ pointer: prefix, message: 'must be an object' }]);
  }
  if (!validate(value)) {
    const errors = toFieldErrors(validate.errors).map((e) => ({ ...e, pointer: prefix + e.pointer }));
    throw badRequest(`${errors.length} invalid field${errors.length === 1 ? '' : 's'}`, errors);
  }
  return value as T;
}
