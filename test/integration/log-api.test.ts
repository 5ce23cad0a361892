// GET /v1/jobs/{id}/log against real Kafka and Postgres: a log uploaded through ingest (redacted there), a
// job reported failed (the decider attaches the log, the projector writes the job's log_ref), read back
// through the query service: text/plain with the masked content, gzip, ETag/304, scoping (another
// project's token: 404 as for a missing job), a job with only an excerpt, a bad id; and a log stored in
// many chunks (seeded straight into the log store and the read model) streamed whole, plain and gzipped.
import { expect } from 'chai';
import { randomUUID } from 'node:crypto';
import { request } from 'node:http';
import { gunzipSync } from 'node:zlib';
import { eq } from 'drizzle-orm';
import type pg from 'pg';
import { loadConfig } from '../../services/lib/platform/config/index.js';
import { createDb, createPool, type Db } from '../../services/lib/platform/db/client.js';
import { PgLogStore } from '../../services/lib/platform/logstore/pg-log-store.js';
import { readModelTables } from '../../services/lib/readmodel/tables.js';
import { ensureActiveVersion, versionSchema } from '../../services/lib/readmodel/versions.js';
import type { ReadModel } from '../../services/lib/readmodel/rows.js';
import { createAjv } from '../../services/lib/platform/schemas/ajv.js';
import { loadProjectorConfig } from '../../services/run/projector/config.js';
import { startProjector, type RunningProjector } from '../../services/run/projector/main.js';
import { loadQueryConfig } from '../../services/run/query/config.js';
import { startQuery, type RunningQuery } from '../../services/run/query/main.js';
import { api, startDeciderForTest, startIngestForTest, TOKEN_SPEC, TOKENS } from '../support/services.js';
import { until } from '../support/wait.js';

const SHA = 'a1b2c3d4e5f60718293a4b5c6d7e8f9012345678';
const SECRET = 'hunter2hunter2hunter2';
const LOG = [
  '\x1b[0KRunning with gitlab-runner 17.0.0',
  'section_start:1700000000:step_script\r\x1b[0K\x1b[32;1m$ npm test\x1b[0m',
  `password=${SECRET}`,
  'Downloading 10%\rDownloading 100%',
  '  1) adds numbers: AssertionError: expected 3 to equal 4',
  'section_end:1700000001:step_script\r\x1b[0K',
  '\x1b[31;1mERROR: Job failed: exit code 1\x1b[0m',
  '',
].join('\n');

interface Raw {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: Buffer;
}

