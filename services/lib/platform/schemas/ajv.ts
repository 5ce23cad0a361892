// The one Ajv set-up used for every JSON Schema in Verity (events, API bodies, model output).
import { Ajv, type ErrorObject } from 'ajv';
import addFormatsModule from 'ajv-formats';

// ajv-formats is CommonJS: under NodeNext its function is the module's `default` property.
const addFormats = addFormatsModule.default;

export function createAjv(): Ajv {
  const ajv = new Ajv({ allErrors: true, strict: true, strictTypes: false, strictRequired: false, allowUnionTypes: true });
  addFormats(ajv);
  return ajv;
}

export interface FieldError {
  /** JSON pointer (RFC 6901) of the offending value; "" is the whole document. */
  pointer: string;
  message: string;
}

/** Ajv errors as JSON pointers; a missing property points at the property itself, not its parent. */
export function toFieldErrors(errors: ErrorObject[] | null | undefined): FieldError[] {
  return (errors ?? []).map((e) => {
    const params = e.params as Record<string, unknown>;
    if (e.keyword === 'required' && typeof params.missingProperty === 'string') {
      return { pointer: `${e.instancePath}/${escapePointer(params.missingProperty)}`, message: 'is required' };
    }
    if (e.keyword === 'additionalProperties' && typeof params.additionalProperty === 'string') {
      return { pointer: `${e.instancePath}/${escapePointer(params.additionalProperty)}`, message: 'is not allowed' };
    }
    return { pointer: e.instancePath, message: e.message ?? e.keyword };
  });
}

export function escapePointer(segment: string): string {
  return segment.replace(/~/g, '~0').replace(/\//g, '~1');
}
