// The read model of an observed pipeline ends the same whatever order its webhooks arrived in.
import { expect } from 'chai';
import type { PipelineEvent } from '../../lib/core/events/generated.js';
import { decide, evolveAll, type PipelineState } from '../../lib/core/pipeline/index.js';
import { testContext } from '../../lib/core/pipeline/fixtures.js';
import { fiveDeliveries, Observations, permutations, T } from '../../lib/core/pipeline/observed-fixtures.js';
import { foldEvents } from './fold.js';

/** Decides the deliveries in this order (stale and duplicate ones are dropped) and folds the events into rows. */
function readModel(deliveries: ReturnType<typeof fiveDeliveries>, order: number[]) {
  let state: PipelineState | null = null;
  const events: PipelineEvent[] = [];
  const ctx = testContext();
  for (const i of order) {
    const d = decide(state, deliveries[i]!, ctx);
    if (d.kind === 'rejected') continue;
    events.push(...d.events);
    state = evolveAll(state, d.events);
  }
  const rows = foldEvents({ pipelines: new Map(), jobs: new Map() }, events);
  expect(rows.gap).to.equal(undefined);
  // What readers see: every column but the bookkeeping of how many events led there.
  const pipelines = [...rows.pipelines.values()].map(({ lastSeq: _l, updatedAt: _u, definition: _d, ...p }) => p);
  const jobs = [...rows.jobs.values()].map(({ lastSeq: _l, ...j }) => j).sort((a, b) => a.jobId.localeCompare(b.jobId));
  return { pipelines, jobs };
}

describe('projector: observed pipelines', () => {
  const o = new Observations();
  const deliveries = fiveDeliveries(o);

  it('every order of five deliveries, each delivered twice, projects the same rows', () => {
    const expected = readModel(deliveries, [0, 1, 2, 3, 4]);
    let orders = 0;
    for (const order of permutations([0, 1, 2, 3, 4])) {
      expect(readModel(deliveries, [...order, ...order]), `order ${order.join('')}`).to.deep.equal(expected);
      orders++;
    }
    expect(orders).to.equal(120);
  });

  it('attempts no delivery tells (a Pipeline Hook lists builds without them) end numbered by build id in every order', () => {
    const untold = deliveries.map((d) => ({ ...d, jobs: d.jobs.map((j) => ({ ...j, attempt: null })) }));
    const expected = readModel(untold, [0, 1, 2, 3, 4]);
    for (const order of permutations([0, 1, 2, 3, 4]))
      expect(readModel(untold, order), `order ${order.join('')}`).to.deep.equal(expected);
    // the retry delivered before its older build was attempt 1 until that build renumbered it (JobRetried)
    const rspec = expected.jobs.filter((j) => j.name === 'rspec').map((j) => [j.attempt, j.status, j.retried]);
    expect(rspec).to.have.deep.members([
      [1, 'failed', true],
      [2, 'success', false],
    ]);
  });

  it('holds what the CI reported: mode, system, links, times, runner, attempts', () => {
    const { pipelines, jobs } = readModel(deliveries, [4, 3, 2, 1, 0]);
    expect(pipelines[0]).to.deep.include({
      mode: 'observed',
      system: 'gitlab',
      externalInstance: 'https://gitlab.example.com',
      externalId: '4711',
      status: 'success',
      reportedStatus: 'success',
      createdAt: T(0),
      finishedAt: T(9),
      durationMs: 9 * 60_000,
      stages: ['build', 'test'],
    });
    const byName = jobs.map((j) => [j.name, j.attempt, j.status, j.retried, j.queuedAt, j.startedAt, j.finishedAt]);
    expect(byName).to.have.deep.members([
      ['build', 1, 'success', false, T(0), T(1), T(3)],
      ['rspec', 1, 'failed', true, T(3), T(4), T(6)],
      ['rspec', 2, 'success', false, T(7), T(7), T(9)],
    ]);
    expect(jobs.find((j) => j.name === 'build')).to.deep.include({ runnerId: 'r-1', externalId: String(1001) });
    expect(jobs.find((j) => j.status === 'failed')).to.deep.include({
      failureReason: 'script_failure',
      logFetchError: null,
    });
  });
});
