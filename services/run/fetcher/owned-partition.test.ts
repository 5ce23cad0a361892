// One owned partition with its fetches against the replay server and a committer that records its
// transactions: a slow job does not hold the others (their records are written first) but holds the offset;
// a job whose API keeps failing becomes a fetch_error after its attempts; a JobObserved that comes after its
// JobFailed in the same decision is waited for; a release drops in-flight results.
import { createHash } from 'node:crypto';
import { expect } from 'chai';
import type { KafkaMessage } from 'kafkajs';
import { ReplayServer } from '../../../test/support/replay-server.js';
import type { AttachJobLog, PipelineEvent } from '../../lib/core/events/generated.js';
import type { Connection } from '../../lib/platform/connections/connection.js';
import type { ConsumedRecord } from '../../lib/platform/consumer/runner.js';
import { createLogger } from '../../lib/platform/log.js';
import type { LogStore } from '../../lib/platform/logstore/log-store.js';
import { RateLimits } from '../../lib/platform/producer-api/token-bucket.js';
import type { Committer } from './committer.js';
import { FetchQueue } from './fetch-queue.js';
import { ObservedBook } from './observed-book.js';
import { OwnedPartition } from './owned-partition.js';

const PIPELINE = '0190f0d2-0000-7000-8000-000000000001';
const job = (n: number) => `0190f0d2-0000-7000-8000-0000000000a${n}`;

const store: LogStore = {
  async put({ data }) {
    const sha256 = createHash('sha256').update(data).digest('hex');
    return { ref: `mem:${sha256}`, bytes: data.length, sha256, created: true };
  },
  latest: async () => null,
  get: async () => null,
};

