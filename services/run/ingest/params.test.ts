import { expect } from 'chai';
import type { Request } from 'express';
import type { HttpProblem } from '../../lib/platform/http/problem.js';
import { ndjsonLines } from './bulk.js';
import { maskedValuesHeader } from './masked-values.js';
import { jobParam, logProjectParam, noQuery, pipelineIdParam, waitParam } from './params.js';

const req = (params: Record<string, string>, query: Record<string, unknown> = {}) =>
  ({ params, query }) as unknown as Request;
/** The pointers of the 400 `fn` throws, or 'ok' with its value. */
const outcome = (fn: () => unknown): unknown => {
  try {
    return { ok: fn() };
  } catch (e) {
    const p = (e as HttpProblem).problem;
    return { status: p.status, pointers: (p.errors ?? []).map((x) => x.pointer) };
  }
};

describe('ingest: path, query and header parameters', () => {
  const waits: [Record<string, unknown>, unknown][] = [
    [{}, { ok: 0 }],
    [{ wait: '0' }, { ok: 0 }],
    [{ wait: '30000' }, { ok: 30000 }],
    [{ wait: '005' }, { ok: 5 }],
    ...['', '1e3', '0x10', ' 5', '5 ', '5.0', '+5', '-1', 'Infinity', 'NaN', '12345678901'].map(
      (w): [Record<string, unknown>, unknown] => [{ wait: w }, { status: 400, pointers: ['/query/wait'] }],
    ),
    [{ wait: '30001' }, { status: 400, pointers: ['/query/wait'] }],
    [
      { wait: '1', extra: 'x' },
      { status: 400, pointers: ['/query/extra'] },
    ],
  ];
  for (const [query, expected] of waits)
    it(`?${new URLSearchParams(query as Record<string, string>).toString() || '(none)'} → ${JSON.stringify(expected)}`, () =>
      expect(outcome(() => waitParam(req({}, query), 30000))).to.deep.equal(expected));

  const jobs: [string, unknown][] = [
    ['build', { ok: 'build' }],
    ['rspec 1/3', { ok: 'rspec 1/3' }],
    ['0193A1B2-C3D4-7E5F-8A9B-0C1D2E3F4A5B', { ok: '0193a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b' }],
    ['j'.repeat(255), { ok: 'j'.repeat(255) }],
    ['j'.repeat(256), { status: 400, pointers: ['/path/jobId'] }],
    ['', { status: 400, pointers: ['/path/jobId'] }],
    ['a\u0000b', { status: 400, pointers: ['/path/jobId'] }],
    ['a\tb', { status: 400, pointers: ['/path/jobId'] }],
    ['x\uD800', { status: 400, pointers: ['/path/jobId'] }],
    ['build 😀', { ok: 'build 😀' }],
  ];
  for (const [job, expected] of jobs)
    it(`job ${JSON.stringify(job.length > 20 ? `${job.slice(0, 5)}…(${job.length})` : job)} → ${JSON.stringify(expected).slice(0, 60)}`, () =>
      expect(outcome(() => jobParam(req({ jobId: job })))).to.deep.equal(expected));

  it('the pipeline id is a UUID, lower-cased', () => {
    expect(outcome(() => pipelineIdParam(req({ id: '0193A1B2-C3D4-7E5F-8A9B-0C1D2E3F4A5B' })))).to.deep.equal({
      ok: '0193a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b',
    });
    expect(outcome(() => pipelineIdParam(req({ id: 'nope' })))).to.deep.equal({ status: 400, pointers: ['/path/id'] });
  });

  it('?project_id of a log upload: required, 1..255 characters, safe text, the only parameter', () => {
    expect(outcome(() => logProjectParam(req({}, { project_id: 'group/app' })))).to.deep.equal({ ok: 'group/app' });
    expect(outcome(() => logProjectParam(req({}, {})))).to.deep.equal({ status: 400, pointers: ['/query/project_id'] });
    expect(outcome(() => logProjectParam(req({}, { project_id: 'p'.repeat(256) })))).to.deep.equal({
      status: 400,
      pointers: ['/query/project_id'],
    });
    expect(outcome(() => logProjectParam(req({}, { project_id: 'p\uD800' })))).to.deep.equal({
      status: 400,
      pointers: ['/query/project_id'],
    });
    expect(outcome(() => logProjectParam(req({}, { project_id: 'p', wait: '1' })))).to.deep.equal({
      status: 400,
      pointers: ['/query/wait'],
    });
  });

  it('a route without query parameters refuses any', () => {
    expect(outcome(() => noQuery(req({}, {})))).to.deep.equal({ ok: undefined });
    expect(outcome(() => noQuery(req({}, { 'a/b': '1' })))).to.deep.equal({ status: 400, pointers: ['/query/a~1b'] });
  });

  it('X-Masked-Values: base64 of a JSON array of ≤ 100 safe strings', () => {
    const b64 = (v: unknown) => Buffer.from(JSON.stringify(v)).toString('base64');
    expect(outcome(() => maskedValuesHeader(undefined))).to.deep.equal({ ok: [] });
    expect(outcome(() => maskedValuesHeader(b64(['s3cr3t', '😀'])))).to.deep.equal({ ok: ['s3cr3t', '😀'] });
    expect(outcome(() => maskedValuesHeader('!!'))).to.deep.equal({
      status: 400,
      pointers: ['/headers/x-masked-values'],
    });
    expect(outcome(() => maskedValuesHeader(b64({ a: 1 })))).to.deep.equal({
      status: 400,
      pointers: ['/headers/x-masked-values'],
    });
    expect(outcome(() => maskedValuesHeader(b64(['ok', 'x\u0000'])))).to.deep.equal({
      status: 400,
      pointers: ['/headers/x-masked-values/1'],
    });
    expect(outcome(() => maskedValuesHeader(b64(Array.from({ length: 101 }, () => 'v'))))).to.deep.equal({
      status: 400,
      pointers: ['/headers/x-masked-values'],
    });
  });

  it('NDJSON lines: blank lines skipped, line numbers as in the body', () => {
    expect(ndjsonLines('')).to.deep.equal([]);
    expect(ndjsonLines('\n \n\t\r\n')).to.deep.equal([]);
    expect(ndjsonLines('{"a":1}\n\n{"b":2}\r\n')).to.deep.equal([
      { n: 1, text: '{"a":1}' },
      { n: 3, text: '{"b":2}\r' },
    ]);
  });
});
