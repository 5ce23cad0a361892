// Pure: what a value must be to fit the Postgres columns it ends up in, as JSON Schema rules and as a
// guard for values no schema sees (headers, path and query values).
//  - Text: Postgres `text`/`jsonb` refuse U+0000 (22021, 22P05), and a lone surrogate has no UTF-8
//    form. SAFE_TEXT_PATTERN refuses both; Ajv compiles patterns with the `u` flag, in which a valid
//    astral character (a surrogate pair such as an emoji) is one code point and passes.
//  - Integers: a Postgres `integer` holds int32 (22003 past it); `bigint` columns fed from JSON are
//    bounded by what a JS number holds exactly (±Number.MAX_SAFE_INTEGER).
//
// The registered event schemas in schemas/ are deliberately NOT edited with these rules: adding a
// `maximum` or a `pattern` narrows a schema, which the registry refuses under BACKWARD_TRANSITIVE
// (COMBINED_TYPE_SUBSCHEMA_NOT_COMPATIBLE), and rightly: records already written must stay readable.
// Instead the writers validate with tightenSchema(schema): the API schemas of ingest and the registry
// codec on encode. What is registered stays what readers can read; what is written is what fits.

/** JSON-Schema `pattern` (for Ajv's u-mode): no U+0000, no lone surrogate. */
export const SAFE_TEXT_PATTERN = '^[^\\u0000\\uD800-\\uDFFF]*$';

/**
 * `format: uuid` as a Postgres `uuid` column takes it: Ajv's format also accepts the `urn:uuid:` form,
 * which Postgres refuses (22P02).
 */
export const UUID_PATTERN = '^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$';

/**
 * `format: date-time` as a Postgres `timestamptz` takes it: everything Ajv's format accepts (a `T`, `t`
 * or white space between date and time, any fraction, `Z` or an offset `±HH`, `±HHMM`, `±HH:MM`) but
 * year 0000 (22008) and offsets past ±15:59 (22009).
 */
export const INSTANT_PATTERN = '^(?!0000)[0-9]{4}-[0-9]{2}-[0-9]{2}[Tt\\s][0-9]{2}:[0-9]{2}:[0-9]{2}(\\.[0-9]+)?([Zz]|[+-](0[0-9]|1[0-5])(:?[0-9]{2})?)$';

/** Patterns added to strings of these formats. */
const FORMAT_PATTERNS: Record<string, string> = { uuid: UUID_PATTERN, 'date-time': INSTANT_PATTERN };

export const INT32_MIN = -2147483648;
export const INT32_MAX = 2147483647;

const SAFE_TEXT = new RegExp(SAFE_TEXT_PATTERN, 'u');

/** True when `s` holds neither U+0000 nor a lone surrogate. */
export const isSafeText = (s: string): boolean => SAFE_TEXT.test(s);

type Schema = Record<string, unknown>;
const isSchema = (v: unknown): v is Schema => typeof v === 'object' && v !== null && !Array.isArray(v);
const hasType = (s: Schema, t: string): boolean => s.type === t || (Array.isArray(s.type) && s.type.includes(t));

// Keywords whose value is one subschema, and those whose value is a list or a map of subschemas. `if`
// and `not` are left alone on purpose: they are conditions, not constraints; narrowing them changes
// which branch applies (or inverts the test), and the value is constrained where it is declared.
const ONE = ['items', 'additionalItems', 'additionalProperties', 'contains', 'propertyNames', 'then', 'else'];
const LIST = ['items', 'oneOf', 'anyOf', 'allOf'];
const MAP = ['properties', 'patternProperties', 'definitions', '$defs', 'dependencies'];

