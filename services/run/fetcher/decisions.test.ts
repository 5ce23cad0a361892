// The fetcher's pure decisions: what the book keeps, which JobFailed needs a log and from where, when a failed
// job waits for its decision's JobObserved, how far a partition's offset may be committed, and the report id
// of the AttachJobLog (one per job attempt: a refetch after a restart names the same report).
import { expect } from 'chai';
import { validate as isUuid, version as uuidVersion } from 'uuid';
import type { JobFailed, JobObserved, PipelineCreated } from '../../lib/core/events/generated.js';
import { attachJobLogRecord, attachReportId } from '../../lib/platform/producer-api/attach-record.js';
import { judge, mayNeedLog, ParkingLot } from './decisions.js';
import { ObservedBook } from './observed-book.js';
import { PartitionProgress } from './progress.js';

const P = '0190f0d2-0000-7000-8000-000000000001';
const J = '0190f0d2-0000-7000-8000-0000000000a1';
const env = (type: string, causation = 'c-1') => ({
  type,
  event_id: `e-${type}`,
  occurred_at: '2030-01-01T00:00:00.000Z',
  recorded_at: '2030-01-01T00:00:00.010Z',
  pipeline_id: P,
  project_id: 'verity/app',
  seq: 1,
  causation_id: causation,
  correlation_id: 'corr-1',
});
const created = (observed = true) =>
  ({
    ...env('PipelineCreated'),
    ref: 'main',
    sha: 'a'.repeat(40),
    source: 'push',
    definition: { stages: [], jobs: [] },
    ...(observed
      ? {
          mode: 'observed',
          external: { system: 'gitlab', instance: 'https://gitlab.example.com', id: '42', url: null },
        }
      : {}),
  }) as PipelineCreated;
const observed = (jobId = J, causation = 'c-1') =>
  ({
    ...env('JobObserved', causation),
    job_id: jobId,
    name: 'rspec',
    attempt: 1,
    status: 'failed',
    external_id: '777',
    url: 'https://gitlab.example.com/group/app/-/jobs/777',
  }) as JobObserved;
const failed = (over: Partial<JobFailed> = {}) =>
  ({
    ...env('JobFailed'),
    job_id: J,
    name: 'rspec',
    attempt: 1,
    failure_reason: 'script_failure',
    failure_reason_raw: null,
    exit_code: 1,
    allow_failure: false,
    duration_ms: 1000,
    log: null,
    log_excerpt: '',
    log_pending: true,
    ...over,
  }) as JobFailed;

