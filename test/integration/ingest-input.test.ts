// Issue 11, findings 1, 8 and 10 at ingest's edge: every value is bounded to what its column holds and
// holds no U+0000 or lone surrogate (400 with the JSON pointer), no bad request is a 500, JSON routes
// take JSON only (415), ?wait= is a bounded decimal integer, a query parameter is given once, a bulk
// body of blank lines is a 400 — and nothing is written on any of these 4xx (Kafka and every table).
import { expect } from 'chai';
import { connect } from 'node:net';
import { gzipSync } from 'node:zlib';
import type { Admin, Kafka } from 'kafkajs';
import type pg from 'pg';
import { loadConfig } from '../../services/lib/platform/config/index.js';
import { createPool } from '../../services/lib/platform/db/client.js';
import { createKafka } from '../../services/lib/platform/kafka/client.js';
import { api, startDeciderForTest, startIngestForTest, TOKENS } from '../support/services.js';
import { nothingWritten, pointers, PROBLEM, raw } from './ingest-helpers.js';

const SHA = 'a1b2c3d4e5f60718293a4b5c6d7e8f9012345678';
const PROJECT = 'test/alpha';
const AUTH = { authorization: `Bearer ${TOKENS.alpha}` };
const JSON_TYPE = { 'content-type': 'application/json' };
const NDJSON = { 'content-type': 'application/x-ndjson' };

interface Case {
  name: string;
  method?: string;
  path: string | ((id: string) => string);
  headers?: Record<string, string>;
  body?: unknown;
  raw?: string | Buffer;
  status: number;
  pointer?: string;
}

