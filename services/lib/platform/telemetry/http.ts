// HTTP telemetry for every express app (installed by createHttpApp): a SERVER span per request, child of
// the caller's `traceparent` when it sent one and active while the request is handled, and
// verity_http_request_duration_seconds by route template. Probes and scrapes (/healthz, /readyz,
// /metrics) are measured but not traced.
import { context, propagation, ROOT_CONTEXT, SpanKind, SpanStatusCode, trace } from '@opentelemetry/api';
import {
  ATTR_HTTP_REQUEST_METHOD,
  ATTR_HTTP_RESPONSE_STATUS_CODE,
  ATTR_HTTP_ROUTE,
  ATTR_URL_PATH,
} from '@opentelemetry/semantic-conventions';
import type { Request, RequestHandler } from 'express';
import { metrics } from './metrics.js';
import { tracer } from './tracing.js';

const UNTRACED = new Set(['/healthz', '/readyz', '/metrics']);

/** The route template that handled `req` (`/v1/pipelines/:id`), or `unmatched`: never the raw URL. */
function routeOf(req: Request): string {
  const path = (req.route as { path?: unknown } | undefined)?.path;
  if (typeof path !== 'string') return 'unmatched';
  return `${req.baseUrl ?? ''}${path}`.replace(/\\/g, '');
}

export function httpTelemetry(service: string): RequestHandler {
  return (req, res, next) => {
    const started = process.hrtime.bigint();
    const method = req.method;
    const parent = UNTRACED.has(req.path) ? undefined : propagation.extract(ROOT_CONTEXT, req.headers);
    const span =
      parent &&
      tracer().startSpan(
        method,
        { kind: SpanKind.SERVER, attributes: { [ATTR_HTTP_REQUEST_METHOD]: method, [ATTR_URL_PATH]: req.path } },
        parent,
      );
    res.once('close', () => {
      const route = routeOf(req);
      const status = res.writableFinished ? res.statusCode : 499; // 499: the client went away first
      metrics.httpDuration.observe(
        { service, method, route, status: String(status) },
        Number(process.hrtime.bigint() - started) / 1e9,
      );
      if (span) {
        if (route !== 'unmatched') {
          span.updateName(`${method} ${route}`);
          span.setAttribute(ATTR_HTTP_ROUTE, route);
        }
        span.setAttribute(ATTR_HTTP_RESPONSE_STATUS_CODE, status);
        if (status >= 500) span.setStatus({ code: SpanStatusCode.ERROR });
        span.end();
      }
    });
    if (parent && span) context.with(trace.setSpan(parent, span), next);
    else next();
  };
}
