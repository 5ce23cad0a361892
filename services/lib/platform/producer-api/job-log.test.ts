// An observed job's log from the replay server into a log store held in memory: redacted before it is stored,
// stored once per sha256, its excerpt built; and every way it can fail ending as a fetch_error in words.
import { createHash } from 'node:crypto';
import { expect } from 'chai';
import { ReplayServer } from '../../../../test/support/replay-server.js';
import type { Connection } from '../connections/connection.js';
import type { LogStore, StoredLogMeta } from '../logstore/log-store.js';
import { attachJobLogRecord, attachReportId } from './attach-record.js';
import { fetchJobLog, type FailedJob, type JobLogDeps } from './job-log.js';
import { RateLimits } from './token-bucket.js';

/** A LogStore in memory that deduplicates like the Postgres one. */
class MemoryLogStore implements LogStore {
  readonly logs = new Map<string, StoredLogMeta & { data: Buffer }>();
  async put(i: { pipelineId: string; projectId: string; job: string; data: Buffer }) {
    const sha256 = createHash('sha256').update(i.data).digest('hex');
    const ref = `mem:${i.projectId}/${i.pipelineId}/${i.job}/${sha256}`;
    const created = !this.logs.has(ref);
    if (created) this.logs.set(ref, { ...i, ref, bytes: i.data.length, sha256 });
    return { ref, bytes: i.data.length, sha256, created };
  }
  async latest(): Promise<StoredLogMeta | null> {
    return null;
  }
  async get(ref: string): Promise<Buffer | null> {
    return this.logs.get(ref)?.data ?? null;
  }
}

describe('producer API: an observed job’s log fetched and stored', () => {
  let server: ReplayServer;
  let store: MemoryLogStore;
  let deps: JobLogDeps;
  const gitlab = (): Connection => ({
    name: 'gl',
    system: 'gitlab',
    instance: 'https://gitlab.example.com',
    externalProject: '*',
    project: 'verity/app',
    secret: 'x'.repeat(16),
    apiToken: 'glpat-token',
    apiUrl: `${server.url}/api/v4`,
  });
  const job = (externalJobId: string): FailedJob => ({
    pipelineId: '0190f0d2-0000-7000-8000-000000000001',
    projectId: 'verity/app',
    job: '0190f0d2-0000-7000-8000-0000000000aa',
    externalJobId,
    at: {
      system: 'gitlab',
      instance: 'https://gitlab.example.com',
      project: 'verity/app',
      urls: [`https://gitlab.example.com/group/app/-/jobs/${externalJobId}`],
    },
  });

  beforeEach(async () => {
    server = await ReplayServer.start();
    store = new MemoryLogStore();
    deps = {
      connections: () => [gitlab()],
      store,
      policy: { maxAttempts: 2, timeoutMs: 2000, limitBytes: 1 << 20, backoff: { baseMs: 1, maxMs: 10 } },
      limits: new RateLimits(1000),
    };
  });
  afterEach(async () => server.close());

  it('stores the redacted log once and returns its ref, size, sha256 and excerpt', async () => {
    const secret = 'glpat-abcdefghijklmnopqrst';
    server.set('GET /api/v4/projects/group%2Fapp/jobs/5/trace', [
      { status: 200, body: `$ make test\nusing token ${secret}\nERROR: 3 tests failed\n` },
    ]);
    const r = await fetchJobLog(deps, job('5'));
    expect(r.fetch_error).to.equal(null);
    const stored = [...store.logs.values()];
    expect(stored).to.have.length(1);
    expect(stored[0]!.data.toString()).not.to.contain(secret);
    expect(r.log).to.deep.equal({ ref: stored[0]!.ref, bytes: stored[0]!.bytes, sha256: stored[0]!.sha256 });
    expect(r.log_excerpt).to.contain('ERROR: 3 tests failed').and.not.contain(secret);
    const again = await fetchJobLog(deps, job('5'));
    expect(again.log).to.deep.equal(r.log);
    expect(store.logs.size).to.equal(1);
  });

  it('says on the first line when only the tail of a long log was fetched', async () => {
    server.set('GET /api/v4/projects/group%2Fapp/jobs/6/trace', [{ status: 200, body: 'x'.repeat(500) + '\nFAILED' }]);
    await fetchJobLog({ ...deps, policy: { ...deps.policy, limitBytes: 100 } }, job('6'));
    const text = [...store.logs.values()][0]!.data.toString();
    expect(text.split('\n')[0]).to.equal(
      '[verity: the log is longer than the fetch limit; only its last 100 bytes were fetched]',
    );
    expect(text.endsWith('FAILED')).to.equal(true);
  });

  it('turns a 404, a missing connection or token, and a failing store into a fetch_error', async () => {
    server.set('GET /api/v4/projects/group%2Fapp/jobs/7/trace', [{ status: 404, body: { message: '404 Not found' } }]);
    const notFound = await fetchJobLog(deps, job('7'));
    expect(notFound.fetch_error).to.match(/^gitlab job 7 \(connection "gl"\): GET .*\/trace: 404 Not Found/);
    expect(notFound.log).to.equal(null);
    const none = await fetchJobLog({ ...deps, connections: () => [] }, job('7'));
    expect(none.fetch_error).to.match(/^no connection configured for gitlab https:\/\/gitlab.example.com/);
    const tokenless = await fetchJobLog({ ...deps, connections: () => [{ ...gitlab(), apiToken: null }] }, job('7'));
    expect(tokenless.fetch_error).to.equal('connection "gl" has no api_token: the log cannot be read');
    server.set('GET /api/v4/projects/group%2Fapp/jobs/8/trace', [{ status: 200, body: 'log' }]);
    const broken = {
      ...store,
      put: async () => Promise.reject(new Error('connection refused')),
    } as unknown as LogStore;
    const unstored = await fetchJobLog({ ...deps, store: broken }, job('8'));
    expect(unstored.fetch_error).to.equal(
      'the log was fetched but storing it failed after 2 attempts: connection refused',
    );
  });

  it('names one AttachJobLog report per job attempt, whoever fetches it', () => {
    const result = { log: null, log_excerpt: null, fetch_error: 'x' };
    const a = attachJobLogRecord({ pipelineId: 'p', projectId: 'q', job: 'j1', at: 't', producer: 'fetcher', result });
    const b = attachJobLogRecord({ pipelineId: 'p', projectId: 'q', job: 'j1', at: 'u', producer: 'import', result });
    expect(a.report_id).to.equal(b.report_id).and.equal(attachReportId('j1'));
    expect(attachReportId('j2')).not.to.equal(a.report_id);
    expect(a).to.deep.include({ type: 'AttachJobLog', idempotency_key: null, correlation_id: a.report_id });
  });
});
