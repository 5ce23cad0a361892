// The sink's answers as the exporter reads them, and the HTTP POST itself against a local server: the
// CloudEvent in the configured mode, the bearer token, a timeout or a refused connection to be retried.
import { expect } from 'chai';
import { CloudEvent, HTTP } from 'cloudevents';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { answerOf, HttpSink } from './sink.js';

const headers = (h: Record<string, string> = {}) => new Headers(h);

describe('exporter sink: what an answer means', () => {
  for (const [status, kind] of [
    [200, 'ok'],
    [202, 'ok'],
    [204, 'ok'],
    [409, 'ok'],
    [400, 'rejected'],
    [413, 'rejected'],
    [415, 'rejected'],
    [422, 'rejected'],
    [401, 'retry'],
    [403, 'retry'],
    [404, 'retry'],
    [408, 'retry'],
    [429, 'retry'],
    [500, 'retry'],
    [502, 'retry'],
    [503, 'retry'],
    [302, 'retry'],
  ] as const) {
    it(`HTTP ${status} → ${kind}`, () => expect(answerOf(status, headers(), 0).kind).to.equal(kind));
  }
  it('Retry-After in seconds or as a date is kept', () => {
    expect(answerOf(429, headers({ 'retry-after': '3' }), 0)).to.deep.include({ retryAfterMs: 3000 });
    const now = Date.parse('2026-12-07T10:00:00Z');
    const at = headers({ 'retry-after': 'Mon, 07 Dec 2026 10:00:05 GMT' });
    expect(answerOf(503, at, now)).to.deep.include({ retryAfterMs: 5000 });
  });
});

describe('exporter sink: the POST', () => {
  let server: Server;
  let url = '';
  const seen: { headers: IncomingHttpHeaders; body: string }[] = [];
  let delayMs = 0;
  before(async () => {
    server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        seen.push({ headers: req.headers, body: Buffer.concat(chunks).toString('utf8') });
        setTimeout(() => res.writeHead(202).end('accepted'), delayMs);
      });
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/events`;
  });
  after(() => {
    server.closeAllConnections();
    server.close();
  });
  const event = new CloudEvent({
    id: 'e-1',
    source: '/verity/p',
    type: 'dev.cdevents.taskrun.started.0.2.0',
    data: { a: 1 },
  });
  const signal = new AbortController().signal;

  for (const mode of ['binary', 'structured'] as const) {
    it(`${mode} mode, with the bearer token: the server reads the same CloudEvent`, async () => {
      seen.length = 0;
      const sink = new HttpSink({ sinkUrl: url, sinkToken: 's3cret', mode, timeoutMs: 2000 });
      expect(await sink.post(event, signal)).to.deep.equal({ kind: 'ok', status: 202 });
      const [req] = seen;
      expect(req!.headers.authorization).to.equal('Bearer s3cret');
      const back = HTTP.toEvent({ headers: req!.headers as Record<string, string>, body: req!.body }) as CloudEvent;
      expect(back).to.include({ id: 'e-1', type: event.type, source: '/verity/p' });
      expect(String(req!.headers['content-type'])).to.match(
        mode === 'binary' ? /^application\/json/ : /^application\/cloudevents\+json/,
      );
    });
  }

  it('a timeout and a refused connection are retried', async () => {
    delayMs = 300;
    const slow = new HttpSink({ sinkUrl: url, sinkToken: undefined, mode: 'binary', timeoutMs: 100 });
    expect(await slow.post(event, signal)).to.deep.equal({ kind: 'retry', reason: 'timeout', retryAfterMs: null });
    delayMs = 0;
    const free = createServer();
    await new Promise<void>((r) => free.listen(0, '127.0.0.1', r));
    const port = (free.address() as AddressInfo).port;
    await new Promise((r) => free.close(r));
    const closed = new HttpSink({
      sinkUrl: `http://127.0.0.1:${port}/x`,
      sinkToken: undefined,
      mode: 'binary',
      timeoutMs: 1000,
    });
    expect(await closed.post(event, signal)).to.deep.include({ kind: 'retry', reason: 'ECONNREFUSED' });
  });

  it('stopping aborts the request: it rejects instead of answering', async () => {
    delayMs = 300;
    const stop = new AbortController();
    const sink = new HttpSink({ sinkUrl: url, sinkToken: undefined, mode: 'binary', timeoutMs: 2000 });
    const posted = sink.post(event, stop.signal);
    stop.abort();
    let failed = false;
    await posted.catch(() => (failed = true));
    expect(failed).to.equal(true);
    delayMs = 0;
  });
});