/** A GET with exactly the headers given (fetch would add Accept-Encoding and gunzip for us). */
function rawGet(url: string, headers: Record<string, string>): Promise<Raw> {
  return new Promise((resolve, reject) => {
    const req = request(url, { headers }, (res) => {
      const parts: Buffer[] = [];
      res.on('data', (c: Buffer) => parts.push(c));
      res.on('end', () => resolve({ status: res.statusCode!, headers: res.headers, body: Buffer.concat(parts) }));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end();
  });
}

describe('job log API (real Kafka and Postgres)', function () {
  this.timeout(180_000);
  const env = { ...process.env, LOG_LEVEL: 'warn' };
  let ingest: Awaited<ReturnType<typeof startIngestForTest>>;
  let decider: Awaited<ReturnType<typeof startDeciderForTest>>;
  let projector: RunningProjector;
  let query: RunningQuery;
  let url: string;
  let pool: pg.Pool;
  let db: Db;
  let tables: ReadModel;
  let pipelineId: string;
  /** The attempt with a stored log; one failed with only its tail (an excerpt); one that never failed. */
  const jobs = { logged: '', excerptOnly: '', running: '' };
  const seeded = { pipelineId: randomUUID(), jobId: randomUUID(), text: '' };
  const bearer = (token: string) => ({ authorization: `Bearer ${token}` });

  before(async () => {
    pool = createPool(loadConfig().databaseUrl, 4);
    db = createDb(pool);
    tables = readModelTables(versionSchema(await ensureActiveVersion(pool)));
    decider = await startDeciderForTest();
    ingest = await startIngestForTest();
    projector = await startProjector(loadProjectorConfig({ ...env, PROJECTOR_PORT: '0' }), { http: false });
    query = await startQuery(loadQueryConfig({ ...env, QUERY_PORT: '0', QUERY_TOKENS: TOKEN_SPEC }));
    url = `http://127.0.0.1:${query.port}`;

    const created = await api(
      ingest.url,
      'POST',
      '/v1/pipelines?wait=10000',
      {
        project_id: 'test/alpha',
        ref: `log-${randomUUID().slice(0, 8)}`,
        sha: SHA,
        definition: {
          stages: ['test'],
          jobs: [
            { name: 'unit', stage: 'test' },
            { name: 'lint', stage: 'test' },
            { name: 'slow', stage: 'test' },
          ],
        },
      },
      { token: TOKENS.alpha },
    );
    expect(created.status, JSON.stringify(created.body)).to.equal(200);
    pipelineId = created.body.pipeline_id;
    const put = await fetch(`${ingest.url}/v1/pipelines/${pipelineId}/jobs/unit/log?project_id=test%2Falpha`, {
      method: 'PUT',
      headers: { ...bearer(TOKENS.alpha), 'content-type': 'text/plain' },
      body: LOG,
    });
    expect(put.status).to.equal(201);
    const report = async (job: string, body: object) => {
      const r = await api(
        ingest.url,
        'POST',
        `/v1/pipelines/${pipelineId}/jobs/${job}/reports?wait=10000`,
        { project_id: 'test/alpha', ...body },
        { token: TOKENS.alpha },
      );
      expect(r.status, `${job}: ${JSON.stringify(r.body)}`).to.equal(200);
    };
    await report('unit', { status: 'running', runner_id: 'r1' });
    await report('unit', { status: 'failed', failure_reason: 'script_failure', exit_code: 1 });
    await report('lint', { status: 'running', runner_id: 'r1' });
    await report('lint', {
      status: 'failed',
      failure_reason: 'script_failure',
      exit_code: 2,
      log_tail: 'src/a.ts:1:1 error no-unused-vars',
    });
    await report('slow', { status: 'running', runner_id: 'r1' });
    const detail = await until('the jobs in the read model', async () => {
      const r = await api(url, 'GET', `/v1/pipelines/${pipelineId}`, undefined, { token: TOKENS.alpha });
      const byName = new Map<string, { job_id: string; status: string; log_ref: string | null }>(
        (r.body.jobs ?? []).map((j: { name: string }) => [j.name, j]),
      );
      const ready =
        byName.get('unit')?.log_ref && byName.get('lint')?.status === 'failed' && byName.get('slow')?.status;
      return ready === 'running' ? byName : undefined;
    });
    jobs.logged = detail.get('unit')!.job_id;
    jobs.excerptOnly = detail.get('lint')!.job_id;
    jobs.running = detail.get('slow')!.job_id;

    // A 200 KB log kept in 4 KiB chunks (the service's store keeps 1 MiB chunks: a smaller one exercises the
    // chunk-by-chunk streaming), its job seeded straight into the read model.
    seeded.text = Array.from({ length: 4000 }, (_, i) => `line ${i + 1} ${'x'.repeat(40)}`).join('\n');
    const stored = await new PgLogStore(db, 4096).put({
      pipelineId: seeded.pipelineId,
      projectId: 'test/alpha',
      job: 'big',
      data: Buffer.from(seeded.text),
    });
    await db.insert(tables.jobs).values({
      jobId: seeded.jobId,
      pipelineId: seeded.pipelineId,
      projectId: 'test/alpha',
      name: 'big',
      stage: 'test',
      attempt: 1,
      status: 'failed',
      retried: false,
      allowFailure: false,
      when: 'on_success',
      needs: null,
      lastSeq: 3,
      logRef: stored.ref,
    });
  });

  after(async () => {
    await db?.delete(tables.jobs).where(eq(tables.jobs.jobId, seeded.jobId));
    for (const s of [query, projector, ingest, decider]) await s?.stop();
    await pool?.end();
  });

  const logPath = (id: string) => `/v1/jobs/${id}/log`;

  it('200 text/plain: the whole log as uploaded, ANSI and carriage returns kept, the secret masked at ingest', async () => {
    const r = await rawGet(url + logPath(jobs.logged), bearer(TOKENS.alpha));
    expect(r.status).to.equal(200);
    expect(r.headers['content-type']).to.equal('text/plain; charset=utf-8');
    expect(r.headers['content-encoding']).to.equal(undefined);
    expect(r.headers['x-content-type-options']).to.equal('nosniff');
    expect(r.headers['cache-control']).to.equal('private, no-cache');
    expect(r.headers.vary).to.match(/Accept-Encoding/);
    expect(r.headers.etag).to.match(/^W\/"log-[0-9a-f]{32}"$/);
    const text = r.body.toString('utf8');
    expect(Number(r.headers['content-length'])).to.equal(r.body.length);
    expect(text).to.equal(LOG.replace(SECRET, '[MASKED]'));
    expect(text).to.not.include(SECRET);
  });

  it('gzip when accepted: the stored gzip chunk as it is; the same text once gunzipped', async () => {
    const plain = await rawGet(url + logPath(jobs.logged), bearer(TOKENS.alpha));
    const r = await rawGet(url + logPath(jobs.logged), { ...bearer(TOKENS.alpha), 'accept-encoding': 'br, gzip' });
    expect(r.status).to.equal(200);
    expect(r.headers['content-encoding']).to.equal('gzip');
    expect(Number(r.headers['content-length'])).to.equal(r.body.length);
    expect(gunzipSync(r.body).equals(plain.body)).to.equal(true);
    expect(r.headers.etag).to.equal(plain.headers.etag);
    const refused = await rawGet(url + logPath(jobs.logged), {
      ...bearer(TOKENS.alpha),
      'accept-encoding': 'gzip;q=0',
    });
    expect(refused.headers['content-encoding']).to.equal(undefined);
    expect(refused.body.equals(plain.body)).to.equal(true);
  });

  it('ETag: If-None-Match answers 304 without a body; another tag gets the log', async () => {
    const first = await rawGet(url + logPath(jobs.logged), bearer(TOKENS.alpha));
    const etag = first.headers.etag as string;
    const again = await rawGet(url + logPath(jobs.logged), { ...bearer(TOKENS.alpha), 'if-none-match': etag });
    expect(again.status).to.equal(304);
    expect(again.body.length).to.equal(0);
    expect(again.headers.etag).to.equal(etag);
    const strong = etag.replace(/^W\//, '');
    expect(
      (await rawGet(url + logPath(jobs.logged), { ...bearer(TOKENS.alpha), 'if-none-match': strong })).status,
    ).to.equal(304);
    const other = await rawGet(url + logPath(jobs.logged), { ...bearer(TOKENS.alpha), 'if-none-match': 'W/"log-0"' });
    expect(other.status).to.equal(200);
  });

  it("another project's token: 404 exactly as for a job that does not exist", async () => {
    const foreign = await api(url, 'GET', logPath(jobs.logged), undefined, { token: TOKENS.beta });
    const missingId = randomUUID();
    const missing = await api(url, 'GET', logPath(missingId), undefined, { token: TOKENS.beta });
    expect(foreign.status).to.equal(404);
    expect(foreign.headers.get('content-type')).to.match(/^application\/problem\+json/);
    expect(foreign.headers.get('etag')).to.equal(null);
    expect(JSON.stringify(foreign.body).replaceAll(jobs.logged, '<id>')).to.equal(
      JSON.stringify(missing.body).replaceAll(missingId, '<id>'),
    );
    expect((await api(url, 'GET', logPath(jobs.logged), undefined, { token: TOKENS.all })).status).to.equal(200);
  });

  it('a job without a stored log: 404 saying why, and whether an excerpt is there', async () => {
    const excerpt = await api(url, 'GET', logPath(jobs.excerptOnly), undefined, { token: TOKENS.alpha });
    expect(excerpt.status).to.equal(404);
    expect(excerpt.body.detail).to.equal(
      `job ${jobs.excerptOnly} has no stored log (no log was uploaded before it failed); only an excerpt: log_excerpt of GET /v1/jobs/${jobs.excerptOnly}`,
    );
    const job = await api(url, 'GET', `/v1/jobs/${jobs.excerptOnly}`, undefined, { token: TOKENS.alpha });
    expect(job.body.log_excerpt).to.include('no-unused-vars');
    const running = await api(url, 'GET', logPath(jobs.running), undefined, { token: TOKENS.alpha });
    expect(running.status).to.equal(404);
    expect(running.body.detail).to.equal(
      `job ${jobs.running} has no stored log (a log is stored for failed jobs only)`,
    );
  });

  it('400 with a JSON pointer for a bad id or an unknown query parameter; 401 without a token', async () => {
    const bad = await api(url, 'GET', logPath('not-a-uuid'), undefined, { token: TOKENS.alpha });
    expect(bad.status).to.equal(400);
    expect(bad.headers.get('content-type')).to.match(/^application\/problem\+json/);
    expect(new Set(bad.body.errors.map((e: { pointer: string }) => e.pointer))).to.deep.equal(new Set(['/path/id']));
    const query = await api(url, 'GET', `${logPath(jobs.logged)}?download=1`, undefined, { token: TOKENS.alpha });
    expect(query.status).to.equal(400);
    expect(query.body.errors.map((e: { pointer: string }) => e.pointer)).to.deep.equal(['/query/download']);
    expect((await api(url, 'GET', logPath(jobs.logged), undefined, { token: '' })).status).to.equal(401);
  });

  it('a log of many chunks streams whole, chunk by chunk: plain (with its length) and gzipped', async () => {
    const plain = await rawGet(url + logPath(seeded.jobId), bearer(TOKENS.alpha));
    expect(plain.status).to.equal(200);
    expect(Number(plain.headers['content-length'])).to.equal(Buffer.byteLength(seeded.text));
    expect(plain.body.toString('utf8')).to.equal(seeded.text);
    const gz = await rawGet(url + logPath(seeded.jobId), { ...bearer(TOKENS.alpha), 'accept-encoding': 'gzip' });
    expect(gz.headers['content-encoding']).to.equal('gzip');
    expect(gz.headers['transfer-encoding']).to.equal('chunked');
    expect(gunzipSync(gz.body).toString('utf8')).to.equal(seeded.text);
  });

  it('the OpenAPI document describes the route, its 200 text and its problems', async () => {
    const doc = (await api(url, 'GET', '/openapi.json', undefined, { token: '' })).body;
    const op = doc.paths['/v1/jobs/{id}/log'].get;
    expect(op.operationId).to.equal('getJobLog');
    expect(Object.keys(op.responses)).to.include.members(['200', '304', '400', '401', '404', '500']);
    expect(op.responses['200'].content).to.have.property('text/plain');
    const ajv = createAjv();
    ajv.addVocabulary(['openapi', 'info', 'jsonSchemaDialect', 'paths', 'components']);
    ajv.addSchema(doc, 'openapi.json');
    const problem = ajv.getSchema('openapi.json#/components/schemas/Problem')!;
    const bad = await api(url, 'GET', logPath('x'), undefined, { token: TOKENS.alpha });
    expect(problem(bad.body), JSON.stringify(problem.errors)).to.equal(true);
  });
});