const escape = (segment: string) => segment.replace(/~/g, '~0').replace(/\//g, '~1');

/**
 * A deep copy of a draft-07 JSON Schema in which
 *  - every `integer` (also `type: ["integer", "null"]`) is bounded to int32, or to
 *    ±Number.MAX_SAFE_INTEGER at the schema paths in `bigintPaths` (JSON pointers into the schema, e.g.
 *    `/properties/log/properties/bytes`); a tighter existing bound is kept, a looser one is narrowed;
 *  - every `string` without `format`, `enum` or `const` must match SAFE_TEXT_PATTERN, a `uuid`
 *    string UUID_PATTERN and a `date-time` string INSTANT_PATTERN (added as `pattern`, or through
 *    `allOf` next to an existing `pattern`, which is never replaced);
 *  - every `object` whose keys are not closed (`additionalProperties` not false) gets
 *    `propertyNames` with the same rule, since jsonb refuses U+0000 in keys too.
 */
export function tightenSchema<T>(schema: T, opts: { bigintPaths?: string[] } = {}): T {
  const bigint = new Set(opts.bigintPaths ?? []);
  const walk = (node: unknown, path: string): unknown => {
    if (!isSchema(node)) return node;
    const out: Schema = { ...node };
    for (const k of ONE) if (isSchema(out[k])) out[k] = walk(out[k], `${path}/${k}`);
    for (const k of LIST) if (Array.isArray(out[k])) out[k] = (out[k] as unknown[]).map((s, i) => walk(s, `${path}/${k}/${i}`));
    for (const k of MAP) {
      if (!isSchema(out[k])) continue;
      const m: Schema = {};
      for (const [name, sub] of Object.entries(out[k] as Schema)) m[name] = Array.isArray(sub) ? sub : walk(sub, `${path}/${k}/${escape(name)}`);
      out[k] = m;
    }
    if (hasType(out, 'integer')) {
      const [lo, hi] = bigint.has(path) ? [-Number.MAX_SAFE_INTEGER, Number.MAX_SAFE_INTEGER] : [INT32_MIN, INT32_MAX];
      if (!(typeof out.exclusiveMinimum === 'number' && out.exclusiveMinimum >= lo)) out.minimum = typeof out.minimum === 'number' ? Math.max(out.minimum, lo) : lo;
      if (!(typeof out.exclusiveMaximum === 'number' && out.exclusiveMaximum <= hi)) out.maximum = typeof out.maximum === 'number' ? Math.min(out.maximum, hi) : hi;
    }
    if (hasType(out, 'string') && out.enum === undefined && out.const === undefined) {
      const rule = out.format === undefined ? SAFE_TEXT_PATTERN : FORMAT_PATTERNS[String(out.format)];
      if (rule !== undefined) addPattern(out, rule);
    }
    if (hasType(out, 'object') && out.additionalProperties !== false && out.propertyNames === undefined) out.propertyNames = { pattern: SAFE_TEXT_PATTERN };
    return out;
  };
  return walk(structuredClone(schema), '') as T;
}

/** Adds `pattern` to a string schema: as its pattern, or through allOf beside an existing one (once). */
function addPattern(schema: Schema, pattern: string): void {
  if (schema.pattern === undefined) schema.pattern = pattern;
  else if (schema.pattern !== pattern && !(Array.isArray(schema.allOf) && schema.allOf.some((s) => isSchema(s) && s.pattern === pattern))) {
    schema.allOf = [...(Array.isArray(schema.allOf) ? schema.allOf : []), { pattern }];
  }
}

/**
 * The JSON pointer (RFC 6901) of the first string in `value` — object keys included — that holds
 * U+0000 or a lone surrogate; null when there is none. A key's pointer is the pointer of its member.
 */
export function unsafeTextPointer(value: unknown): string | null {
  const seen = new Set<unknown>();
  const walk = (v: unknown, path: string): string | null => {
    if (typeof v === 'string') return isSafeText(v) ? null : path;
    if (typeof v !== 'object' || v === null || seen.has(v)) return null;
    seen.add(v);
    if (Array.isArray(v)) {
      for (let i = 0; i < v.length; i++) {
        const p = walk(v[i], `${path}/${i}`);
        if (p !== null) return p;
      }
      return null;
    }
    for (const [k, x] of Object.entries(v as Record<string, unknown>)) {
      const here = `${path}/${escape(k)}`;
      if (!isSafeText(k)) return here;
      const p = walk(x, here);
      if (p !== null) return p;
    }
    return null;
  };
  return walk(value, '');
}
