// The express shell every Verity HTTP service starts from: /healthz (the process runs), /readyz (its
// dependencies answer), /metrics (Prometheus text), a trace span and a latency sample per request,
// problem+json for every error, including body-parser's 400/413, the router's 400 for a malformed
// percent-encoding and Node's own 400/408/431 for requests it cannot parse. Every route of every
// service refuses repeated query parameters and control characters in query values and in the
// headers Verity reads (request-guards.ts).
import type { AddressInfo } from 'node:net';
import { STATUS_CODES, type Server } from 'node:http';
import type { Duplex } from 'node:stream';
import express, { type ErrorRequestHandler, type Express } from 'express';
import type { Logger } from '../log.js';
import { httpTelemetry } from '../telemetry/http.js';
import { METRICS_CONTENT_TYPE, registry } from '../telemetry/metrics.js';
import { HttpProblem, sendProblem } from './problem.js';
import { classifyError } from '../consumer/classify.js';
import { escapePointer } from '../schemas/ajv.js';
import { rejectRepeatedQuery, safeTextParams } from './request-guards.js';

export interface HttpAppOptions {
  log: Logger;
  /** The `service` label of the HTTP metrics; default: the logger's `service` binding. */
  service?: string;
  /** Resolves when the service can do its work; rejects (or returns a reason string) otherwise. */
  readiness: () => Promise<true | string>;
}

export function createHttpApp({ log, service, readiness }: HttpAppOptions): Express {
  const app = express();
  app.disable('x-powered-by');
  app.set('etag', false);
  app.use(httpTelemetry(service ?? String(log.bindings().service ?? 'unknown')));
  app.use(rejectRepeatedQuery(), safeTextParams());
  app.get('/metrics', async (_req, res) => {
    res.set('Content-Type', METRICS_CONTENT_TYPE).send(await registry.metrics());
  });
  app.get('/healthz', (_req, res) => {
    res.json({ status: 'ok' });
  });
  app.get('/readyz', async (_req, res) => {
    try {
      const r = await readiness();
      if (r === true) res.json({ status: 'ready' });
      else sendProblem(res, { title: 'Not Ready', status: 503, detail: r }, { 'Retry-After': '1' });
    } catch (err) {
      sendProblem(res, { title: 'Not Ready', status: 503, detail: (err as Error).message }, { 'Retry-After': '1' });
    }
  });
  return app;
}

/** Installs the 404 and error handlers; call after the routes. */
export function finishHttpApp(app: Express, log: Logger): void {
  app.use((req, res) =>
    sendProblem(res, { title: 'Not Found', status: 404, detail: `no route for ${req.method} ${req.path}` }),
  );
  const onError: ErrorRequestHandler = (err, req, res, _next) => {
    if (err instanceof HttpProblem) return sendProblem(res, err.problem, err.headers);
    const e = err as { type?: string; status?: number; limit?: number; message?: string };
    if (e.type === 'entity.too.large') {
      return sendProblem(res, {
        title: 'Content Too Large',
        status: 413,
        detail: `body exceeds the limit of ${e.limit} bytes`,
      });
    }
    if (e.type === 'entity.parse.failed')
      return sendProblem(res, {
        title: 'Bad Request',
        status: 400,
        detail: `malformed JSON: ${e.message}`,
        errors: [{ pointer: '', message: 'is not valid JSON' }],
      });
    if (e.type === 'encoding.unsupported')
      return sendProblem(res, {
        title: 'Unsupported Media Type',
        status: 415,
        detail: e.message ?? 'unsupported encoding',
      });
    const code = (err as { code?: unknown }).code;
    if (e.status === 400 && typeof code === 'string' && code.startsWith('Z_')) {
      return sendProblem(res, {
        title: 'Bad Request',
        status: 400,
        detail: `the body does not decode as its Content-Encoding says (${code})`,
        errors: [{ pointer: '/headers/content-encoding', message: 'does not match the body' }],
      });
    }
    if (e.type === 'charset.unsupported')
      return sendProblem(res, {
        title: 'Unsupported Media Type',
        status: 415,
        detail: e.message ?? 'unsupported charset',
      });
    if (typeof e.status === 'number' && e.status >= 400 && e.status < 500) {
      // Express' own 400 for a path segment that is not valid percent-encoding names the path.
      const pointer = e.status === 400 && /decode param/i.test(e.message ?? '') ? '/path' : '';
      return sendProblem(res, {
        title: STATUS_CODES[e.status] ?? 'Client Error',
        status: e.status,
        detail: e.message ?? 'bad request',
        ...(e.status === 400 ? { errors: [{ pointer, message: e.message ?? 'bad request' }] } : {}),
      });
    }
    // A dependency down (Postgres restarting, Kafka unreachable): the client may retry; not a server bug.
    if (classifyError(err).class === 'transient') {
      log.warn({ err: (err as Error).message, method: req.method, path: req.path }, 'a dependency is unavailable');
      return sendProblem(
        res,
        {
          title: 'Service Unavailable',
          status: 503,
          detail: 'a dependency of this service is unavailable; retry shortly',
        },
        { 'Retry-After': '1' },
      );
    }
    log.error({ err, method: req.method, path: req.path }, 'request failed');
    sendProblem(res, {
      title: 'Internal Server Error',
      status: 500,
      detail: 'the request failed; see the service log',
    });
  };
  app.use(onError);
}

