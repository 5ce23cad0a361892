// Pure checks behind request-guards.ts: media types, whether a request carries a body, query values
// that are not one plain string, and text no id, key or filter should hold.
import type { IncomingHttpHeaders } from 'node:http';

/** C0 controls (tab included), DEL, and lone surrogates (u-mode: a valid pair is one code point). */
// eslint-disable-next-line no-control-regex -- refusing control characters is the point
const UNSAFE = /[\u0000-\u001F\u007F\uD800-\uDFFF]/u;

export const isUnsafeParamText = (s: string): boolean => UNSAFE.test(s);

/** The media type of a Content-Type value, lower-cased and without parameters; null when there is none. */
export function mediaType(contentType: string | undefined): string | null {
  const t = (contentType ?? '').split(';')[0]!.trim().toLowerCase();
  return t === '' ? null : t;
}

/** Whether the request announces a body: any Transfer-Encoding, or a Content-Length above 0. */
export function hasBody(headers: IncomingHttpHeaders): boolean {
  if (headers['transfer-encoding'] !== undefined) return true;
  const length = headers['content-length'];
  return length !== undefined && length.trim() !== '0' && length.trim() !== '';
}

/** The first query parameter whose value is not a single string (repeated, or parsed into an object). */
export function firstNonStringQuery(query: Record<string, unknown>): string | null {
  for (const [name, value] of Object.entries(query)) if (typeof value !== 'string') return name;
  return null;
}

const escape = (s: string) => s.replace(/~/g, '~0').replace(/\//g, '~1');

/**
 * The pointer `<prefix>/<name>` of the first entry whose name or value (each string of an array value)
 * is unsafe text; null when every one is safe. Undefined values (absent headers) are skipped.
 */
export function unsafeParam(prefix: string, values: Record<string, unknown> | undefined): string | null {
  for (const [name, value] of Object.entries(values ?? {})) {
    const texts = Array.isArray(value) ? value : [value];
    if (isUnsafeParamText(name) || texts.some((v) => typeof v === 'string' && isUnsafeParamText(v)))
      return `${prefix}/${escape(name)}`;
  }
  return null;
}