describe('fetcher: pure decisions', () => {
  it('remembers observed pipelines and jobs only, least recently used out', () => {
    const book = new ObservedBook({ maxPipelines: 2, maxJobs: 2 });
    book.note(created(false));
    expect(book.pipeline(P)).to.equal(undefined);
    book.note(created());
    expect(book.pipeline(P)).to.deep.include({ system: 'gitlab', externalId: '42', projectId: 'verity/app' });
    book.note(observed('j1'));
    book.note(observed('j2'));
    book.job('j1'); // j1 used: j2 is the least recently used
    book.note(observed('j3'));
    expect([book.job('j1')?.externalId, book.job('j2'), book.job('j3')?.externalId]).to.deep.equal([
      '777',
      undefined,
      '777',
    ]);
    expect(book.stats()).to.deep.include({ jobs: 2, evictedJobs: 1 });
  });

  it('acts on a JobFailed whose log is pending, at or after the committed offset only', () => {
    expect(mayNeedLog(failed(), 10n, 10n)).to.equal(true);
    expect(mayNeedLog(failed(), 9n, 10n)).to.equal(false);
    expect(mayNeedLog(failed({ log_pending: false }), 10n, 0n)).to.equal(false);
    expect(mayNeedLog(failed({ log_pending: undefined }), 10n, 0n)).to.equal(false);
    expect(mayNeedLog(failed({ log: { ref: 'pg:x', bytes: 1, sha256: 'b'.repeat(64) } }), 10n, 0n)).to.equal(false);
  });

  it("fetches a job whose JobObserved gave its id there, with the pipeline's system, instance and links", () => {
    const book = new ObservedBook({ maxPipelines: 10, maxJobs: 10 });
    book.note(created());
    book.note(observed());
    expect(judge(book, failed(), false)).to.deep.equal({
      kind: 'fetch',
      job: {
        pipelineId: P,
        projectId: 'verity/app',
        job: J,
        externalJobId: '777',
        at: {
          system: 'gitlab',
          instance: 'https://gitlab.example.com',
          project: 'verity/app',
          urls: ['https://gitlab.example.com/group/app/-/jobs/777', null],
        },
      },
    });
  });

  it('fetches by the job link alone when the PipelineCreated is no longer known', () => {
    const book = new ObservedBook({ maxPipelines: 10, maxJobs: 10 });
    book.note(observed());
    const j = judge(book, failed(), true);
    expect(j.kind === 'fetch' && j.job.at).to.deep.include({ system: null, instance: null });
  });

  it('waits for the decision to end; then a job no JobObserved named is a fetch_error', () => {
    const book = new ObservedBook({ maxPipelines: 10, maxJobs: 10 });
    expect(judge(book, failed(), false)).to.deep.equal({ kind: 'wait' });
    expect(judge(book, failed(), true)).to.deep.equal({
      kind: 'error',
      reason: 'no JobObserved gave the external id of job rspec (attempt 1): its log cannot be asked for',
    });
    book.note(created());
    expect(judge(book, failed(), false)).to.deep.equal({ kind: 'wait' });
    expect(judge(book, failed(), true)).to.deep.equal({
      kind: 'error',
      reason: 'no JobObserved gave the gitlab id of job rspec (attempt 1): its log cannot be asked for',
    });
  });

  it('ends a parked job by a record of another causation or by its time', () => {
    const lot = new ParkingLot(5000);
    lot.park({ offset: 3n, event: failed(), since: 1000 });
    expect(lot.settle(observed(J, 'c-1'), 2000)).to.deep.equal([]);
    expect(lot.settle(observed(J, 'c-2'), 2000).map((p) => p.offset)).to.deep.equal([3n]);
    lot.park({ offset: 4n, event: failed(), since: 1000 });
    expect(lot.settle(null, 5999)).to.deep.equal([]);
    expect(lot.settle(null, 6000).map((p) => p.offset)).to.deep.equal([4n]);
    expect(lot.size).to.equal(0);
  });

  it('commits the offset only up to the oldest failed job whose record is not written', () => {
    const p = new PartitionProgress<string>(100n, 40n);
    p.read(90n);
    expect(p.next()).to.equal(null); // still before the committed offset: nothing to do
    p.hold(101n);
    p.hold(105n);
    p.read(120n);
    expect(p.next()).to.deep.equal({ records: [], offsets: [], commit: 101n });
    p.done(105n, 'r105'); // a later job finished first
    const b1 = p.next()!;
    expect(b1).to.deep.equal({ records: ['r105'], offsets: [105n], commit: 101n });
    p.written(b1);
    p.done(101n, 'r101');
    const b2 = p.next()!;
    expect(b2).to.deep.equal({ records: ['r101'], offsets: [101n], commit: 120n });
    p.written(b2);
    expect([p.committed, p.pending, p.next()]).to.deep.equal([120n, 0, null]);
    p.hold(130n);
    p.read(140n);
    expect(p.next()).to.deep.equal({ records: [], offsets: [], commit: 130n });
  });

  it('names the AttachJobLog by the job attempt: UUIDv5, the same on every fetch, another per attempt', () => {
    const id = attachReportId(J);
    expect([isUuid(id), uuidVersion(id)]).to.deep.equal([true, 5]);
    expect(attachReportId(J)).to.equal(id);
    expect(attachReportId('0190f0d2-0000-7000-8000-0000000000a2')).not.to.equal(id);
    const record = attachJobLogRecord({
      pipelineId: P,
      projectId: 'verity/app',
      job: J,
      at: '2030-01-01T00:00:01.000Z',
      producer: 'fetcher',
      correlationId: 'corr-1',
      result: { log: null, log_excerpt: null, fetch_error: 'GET …: 404 Not Found' },
    });
    expect(record).to.deep.equal({
      type: 'AttachJobLog',
      report_id: id,
      pipeline_id: P,
      project_id: 'verity/app',
      occurred_at: '2030-01-01T00:00:01.000Z',
      received_at: '2030-01-01T00:00:01.000Z',
      idempotency_key: null,
      producer: 'fetcher',
      correlation_id: 'corr-1',
      job: J,
      log: null,
      log_excerpt: null,
      fetch_error: 'GET …: 404 Not Found',
    });
  });
});
