// Express middleware that refuses malformed requests before any route reads them, each with a
// problem+json naming what is wrong (a JSON pointer /query/<name>, /path/<name> or /headers/<name>).
// The pure checks are in request-checks.ts. createHttpApp (app.ts) installs rejectRepeatedQuery()
// and safeTextParams() for every route of every service; requireContentType(...) is per route, and
// safeTextParams() is used again on routes with path parameters (only a route knows their names).
import { isUtf8 } from 'node:buffer';
import type { RequestHandler } from 'express';
import { badRequest, HttpProblem } from './problem.js';
import { firstNonStringQuery, hasBody, mediaType, unsafeParam } from './request-checks.js';

/** The request headers Verity reads whose values end up in records, rows or comparisons. */
const GUARDED_HEADERS = [
  'idempotency-key',
  'x-correlation-id',
  'last-event-id',
  'x-masked-values',
  'if-none-match',
] as const;

/**
 * 400 when a query parameter is repeated (`?a=1&a=2`) or is not a plain string (what express' query
 * parser makes of `a[]=1` or `a[b]=1` with the extended parser): never silently the first value.
 */
export function rejectRepeatedQuery(): RequestHandler {
  return (req, _res, next) => {
    const name = firstNonStringQuery(req.query as Record<string, unknown>);
    if (name === null) return next();
    next(
      badRequest(`query parameter "${name}" must be given once, as a plain value`, [
        { pointer: `/query/${escape(name)}`, message: 'must be given once' },
      ]),
    );
  };
}

/**
 * 415 for a request that carries a body (Transfer-Encoding, or a Content-Length above 0) whose
 * Content-Type media type (parameters ignored, case-insensitive) is not one of `types`, or that has no
 * Content-Type. A request without a body passes: the route answers it (a JSON route: 400 "must be an
 * object"), since there is nothing whose type could be wrong.
 */
export function requireContentType(...types: string[]): RequestHandler {
  const allowed = types.map((t) => t.toLowerCase());
  return (req, _res, next) => {
    if (!hasBody(req.headers)) return next();
    const got = mediaType(req.get('Content-Type'));
    if (got !== null && allowed.includes(got)) return next();
    next(
      new HttpProblem(
        {
          title: 'Unsupported Media Type',
          status: 415,
          detail: `Content-Type must be ${allowed.join(' or ')}${got === null ? '; none was given' : `, not ${got}`}`,
        },
        { Accept: allowed.join(', ') },
      ),
    );
  };
}

/**
 * 400 naming the value when a path parameter (on a route), a query value or one of GUARDED_HEADERS
 * holds U+0000, another C0 control character, DEL or a lone surrogate: none makes sense in an id, a
 * key, a cursor or a filter, and Postgres refuses U+0000 in text.
 */
export function safeTextParams(headers: readonly string[] = GUARDED_HEADERS): RequestHandler {
  return (req, _res, next) => {
    const bad =
      unsafeParam('/path', req.params as Record<string, unknown> | undefined) ??
      unsafeParam('/query', req.query as Record<string, unknown>) ??
      unsafeParam('/headers', Object.fromEntries(headers.map((h) => [h, req.headers[h]])));
    if (bad === null) return next();
    next(
      badRequest(`${bad} holds a control character or a lone surrogate`, [
        { pointer: bad, message: 'must not hold control characters or lone surrogates' },
      ]),
    );
  };
}

const escape = (s: string) => s.replace(/~/g, '~0').replace(/\//g, '~1');

/**
 * The `verify` option of express.json / express.text: a body that is not UTF-8 is a 400 (body-parser would
 * decode it with U+FFFD in place of the bad bytes, and the request would be accepted with other text).
 */
export function strictUtf8(_req: unknown, _res: unknown, buf: Buffer): void {
  if (!isUtf8(buf))
    throw Object.assign(badRequest('the body is not valid UTF-8', [{ pointer: '', message: 'is not valid UTF-8' }]), {
      status: 400,
    });
}
