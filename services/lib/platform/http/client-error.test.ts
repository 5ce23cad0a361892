import { expect } from 'chai';
import { badHeaderOf } from './app.js';

describe('http: the header Node refused, named', () => {
  const req = (...headers: string[]) =>
    Buffer.from(['GET /v1/pipelines HTTP/1.1', 'Host: x', ...headers, '', ''].join('\r\n'), 'latin1');
  const table: [string, Buffer | undefined, string | null][] = [
    ['a control character in a value', req('Accept: */*', 'Idempotency-Key: a\u0001b'), 'idempotency-key'],
    ['a bare CR inside a value', req('Last-Event-ID: 1:2\rx'), 'last-event-id'],
    ['a name that is not a token', req('Bad Name: x'), 'bad name'],
    ['a tab in a value is allowed', req('X-Correlation-Id: a\tb'), null],
    ['nothing wrong found', req('Accept: */*'), null],
    ['no packet', undefined, null],
  ];
  for (const [what, raw, header] of table) {
    it(`${what} → ${header ?? 'none'}`, () => {
      expect(badHeaderOf(raw)).to.equal(header);
    });
  }
});
