// Environment variables declared once: a service's config.ts lists what it reads (name → Var), its loader
// reads them with readEnv, and docs/CONFIGURATION.md is rendered from the same list (doc.ts). An unset or
// empty variable takes its default; a bad value fails at start-up with a ConfigError naming the variable.

export type Env = Record<string, string | undefined>;

export class ConfigError extends Error {}

export type Kind = 'int' | 'number' | 'string' | 'url' | 'list' | 'enum' | 'on/off' | 'bool';

/** One variable: how its value is read, its default and what the documentation says of it. */
export interface Var<T> {
  readonly kind: Kind;
  /** One line for the documentation. */
  readonly description: string;
  /** The value when the variable is unset or empty. */
  readonly fallback: T;
  /** The default as documented (undefined: none). */
  readonly shownDefault: string | undefined;
  /** The values it takes, as documented. */
  readonly allowed: string;
  /** A credential: the documentation shows "(secret)", never a default. */
  readonly secret: boolean;
  /** The value of a set, non-empty variable; throws a ConfigError naming it. */
  parse(name: string, raw: string): T;
}

export type Spec = Record<string, Var<unknown>>;
export type Values<S extends Spec> = { [K in keyof S]: S[K] extends Var<infer T> ? T : never };

/** Every variable of the spec, read from env. */
export function readEnv<S extends Spec>(spec: S, env: Env): Values<S> {
  const values: Record<string, unknown> = {};
  for (const [name, v] of Object.entries(spec)) values[name] = readVar(name, v, env);
  return values as Values<S>;
}

export function readVar<T>(name: string, v: Var<T>, env: Env): T {
  const raw = env[name];
  return raw === undefined || raw === '' ? v.fallback : v.parse(name, raw);
}

/** What every builder takes besides its one-line description. */
export interface Doc {
  secret?: boolean;
  /** The default as documented when the loader computes it (an instance id, a path, a prefixed name). */
  defaultText?: string;
}

type Parts<T> = Pick<Var<T>, 'kind' | 'fallback' | 'allowed' | 'parse'> & { shown: string | undefined };

function declare<T>(description: string, doc: Doc, parts: Parts<T>): Var<T> {
  const { shown, ...rest } = parts;
  const shownDefault = doc.defaultText ?? (shown === undefined ? undefined : `\`${shown}\``);
  return { ...rest, description, secret: doc.secret ?? false, shownDefault };
}

type Bounds = { min?: number; max?: number };

export function int(description: string, o: Doc & Bounds & { default: number }): Var<number>;
export function int(description: string, o?: Doc & Bounds & { default?: undefined }): Var<number | undefined>;
export function int(description: string, o: Doc & Bounds & { default?: number } = {}): Var<number | undefined> {
  const { min = 1, max = Number.MAX_SAFE_INTEGER } = o;
  return declare(description, o, {
    kind: 'int',
    fallback: o.default,
    shown: o.default === undefined ? undefined : String(o.default),
    allowed: max === Number.MAX_SAFE_INTEGER ? `integer ≥ ${min}` : `integer ${min}–${max}`,
    parse(name, raw) {
      const n = Number(raw);
      if (Number.isInteger(n) && n >= min && n <= max) return n;
      throw new ConfigError(`${name} must be an integer in [${min}, ${max}], got "${raw}"`);
    },
  });
}

/** A non-negative decimal number in `unit`. */
export function num(description: string, o: Doc & { default: number; unit: string }): Var<number> {
  return declare(description, o, {
    kind: 'number',
    fallback: o.default,
    shown: String(o.default),
    allowed: `number ≥ 0 (${o.unit})`,
    parse(name, raw) {
      const n = Number(raw);
      if (Number.isFinite(n) && n >= 0) return n;
      throw new ConfigError(`${name} must be a non-negative number (${o.unit}), got "${raw}"`);
    },
  });
}

export function str(description: string, o: Doc & { default: string }): Var<string>;
export function str(description: string, o?: Doc & { default?: undefined }): Var<string | undefined>;
export function str(description: string, o: Doc & { default?: string } = {}): Var<string | undefined> {
  const parse = (_name: string, raw: string) => raw;
  return declare(description, o, { kind: 'string', fallback: o.default, shown: o.default, allowed: 'text', parse });
}

/** An absolute URL; trailing slashes are dropped. */
export function url(description: string, o: Doc & { default: string }): Var<string> {
  return declare(description, o, {
    kind: 'url',
    fallback: o.default,
    shown: o.default,
    allowed: 'URL',
    parse(name, raw) {
      if (URL.canParse(raw)) return raw.replace(/\/+$/, '');
      throw new ConfigError(`${name} must be a URL, got "${raw}"`);
    },
  });
}

/** Comma-separated; entries are trimmed, empty ones dropped. */
export function list(description: string, o: Doc & { default?: string[] } = {}): Var<string[]> {
  const fallback = o.default ?? [];
  return declare(description, o, {
    kind: 'list',
    fallback,
    shown: fallback.length > 0 ? fallback.join(',') : undefined,
    allowed: 'comma-separated list',
    parse: (_name, raw) =>
      raw
        .split(',')
        .map((s) => s.trim())
        .filter(Boolean),
  });
}

export function oneOf<const V extends readonly string[]>(
  description: string,
  o: Doc & { values: V; default: V[number] },
): Var<V[number]> {
  const { values } = o;
  return declare(description, o, {
    kind: 'enum',
    fallback: o.default,
    shown: o.default,
    allowed: values.map((v) => `\`${v}\``).join(', '),
    parse(name, raw) {
      if ((values as readonly string[]).includes(raw)) return raw as V[number];
      throw new ConfigError(`${name} must be one of ${values.join(', ')}, got "${raw}"`);
    },
  });
}

/** `on` or `off`, exactly. */
export function onOff(description: string, o: Doc & { default: boolean }): Var<boolean> {
  return declare(description, o, {
    kind: 'on/off',
    fallback: o.default,
    shown: o.default ? 'on' : 'off',
    allowed: '`on`, `off`',
    parse(name, raw) {
      if (raw === 'on' || raw === 'off') return raw === 'on';
      throw new ConfigError(`${name} must be on or off, got "${raw}"`);
    },
  });
}

/** true/false, also 1/0, yes/no, on/off (any case). */
export function bool(description: string, o: Doc & { default: boolean }): Var<boolean> {
  return declare(description, o, {
    kind: 'bool',
    fallback: o.default,
    shown: String(o.default),
    allowed: '`true`, `false` (or 1/0, yes/no, on/off)',
    parse(name, raw) {
      const value = raw.trim().toLowerCase();
      if (['true', '1', 'yes', 'on'].includes(value)) return true;
      if (['false', '0', 'no', 'off'].includes(value)) return false;
      throw new ConfigError(`${name} must be true or false, got "${raw}"`);
    },
  });
}

/** One integer variable read on its own (loaders use readEnv). */
export function intFromEnv(env: Env, name: string, fallback: number, min = 1, max = Number.MAX_SAFE_INTEGER): number {
  return readVar(name, int('', { default: fallback, min, max }), env);
}