export interface Listening {
  server: Server;
  port: number;
  close(): Promise<void>;
}

/** Listens on host:port (0: any free port) and tells the port; close() stops accepting and waits for open requests. */
export function listen(app: Express, port: number, host: string): Promise<Listening> {
  return new Promise((resolve) => {
    const server: Server = app.listen(port, host, () =>
      resolve({
        server,
        port: (server.address() as AddressInfo).port,
        close: () => new Promise<void>((done) => server.close(() => done())),
      }),
    );
    server.on('clientError', answerClientError);
  });
}

/**
 * Node's answer to a request it cannot parse (a control character in a header, headers too large, a
 * timeout), as problem+json instead of its bare status line. Nothing was routed, nothing is written.
 */
function answerClientError(err: Error & { code?: string }, socket: Duplex): void {
  if (err.code === 'ECONNRESET' || !socket.writable) {
    socket.destroy();
    return;
  }
  const [status, title] =
    err.code === 'HPE_HEADER_OVERFLOW'
      ? [431, 'Request Header Fields Too Large']
      : err.code === 'ERR_HTTP_REQUEST_TIMEOUT'
        ? [408, 'Request Timeout']
        : [400, 'Bad Request'];
  const header = status === 400 ? badHeaderOf((err as { rawPacket?: Buffer }).rawPacket) : null;
  const errors =
    status === 400
      ? [
          header
            ? { pointer: `/headers/${escapePointer(header)}`, message: 'holds a character HTTP does not allow' }
            : { pointer: '', message: 'is not a valid HTTP request' },
        ]
      : undefined;
  const body = JSON.stringify({
    type: 'about:blank',
    title,
    status,
    detail: `the request could not be parsed (${err.code ?? 'unknown'})`,
    ...(errors ? { errors } : {}),
  });
  socket.end(
    `HTTP/1.1 ${status} ${title}\r\nContent-Type: application/problem+json\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
  );
}

/**
 * The header of a raw request that Node refused, by name (lower case): the first header line holding a
 * control character (but tab) or a name that is not an HTTP token; null when none is found.
 */
export function badHeaderOf(raw: Buffer | undefined): string | null {
  if (!raw) return null;
  const text = raw.toString('latin1');
  const end = text.indexOf('\r\n\r\n');
  const lines = (end >= 0 ? text.slice(0, end) : text).split('\r\n').slice(1);
  for (const line of lines) {
    const colon = line.indexOf(':');
    const name = colon > 0 ? line.slice(0, colon) : '';
    // eslint-disable-next-line no-control-regex -- the point is to find control characters
    const control = /[\x00-\x08\x0a-\x1f\x7f]/;
    if (colon > 0 && (!/^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/.test(name) || control.test(line.slice(colon + 1))))
      return name.toLowerCase();
  }
  return null;
}

/**
 * The HTTP side of a worker service (decider, projector, remediator, scorer): /healthz, /readyz and
 * /metrics from createHttpApp, plus GET /stats, on 127.0.0.1:port.
 */
export async function startOpsServer(
  opts: HttpAppOptions & { port: number; stats: () => unknown },
): Promise<Listening> {
  const app = createHttpApp(opts);
  app.get('/stats', (_req, res) => {
    res.json(opts.stats());
  });
  finishHttpApp(app, opts.log);
  return listen(app, opts.port, '127.0.0.1');
}
