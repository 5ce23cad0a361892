import { expect } from 'chai';
import { firstNonStringQuery, hasBody, isUnsafeParamText, mediaType, unsafeParam } from './request-checks.js';

describe('platform: request checks', () => {
  const types: [string | undefined, string | null][] = [
    [undefined, null],
    ['', null],
    [' ; charset=utf-8', null],
    ['application/json', 'application/json'],
    ['Application/JSON; charset=UTF-8', 'application/json'],
    ['  text/plain ;x=1', 'text/plain'],
    ['application/x-ndjson', 'application/x-ndjson'],
  ];
  for (const [header, expected] of types)
    it(`media type of ${JSON.stringify(header)} is ${JSON.stringify(expected)}`, () =>
      expect(mediaType(header)).to.equal(expected));

  const bodies: [Record<string, string>, boolean][] = [
    [{}, false],
    [{ 'content-length': '0' }, false],
    [{ 'content-length': '12' }, true],
    [{ 'transfer-encoding': 'chunked' }, true],
  ];
  for (const [headers, expected] of bodies)
    it(`${JSON.stringify(headers)} ${expected ? 'carries' : 'carries no'} body`, () =>
      expect(hasBody(headers)).to.equal(expected));

  const queries: [Record<string, unknown>, string | null][] = [
    [{}, null],
    [{ a: '1', b: '' }, null],
    [{ a: '1', b: ['1', '2'] }, 'b'],
    [{ a: { x: '1' } }, 'a'],
  ];
  for (const [q, expected] of queries)
    it(`first non-string query of ${JSON.stringify(q)} is ${JSON.stringify(expected)}`, () =>
      expect(firstNonStringQuery(q)).to.equal(expected));

  const texts: [string, boolean][] = [
    ['main', false],
    ['feature/ünïcode 😀', false],
    ['Ã©ð\u009f\u0098\u0080', false], // UTF-8 bytes of a header as Node decodes them (latin1): C1 is not refused
    ['a\u0000b', true],
    ['a\tb', true],
    ['a\u001fb', true],
    ['a\u007fb', true],
    ['a\uD800', true],
  ];
  for (const [s, unsafe] of texts)
    it(`${JSON.stringify(s)} is ${unsafe ? 'unsafe' : 'safe'}`, () => expect(isUnsafeParamText(s)).to.equal(unsafe));

  const params: [Record<string, unknown> | undefined, string | null][] = [
    [undefined, null],
    [{ id: 'x', absent: undefined }, null],
    [{ id: 'x', job: 'a\u0000' }, '/p/job'],
    [{ 'a/b': 'x\u0001' }, '/p/a~1b'],
    [{ 'k\u0000': 'x' }, '/p/k\u0000'],
    [{ many: ['ok', 'x\u0007'] }, '/p/many'],
  ];
  for (const [values, expected] of params)
    it(`unsafe param of ${JSON.stringify(values)} is ${JSON.stringify(expected)}`, () =>
      expect(unsafeParam('/p', values)).to.equal(expected));
});