async function until(what: string, check: () => boolean, ms = 5000): Promise<void> {
  const end = Date.now() + ms;
  while (!check()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

describe('fetcher: one owned partition', () => {
  let server: ReplayServer;
  let writes: { records: AttachJobLog[]; offset: bigint }[];
  let part: OwnedPartition;
  let offset: bigint;

  const env = (type: string, causation: string) => ({
    type,
    event_id: `e-${type}-${offset}`,
    occurred_at: '2030-01-01T00:00:00.000Z',
    recorded_at: '2030-01-01T00:00:00.010Z',
    pipeline_id: PIPELINE,
    project_id: 'verity/app',
    seq: Number(offset),
    causation_id: causation,
    correlation_id: 'corr',
  });
  const record = (event: object): ConsumedRecord<PipelineEvent> => ({
    topic: 't',
    partition: 0,
    offset: offset++,
    message: {} as KafkaMessage,
    event: event as PipelineEvent,
  });
  const createdRec = () =>
    record({
      ...env('PipelineCreated', 'c0'),
      mode: 'observed',
      external: { system: 'gitlab', instance: 'https://gitlab.example.com', id: '1', url: null },
    });
  const observedRec = (n: number, causation: string) =>
    record({
      ...env('JobObserved', causation),
      job_id: job(n),
      name: `job${n}`,
      attempt: 1,
      external_id: String(n),
      url: `https://gitlab.example.com/g/app/-/jobs/${n}`,
    });
  const failedRec = (n: number, causation: string) =>
    record({
      ...env('JobFailed', causation),
      job_id: job(n),
      name: `job${n}`,
      attempt: 1,
      log: null,
      log_pending: true,
    });

  beforeEach(async () => {
    server = await ReplayServer.start();
    writes = [];
    offset = 0n;
    const connection: Connection = {
      name: 'gl',
      system: 'gitlab',
      instance: 'https://gitlab.example.com',
      externalProject: '*',
      project: 'verity/app',
      secret: 'x'.repeat(16),
      apiToken: 'token',
      apiUrl: `${server.url}/api/v4`,
    };
    const committer = {
      write: async (_p: number, records: AttachJobLog[], o: bigint) => void writes.push({ records, offset: o }),
    } as unknown as Committer;
    part = new OwnedPartition(0, 0n, 0n, {
      book: new ObservedBook({ maxPipelines: 10, maxJobs: 10 }),
      queue: new FetchQueue(4, 100),
      committer,
      jobLogs: {
        connections: () => [connection],
        store,
        policy: { maxAttempts: 3, timeoutMs: 5000, limitBytes: 1 << 20, backoff: { baseMs: 1, maxMs: 10 } },
        limits: new RateLimits(1000),
      },
      parkMs: 60_000,
      log: createLogger('test', 'silent'),
    });
  });
  afterEach(async () => {
    part.release();
    await server.close();
  });

  const written = () =>
    writes.flatMap((w) => w.records.map((r) => ({ job: r.job, error: r.fetch_error, at: w.offset })));

  it('writes a fast job before a slow one, never committing past the slow one', async () => {
    server.set('GET /api/v4/projects/g%2Fapp/jobs/1/trace', [{ status: 200, body: 'slow log', delayMs: 600 }]);
    server.set('GET /api/v4/projects/g%2Fapp/jobs/2/trace', [{ status: 200, body: 'fast log' }]);
    // As the decider writes them: each JobFailed, then the JobObserved of the same decision.
    const records = [createdRec(), failedRec(1, 'c1'), observedRec(1, 'c1'), failedRec(2, 'c2'), observedRec(2, 'c2')];
    part.process(records, offset);
    await until('the fast record', () => written().length === 1);
    expect(written()).to.deep.equal([{ job: job(2), error: null, at: 1n }]); // offset held at job 1's JobFailed
    await until('the slow record', () => written().length === 2);
    expect(written()[1]).to.deep.equal({ job: job(1), error: null, at: 5n });
  });

  it('writes a fetch_error once every attempt failed, and for a 404 at once', async () => {
    server.set('GET /api/v4/projects/g%2Fapp/jobs/1/trace', [{ status: 503 }]);
    server.set('GET /api/v4/projects/g%2Fapp/jobs/2/trace', [{ status: 404, body: { message: '404 Not found' } }]);
    part.process([failedRec(1, 'c1'), observedRec(1, 'c1'), failedRec(2, 'c2'), observedRec(2, 'c2')], offset);
    await until('two records', () => written().length === 2);
    const byJob = Object.fromEntries(written().map((w) => [w.job, w.error]));
    expect(byJob[job(1)]).to.match(/gave up after 3 attempts; last: 503 Service Unavailable/);
    expect(byJob[job(2)]).to.match(/404 Not Found/);
    expect(server.to('/api/v4/projects/g%2Fapp/jobs/1/trace')).to.have.length(3);
    expect(server.to('/api/v4/projects/g%2Fapp/jobs/2/trace')).to.have.length(1);
  });

  it('waits for a JobObserved that comes in a later slice (same decision)', async () => {
    server.set('GET /api/v4/projects/g%2Fapp/jobs/3/trace', [{ status: 200, body: 'log 3' }]);
    part.process([createdRec(), failedRec(3, 'c3')], offset);
    await new Promise((r) => setTimeout(r, 100));
    expect(written()).to.deep.equal([]);
    expect((writes.at(-1)?.offset ?? 0n) <= 1n).to.equal(true);
    part.process([observedRec(3, 'c3')], offset);
    await until('the record', () => written().length === 1);
    expect(written()[0]).to.deep.include({ job: job(3), error: null });
  });

  it('judges a parked job when its decision ends without a JobObserved', async () => {
    part.process([createdRec(), failedRec(4, 'c4'), observedRec(5, 'c5')], offset);
    await until('the record', () => written().length === 1);
    expect(written()[0]!.error).to.match(/no JobObserved gave the gitlab id of job job4/);
  });

  it('leaves a JobFailed without a pending log alone (a decided pipeline), moving the offset past it', async () => {
    part.process([record({ ...env('JobFailed', 'c6'), job_id: job(6), log: null })], offset);
    await until('an offset commit', () => writes.some((w) => w.offset === 1n), 3000);
    expect(written()).to.deep.equal([]);
  });

  it('also takes a JobObserved written before its JobFailed', async () => {
    server.set('GET /api/v4/projects/g%2Fapp/jobs/9/trace', [{ status: 200, body: 'log 9' }]);
    part.process([observedRec(9, 'c9'), failedRec(9, 'c9')], offset);
    await until('the record', () => written().length === 1);
    expect(written()[0]).to.deep.include({ job: job(9), error: null });
  });

  it('drops what is in flight when the partition is released', async () => {
    server.set('GET /api/v4/projects/g%2Fapp/jobs/8/trace', [{ status: 200, body: 'late', delayMs: 300 }]);
    part.process([failedRec(8, 'c8'), observedRec(8, 'c8')], offset);
    await new Promise((r) => setTimeout(r, 50));
    part.release();
    await new Promise((r) => setTimeout(r, 500));
    expect(written()).to.deep.equal([]);
  });
});
