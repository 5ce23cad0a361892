// The guards inside a real express app (createHttpApp + finishHttpApp) on a free port.
import { expect } from 'chai';
import { request as httpRequest } from 'node:http';
import express from 'express';
import { createLogger } from '../log.js';
import { createHttpApp, finishHttpApp, listen, type Listening } from './app.js';
import { requireContentType, safeTextParams } from './request-guards.js';

interface Answer {
  status: number;
  type: string;
  body: Record<string, unknown>;
}

describe('platform: HTTP request guards', () => {
  let server: Listening;
  before(async () => {
    const app = createHttpApp({ log: createLogger('guards-test'), readiness: async () => true });
    app.get('/things/:id', safeTextParams(), (req, res) => {
      res.json({ id: req.params.id, q: req.query });
    });
    app.post('/json', requireContentType('application/json'), express.json({ type: () => true }), (req, res) => {
      res.json({ body: req.body ?? null });
    });
    finishHttpApp(app, createLogger('guards-test'));
    server = await listen(app, 0, '127.0.0.1');
  });
  after(() => server.close());

  /** A raw request (node:http, so headers and paths reach the server as written). */
  const send = (method: string, path: string, headers: Record<string, string> = {}, body?: string) =>
    new Promise<Answer>((resolve, reject) => {
      const req = httpRequest({ host: '127.0.0.1', port: server.port, method, path, headers }, (res) => {
        let text = '';
        res.on('data', (d) => (text += d));
        res.on('end', () =>
          resolve({
            status: res.statusCode!,
            type: String(res.headers['content-type']),
            body: text ? (JSON.parse(text) as Record<string, unknown>) : {},
          }),
        );
      });
      req.on('error', reject);
      if (body !== undefined) req.write(body);
      req.end();
    });
  const pointers = (a: Answer) => (a.body.errors as { pointer: string }[] | undefined)?.map((e) => e.pointer);

  describe('rejectRepeatedQuery (every route)', () => {
    it('passes single values', async () => {
      const a = await send('GET', '/things/x?a=1&b=2');
      expect(a.status).to.equal(200);
      expect(a.body.q).to.deep.equal({ a: '1', b: '2' });
    });
    for (const q of ['a=1&a=2', 'a=1&b=1&b=1', 'a=&a=']) {
      it(`400 naming the parameter for ?${q}`, async () => {
        const a = await send('GET', `/things/x?${q}`);
        expect(a.status).to.equal(400);
        expect(a.type).to.match(/^application\/problem\+json/);
        expect(pointers(a)).to.deep.equal([`/query/${q.includes('b=1&b') ? 'b' : 'a'}`]);
      });
    }
    it("applies to the app's own routes too (/healthz)", async () =>
      expect((await send('GET', '/healthz?x=1&x=2')).status).to.equal(400));
  });

  describe('requireContentType', () => {
    const body = '{"a":1}';
    const cases: [string, Record<string, string>, string | undefined, number][] = [
      ['application/json', { 'Content-Type': 'application/json' }, body, 200],
      ['with parameters and in capitals', { 'Content-Type': 'Application/JSON; charset=utf-8' }, body, 200],
      ['text/plain', { 'Content-Type': 'text/plain' }, body, 415],
      ['application/x-www-form-urlencoded', { 'Content-Type': 'application/x-www-form-urlencoded' }, 'a=1', 415],
      ['a body without Content-Type', {}, body, 415],
      ['a chunked body of another type', { 'Content-Type': 'text/csv', 'Transfer-Encoding': 'chunked' }, body, 415],
    ];
    for (const [name, headers, b, status] of cases) {
      it(`${status} for ${name}`, async () => {
        const a = await send('POST', '/json', headers, b);
        expect(a.status).to.equal(status);
        if (status === 415) {
          expect(a.type).to.match(/^application\/problem\+json/);
          expect(a.body.detail).to.include('application/json');
        }
      });
    }
    it('lets a request without a body through to the route (no Content-Type, no body)', async () => {
      const a = await send('POST', '/json', { 'Content-Length': '0' });
      expect(a.status).to.equal(200);
    });
  });

  describe('safeTextParams', () => {
    const cases: [string, string, Record<string, string>, string | null][] = [
      ['a plain id', '/things/abc?q=main', {}, null],
      ['unicode in path and query', '/things/%C3%BC%F0%9F%98%80?q=%E2%9C%93', {}, null],
      ['U+0000 in a path parameter', '/things/a%00b', {}, '/path/id'],
      ['a tab in a path parameter', '/things/a%09b', {}, '/path/id'],
      ['U+0000 in a query value', '/things/x?job=a%00', {}, '/query/job'],
      ['DEL in a query value', '/things/x?ref=%7F', {}, '/query/ref'],
      ['U+0001 in a query name', '/things/x?a%01=1', {}, '/query/a\u0001'],
      ['a tab in Idempotency-Key', '/things/x', { 'Idempotency-Key': 'a\tb' }, '/headers/idempotency-key'],
      ['a tab in Last-Event-ID', '/things/x', { 'Last-Event-ID': '1\t2' }, '/headers/last-event-id'],
    ];
    for (const [name, path, headers, pointer] of cases) {
      it(`${pointer ? `400 ${pointer}` : '200'} for ${name}`, async () => {
        const a = await send('GET', path, headers);
        expect(a.status).to.equal(pointer ? 400 : 200);
        if (pointer) {
          expect(a.type).to.match(/^application\/problem\+json/);
          expect(pointers(a)).to.deep.equal([pointer]);
        }
      });
    }
    it('checks query values and headers on every route, before routing (an unknown path)', async () => {
      expect((await send('GET', '/nowhere?x=%00')).status).to.equal(400);
    });
    it('answers a malformed percent-encoding in a path parameter with a 400 problem', async () => {
      const a = await send('GET', '/things/%E0%A4%A');
      expect(a.status).to.equal(400);
      expect(a.type).to.match(/^application\/problem\+json/);
    });
  });

  it('answers a request Node cannot parse (U+0000 in a header) with a 400 problem', async () => {
    const { connect } = await import('node:net');
    const raw = await new Promise<string>((resolve) => {
      const s = connect(server.port, '127.0.0.1', () =>
        s.write('GET /healthz HTTP/1.1\r\nHost: x\r\nIdempotency-Key: a\u0000b\r\n\r\n'),
      );
      let text = '';
      s.on('data', (d) => (text += d));
      s.on('end', () => resolve(text));
    });
    expect(raw).to.match(/^HTTP\/1\.1 400 /);
    expect(raw).to.include('Content-Type: application/problem+json');
  });
});
