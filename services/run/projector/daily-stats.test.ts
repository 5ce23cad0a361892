import { expect } from 'chai';
import { bucketOf } from '../../lib/core/stats/histogram.js';
import { dailyDeltas, utcDay } from './daily-stats.js';
import type { JobRow, PipelineRow } from '../../lib/readmodel/rows.js';
import type { Rows } from './fold.js';

const pipeline = (over: Partial<PipelineRow> = {}): PipelineRow =>
  ({
    pipelineId: 'p1',
    projectId: 'g/app',
    createdAt: '2026-11-28T23:59:00.000Z',
    finishedAt: null,
    status: 'running',
    durationMs: null,
    ...over,
  }) as PipelineRow;
const job = (over: Partial<JobRow> = {}): JobRow =>
  ({ jobId: 'j1', pipelineId: 'p1', queuedMs: null, ...over }) as JobRow;
const rows = (p: PipelineRow[], j: JobRow[] = []): Rows => ({
  pipelines: new Map(p.map((x) => [x.pipelineId, x])),
  jobs: new Map(j.map((x) => [x.jobId, x])),
});
const none = rows([]);
const sum = (h: number[]) => h.reduce((a, b) => a + b, 0);

describe('daily stats deltas (old contribution withdrawn, new added)', () => {
  it('a new pipeline counts once on its UTC creation day, whatever the session time zone printed', () => {
    expect(utcDay('2026-11-28T23:59:00.000Z')).to.equal('2026-11-28');
    expect(utcDay('2026-11-29 00:30:00.123+02')).to.equal('2026-11-28');
    const [d] = dailyDeltas(none, rows([pipeline()]));
    expect(d).to.include({ projectId: 'g/app', day: '2026-11-28', pipelines: 1, finished: 0, succeeded: 0 });
  });

  const table: [
    string,
    PipelineRow | undefined,
    PipelineRow,
    Partial<Record<'pipelines' | 'finished' | 'succeeded' | 'failed', number>>,
    number,
  ][] = [
    [
      'running → success adds a finished success and its duration',
      pipeline(),
      pipeline({ status: 'success', finishedAt: 'x', durationMs: 60_000 }),
      { pipelines: 0, finished: 1, succeeded: 1, failed: 0 },
      1,
    ],
    [
      'created and finished in one batch',
      undefined,
      pipeline({ status: 'failed', finishedAt: 'x', durationMs: 5_000 }),
      { pipelines: 1, finished: 1, succeeded: 0, failed: 1 },
      1,
    ],
    [
      'failed → retried → running withdraws the failure',
      pipeline({ status: 'failed', finishedAt: 'x', durationMs: 5_000 }),
      pipeline({ status: 'running' }),
      { pipelines: 0, finished: -1, failed: -1, succeeded: 0 },
      -1,
    ],
    [
      'failed → success after a retry swaps the status and the duration',
      pipeline({ status: 'failed', finishedAt: 'x', durationMs: 5_000 }),
      pipeline({ status: 'success', finishedAt: 'y', durationMs: 9_000 }),
      { finished: 0, failed: -1, succeeded: 1 },
      0,
    ],
  ];
  for (const [name, before, after, counts, histogramTotal] of table) {
    it(name, () => {
      const [d] = dailyDeltas(rows(before ? [before] : []), rows([after]));
      expect(d).to.include(counts);
      expect(sum(d!.durationHist)).to.equal(histogramTotal);
    });
  }

  it('the swapped duration moves between buckets', () => {
    const [d] = dailyDeltas(
      rows([pipeline({ status: 'failed', finishedAt: 'x', durationMs: 5_000 })]),
      rows([pipeline({ status: 'success', finishedAt: 'y', durationMs: 90_000 })]),
    );
    expect(d!.durationHist[bucketOf(5_000)]).to.equal(-1);
    expect(d!.durationHist[bucketOf(90_000)]).to.equal(1);
  });

  it("a job's queue time counts once, on its pipeline's day, even when the pipeline row did not change", () => {
    const before = rows([pipeline()], [job()]);
    const after: Rows = { pipelines: new Map(), jobs: new Map([['j1', job({ queuedMs: 1500 })]]) };
    const [d] = dailyDeltas(before, after);
    expect(d).to.include({ day: '2026-11-28', queuedJobs: 1, pipelines: 0 });
    expect(d!.queueHist[bucketOf(1500)]).to.equal(1);
  });

  it('a change that changes no figure yields no delta', () => {
    expect(dailyDeltas(rows([pipeline()]), rows([pipeline({ status: 'pending' })]))).to.deep.equal([]);
  });
});