describe('ingest: input at the edge (findings 1, 8, 10)', function () {
  this.timeout(120_000);
  const config = loadConfig();
  let ingest: Awaited<ReturnType<typeof startIngestForTest>>;
  let decider: Awaited<ReturnType<typeof startDeciderForTest>>;
  let kafka: Kafka;
  let admin: Admin;
  let pool: pg.Pool;
  let id: string;

  const definition = {
    stages: ['build'],
    jobs: [
      { name: 'compile', stage: 'build' },
      { name: 'deploy', stage: 'build', when: 'manual' },
    ],
  };
  const create = { project_id: PROJECT, ref: 'main', sha: SHA, definition };
  const report = { project_id: PROJECT, status: 'failed', failure_reason: 'script_failure' };

  before(async () => {
    kafka = createKafka(config, 'test-ingest-input');
    admin = kafka.admin();
    await admin.connect();
    pool = createPool(config.databaseUrl, 2);
    decider = await startDeciderForTest();
    ingest = await startIngestForTest({ INGEST_WAIT_MAX_MS: '30000' });
    const created = await api(ingest.url, 'POST', '/v1/pipelines?wait=20000', create, { token: TOKENS.alpha });
    expect(created.status, JSON.stringify(created.body)).to.equal(200);
    id = created.body.pipeline_id;
  });
  after(async () => {
    await ingest?.stop();
    await decider?.stop();
    await admin?.disconnect();
    await pool?.end();
  });

  const send = (c: Case) => {
    const path = typeof c.path === 'function' ? c.path(id) : c.path;
    const body = c.raw ?? (c.body === undefined ? undefined : JSON.stringify(c.body));
    return raw(ingest.url, c.method ?? 'POST', path, {
      headers: { ...AUTH, ...(c.raw === undefined && c.body !== undefined ? JSON_TYPE : {}), ...c.headers },
      body,
    });
  };
  const run = (cases: Case[]) => {
    for (const c of cases) {
      it(`${c.name} → ${c.status}${c.pointer !== undefined ? ` ${c.pointer}` : ''}`, async () => {
        const a = c.status >= 400 ? await nothingWritten(admin, pool, () => send(c)) : await send(c);
        expect(a.status, a.text.slice(0, 400)).to.equal(c.status);
        if (c.status >= 400) expect(a.type).to.match(PROBLEM);
        if (c.pointer !== undefined) expect(pointers(a.body)).to.include(c.pointer);
      });
    }
  };
  const reports = (i: string) => `/v1/pipelines/${i}/jobs/compile/reports`;

  describe('finding 1: integers fit their column, strings hold no U+0000 and no lone surrogate', () => {
    run([
      {
        name: 'exit_code 2^31',
        path: reports,
        body: { ...report, exit_code: 2147483648 },
        status: 400,
        pointer: '/exit_code',
      },
      {
        name: 'exit_code -2^31 - 1',
        path: reports,
        body: { ...report, exit_code: -2147483649 },
        status: 400,
        pointer: '/exit_code',
      },
      {
        name: 'exit_code 1e300',
        path: reports,
        raw: '{"project_id":"test/alpha","status":"failed","failure_reason":"x","exit_code":1e300}',
        headers: JSON_TYPE,
        status: 400,
        pointer: '/exit_code',
      },
      {
        name: 'ref with U+0000',
        path: '/v1/pipelines',
        body: { ...create, ref: 'main\u0000' },
        status: 400,
        pointer: '/ref',
      },
      {
        name: 'ref with a lone surrogate',
        path: '/v1/pipelines',
        body: { ...create, ref: 'main\uD800' },
        status: 400,
        pointer: '/ref',
      },
      {
        name: 'project_id with U+0000',
        path: '/v1/pipelines',
        body: { ...create, project_id: 'test/alpha\u0000' },
        status: 400,
        pointer: '/project_id',
      },
      {
        name: 'stage with U+0000',
        path: '/v1/pipelines',
        body: { ...create, definition: { stages: ['b\u0000'], jobs: [{ name: 'j', stage: 'b\u0000' }] } },
        status: 400,
        pointer: '/definition/stages/0',
      },
      {
        name: 'job name with U+0000',
        path: '/v1/pipelines',
        body: { ...create, definition: { stages: ['b'], jobs: [{ name: 'j\u0000', stage: 'b' }] } },
        status: 400,
        pointer: '/definition/jobs/0/name',
      },
      {
        name: 'needs with a lone surrogate',
        path: '/v1/pipelines',
        body: { ...create, definition: { stages: ['b'], jobs: [{ name: 'j', stage: 'b', needs: ['\uDC00'] }] } },
        status: 400,
        pointer: '/definition/jobs/0/needs/0',
      },
      {
        name: 'idempotency_key with U+0000 (was a 500)',
        path: '/v1/pipelines',
        body: { ...create, idempotency_key: 'k\u0000' },
        status: 400,
        pointer: '/idempotency_key',
      },
      {
        name: 'runner_id with U+0000',
        path: reports,
        body: { project_id: PROJECT, status: 'running', runner_id: 'r\u0000' },
        status: 400,
        pointer: '/runner_id',
      },
      {
        name: 'failure_reason with U+0000',
        path: reports,
        body: { ...report, failure_reason: 'x\u0000' },
        status: 400,
        pointer: '/failure_reason',
      },
      {
        name: 'log_tail with U+0000',
        path: reports,
        body: { ...report, log_tail: 'ok\n\u0000' },
        status: 400,
        pointer: '/log_tail',
      },
      {
        name: 'masked_values with a lone surrogate',
        path: reports,
        body: { ...report, masked_values: ['s3cr3t\uD83D'] },
        status: 400,
        pointer: '/masked_values/0',
      },
      ...['0000-01-01T00:00:00Z', '2024-01-01T00:00:00+23:59', '2024-01-01T00:00:00-16:00', '2016-12-31T23:59:60Z'].map(
        (t): Case => ({
          name: `occurred_at ${t} (Postgres 22008/22009 or no Date.parse)`,
          path: reports,
          body: { ...report, occurred_at: t },
          status: 400,
          pointer: '/occurred_at',
        }),
      ),
      {
        name: "pipeline_id in the urn:uuid: form (Ajv's uuid format takes it, Postgres does not)",
        path: '/v1/pipelines',
        body: { ...create, pipeline_id: 'urn:uuid:0193a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b' },
        status: 400,
        pointer: '/pipeline_id',
      },
      {
        name: "a command's project_id with U+0000",
        path: (i) => `/v1/pipelines/${i}/cancel`,
        body: { project_id: 'p\u0000' },
        status: 400,
        pointer: '/project_id',
      },
    ]);

    it('bulk: the line with U+0000 gets its 400 with the pointer and nothing is written', async () => {
      const a = await nothingWritten(admin, pool, () =>
        send({
          name: '',
          path: '/v1/reports:bulk',
          headers: NDJSON,
          status: 200,
          raw: [
            JSON.stringify({ op: 'create_pipeline', ...create, ref: 'x\u0000' }),
            JSON.stringify({ op: 'report', pipeline_id: id, job: 'compile', ...report, exit_code: 2 ** 31 }),
          ].join('\n'),
        }),
      );
      const verdicts = a.text
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l) as { status: number; errors: { pointer: string }[] });
      expect(verdicts.map((v) => v.status)).to.deep.equal([400, 400]);
      expect(pointers(verdicts[0]!)).to.include('/ref');
      expect(pointers(verdicts[1]!)).to.include('/exit_code');
    });

    it('bulk: a pipeline_id in the urn:uuid: form is a 400 for its line (was a 500 for the whole body: Postgres 22P02)', async () => {
      const urn = 'urn:uuid:0193a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b';
      const a = await nothingWritten(admin, pool, () =>
        send({
          name: '',
          path: '/v1/reports:bulk',
          headers: NDJSON,
          status: 200,
          raw: [
            JSON.stringify({ op: 'create_pipeline', ...create, pipeline_id: urn }),
            JSON.stringify({ op: 'cancel', pipeline_id: urn, project_id: PROJECT }),
          ].join('\n'),
        }),
      );
      expect(a.status, a.text).to.equal(200);
      const verdicts = a.text
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l) as { status: number; errors: { pointer: string }[] });
      expect(verdicts.map((v) => [v.status, pointers(v)])).to.deep.equal([
        [400, ['/pipeline_id']],
        [400, ['/pipeline_id']],
      ]);
    });

    it('the boundaries themselves pass: exit_code 2^31 - 1, an emoji and accents in ref', async () => {
      expect(
        (
          await api(
            ingest.url,
            'POST',
            reports(id),
            { project_id: PROJECT, status: 'running', runner_id: 'r' },
            { token: TOKENS.alpha },
          )
        ).status,
      ).to.equal(202);
      expect(
        (await api(ingest.url, 'POST', reports(id), { ...report, exit_code: 2147483647 }, { token: TOKENS.alpha }))
          .status,
      ).to.equal(202);
      expect(
        (await api(ingest.url, 'POST', '/v1/pipelines', { ...create, ref: 'feature/😀-ünï' }, { token: TOKENS.alpha }))
          .status,
      ).to.equal(202);
      for (const t of ['1000-01-01T00:00:00Z', '2024-01-01T00:00:00.123456789+14:59', '2024-01-01t00:00:00z']) {
        expect(
          (await api(ingest.url, 'POST', '/v1/pipelines', { ...create, occurred_at: t }, { token: TOKENS.alpha }))
            .status,
          t,
        ).to.equal(202);
      }
    });
  });

  describe('finding 8: no 500 on a bad id, key or header', () => {
    const long = 'j'.repeat(256);
    run([
      {
        name: 'a job name of 256 characters in the URL (was a 500)',
        path: (i) => `/v1/pipelines/${i}/jobs/${long}/reports`,
        body: report,
        status: 400,
        pointer: '/path/jobId',
      },
      {
        name: 'a job id of 5,000 characters',
        path: (i) => `/v1/pipelines/${i}/jobs/${'x'.repeat(5000)}/retry`,
        body: { project_id: PROJECT },
        status: 400,
        pointer: '/path/jobId',
      },
      {
        name: 'a job name of 256 characters on play',
        path: (i) => `/v1/pipelines/${i}/jobs/${long}/play`,
        body: { project_id: PROJECT },
        status: 400,
        pointer: '/path/jobId',
      },
      {
        name: 'a job name of 256 characters on a log upload',
        method: 'PUT',
        path: (i) => `/v1/pipelines/${i}/jobs/${long}/log?project_id=test%2Falpha`,
        raw: 'log',
        headers: { 'content-type': 'text/plain' },
        status: 400,
        pointer: '/path/jobId',
      },
      {
        name: 'U+0000 in the job of the URL',
        path: (i) => `/v1/pipelines/${i}/jobs/a%00b/reports`,
        body: report,
        status: 400,
        pointer: '/path/jobId',
      },
      {
        name: 'a malformed percent-encoding in the job',
        path: (i) => `/v1/pipelines/${i}/jobs/%E0%A4%A/reports`,
        body: report,
        status: 400,
      },
      {
        name: 'a tab in Idempotency-Key',
        path: '/v1/pipelines',
        body: create,
        headers: { 'idempotency-key': 'a\tb' },
        status: 400,
        pointer: '/headers/idempotency-key',
      },
      {
        name: 'an Idempotency-Key of 256 characters',
        path: '/v1/pipelines',
        body: create,
        headers: { 'idempotency-key': 'k'.repeat(256) },
        status: 400,
        pointer: '/headers/idempotency-key',
      },
      {
        name: 'a tab in X-Correlation-Id',
        path: '/v1/pipelines',
        body: create,
        headers: { 'x-correlation-id': 'a\tb' },
        status: 400,
        pointer: '/headers/x-correlation-id',
      },
      {
        name: 'U+0000 in ?project_id of a log upload',
        method: 'PUT',
        path: (i) => `/v1/pipelines/${i}/jobs/compile/log?project_id=a%00`,
        raw: 'log',
        headers: { 'content-type': 'text/plain' },
        status: 400,
        pointer: '/query/project_id',
      },
      {
        name: 'a ?project_id of 256 characters',
        method: 'PUT',
        path: (i) => `/v1/pipelines/${i}/jobs/compile/log?project_id=${'p'.repeat(256)}`,
        raw: 'log',
        headers: { 'content-type': 'text/plain' },
        status: 400,
        pointer: '/query/project_id',
      },
      {
        name: 'X-Masked-Values that is not base64 JSON',
        method: 'PUT',
        path: (i) => `/v1/pipelines/${i}/jobs/compile/log?project_id=test%2Falpha`,
        raw: 'log',
        headers: { 'content-type': 'text/plain', 'x-masked-values': '!!' },
        status: 400,
        pointer: '/headers/x-masked-values',
      },
      {
        name: 'X-Masked-Values holding U+0000',
        method: 'PUT',
        path: (i) => `/v1/pipelines/${i}/jobs/compile/log?project_id=test%2Falpha`,
        raw: 'log',
        headers: {
          'content-type': 'text/plain',
          'x-masked-values': Buffer.from(JSON.stringify(['a\u0000'])).toString('base64'),
        },
        status: 400,
        pointer: '/headers/x-masked-values/0',
      },
    ]);

    it('U+0000 in the Idempotency-Key header: a 400 problem (Node refuses the request line by line)', async () => {
      const answer = await nothingWritten(admin, pool, async () => {
        const port = new URL(ingest.url).port;
        const body = JSON.stringify(create);
        return new Promise<string>((resolve) => {
          const s = connect(Number(port), '127.0.0.1', () =>
            s.write(
              `POST /v1/pipelines HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer ${TOKENS.alpha}\r\nContent-Type: application/json\r\nIdempotency-Key: a\u0000b\r\nContent-Length: ${body.length}\r\n\r\n${body}`,
            ),
          );
          let text = '';
          s.on('data', (d) => (text += d));
          s.on('end', () => resolve(text));
        });
      });
      expect(answer)
        .to.match(/^HTTP\/1\.1 400 /)
        .and.to.include('application/problem+json');
    });
  });

  describe('finding 10: content types, ?wait=, repeated parameters, blank bulk bodies', () => {
    const bulkLine = JSON.stringify({
      op: 'cancel',
      pipeline_id: '0193a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b',
      project_id: 'test/beta',
    }); // a 403 line: nothing written
    run([
      {
        name: 'a JSON route with text/plain',
        path: '/v1/pipelines',
        raw: JSON.stringify(create),
        headers: { 'content-type': 'text/plain' },
        status: 415,
      },
      {
        name: 'a JSON route with a form body',
        path: '/v1/pipelines',
        raw: 'project_id=x',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        status: 415,
      },
      { name: 'a JSON route with a body and no Content-Type', path: reports, raw: JSON.stringify(report), status: 415 },
      {
        name: 'a JSON route with NDJSON',
        path: (i) => `/v1/pipelines/${i}/cancel`,
        raw: JSON.stringify({ project_id: PROJECT }),
        headers: NDJSON,
        status: 415,
      },
      { name: 'a JSON route with no body and no Content-Type', path: '/v1/pipelines', status: 400, pointer: '' },
      { name: 'bulk with application/json', path: '/v1/reports:bulk', raw: bulkLine, headers: JSON_TYPE, status: 415 },
      {
        name: 'bulk with text/plain',
        path: '/v1/reports:bulk',
        raw: bulkLine,
        headers: { 'content-type': 'text/plain' },
        status: 415,
      },
      { name: 'bulk with application/x-ndjson', path: '/v1/reports:bulk', raw: bulkLine, headers: NDJSON, status: 200 },
      {
        name: 'bulk with application/jsonl',
        path: '/v1/reports:bulk',
        raw: bulkLine,
        headers: { 'content-type': 'application/jsonl' },
        status: 200,
      },
      { name: 'bulk with only blank lines', path: '/v1/reports:bulk', raw: '\n\n\n', headers: NDJSON, status: 400 },
      // body-parser decodes invalid UTF-8 with U+FFFD in place of the bad bytes: the request was accepted with other
      // text.
      {
        name: 'a JSON body that is not UTF-8 (the fuzz suite found it accepted)',
        path: reports,
        raw: Buffer.concat([
          Buffer.from('{"project_id":"test/alpha","status":"running","runner_id":"r'),
          Buffer.from([0xc3, 0x28]),
          Buffer.from('"}'),
        ]),
        headers: JSON_TYPE,
        status: 400,
        pointer: '',
      },
      {
        name: 'an NDJSON body that is not UTF-8',
        path: '/v1/reports:bulk',
        raw: Buffer.concat([Buffer.from(bulkLine.slice(0, -2)), Buffer.from([0xff, 0xfe]), Buffer.from('"}')]),
        headers: NDJSON,
        status: 400,
        pointer: '',
      },
      {
        name: 'bulk with only whitespace lines',
        path: '/v1/reports:bulk',
        raw: '  \r\n\t\n \n',
        headers: NDJSON,
        status: 400,
      },
      { name: 'bulk with an empty body', path: '/v1/reports:bulk', raw: '', headers: NDJSON, status: 400 },
      {
        name: 'a log upload with application/json',
        method: 'PUT',
        path: (i) => `/v1/pipelines/${i}/jobs/compile/log?project_id=test%2Falpha`,
        raw: '{}',
        headers: JSON_TYPE,
        status: 415,
      },
      {
        name: 'a log upload with an unsupported Content-Encoding',
        method: 'PUT',
        path: (i) => `/v1/pipelines/${i}/jobs/compile/log?project_id=test%2Falpha`,
        raw: 'log',
        headers: { 'content-type': 'text/plain', 'content-encoding': 'compress' },
        status: 415,
      },
      ...['1e3', '0x10', '%205', '5.0', '', '-1', '%2B5', '30001', '99999999999999999999', 'Infinity'].map(
        (w): Case => ({
          name: `?wait=${w}`,
          path: `/v1/pipelines?wait=${w}`,
          body: create,
          status: 400,
          pointer: '/query/wait',
        }),
      ),
      {
        name: '?wait given twice',
        path: '/v1/pipelines?wait=1&wait=2',
        body: create,
        status: 400,
        pointer: '/query/wait',
      },
      {
        name: '?project_id given twice on a log upload',
        method: 'PUT',
        path: (i) => `/v1/pipelines/${i}/jobs/compile/log?project_id=test%2Falpha&project_id=test%2Fbeta`,
        raw: 'log',
        headers: { 'content-type': 'text/plain' },
        status: 400,
        pointer: '/query/project_id',
      },
      {
        name: 'an unknown query parameter',
        path: '/v1/pipelines?wiat=100',
        body: create,
        status: 400,
        pointer: '/query/wiat',
      },
    ]);

    it('the log upload takes text/plain, application/octet-stream and gzip-encoded bodies', async () => {
      const put = (headers: Record<string, string>, body: string | Buffer) =>
        raw(ingest.url, 'PUT', `/v1/pipelines/${id}/jobs/compile/log?project_id=test%2Falpha`, {
          headers: { ...AUTH, ...headers },
          body,
        });
      expect((await put({ 'content-type': 'text/plain; charset=utf-8' }, 'plain log\n')).status).to.equal(201);
      expect((await put({ 'content-type': 'application/octet-stream' }, 'octet log\n')).status).to.equal(201);
      expect(
        (await put({ 'content-type': 'text/plain', 'content-encoding': 'gzip' }, gzipSync('gzip log\n'))).status,
      ).to.equal(201);
    });

    it('?wait=0 and ?wait=30000 are accepted (0 means no wait)', async () => {
      expect((await api(ingest.url, 'POST', '/v1/pipelines?wait=0', create, { token: TOKENS.alpha })).status).to.equal(
        202,
      );
      expect(
        (await api(ingest.url, 'POST', '/v1/pipelines?wait=30000', create, { token: TOKENS.alpha })).status,
      ).to.equal(200);
    });
  });
});
