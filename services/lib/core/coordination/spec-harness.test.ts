// The coordinator's given/when/then harness (spec.ts) is itself checked here: the records it builds say what
// its header promises (pipeline pN has an id ordering like N and was created N seconds after 10:00; records
// are recorded in the order they are built; each pipeline has its own correlation id), and every invariant it
// checks and every field `then` compares fails, with its own message, when it does not hold. The broken
// states below cannot come out of coordinate; they are handed to foldRecords as a starting state.
import { expect } from 'chai';
import type { RefPipeline, RefState, ResourceGroupState, ResourceWaiter } from './state.js';
import { at, closed, foldRecords, given, GROUP, idOf, opened, PROJECT, REF, released, requested } from './spec.js';

const failure = (fn: () => unknown): Error & { actual?: unknown } => {
  try {
    fn();
  } catch (e) {
    return e as Error;
  }
  throw new Error('expected the harness to fail');
};
/** The message the harness gave (node's assert appends a diff after a newline). */
const messageOf = (fn: () => unknown): string => failure(fn).message.split('\n')[0]!;

const waiter = (job: string): ResourceWaiter => {
  const r = requested(job);
  const { job_id, job_name, pipeline_id, pipeline_created_at, requested_at } = r;
  return { job_id, job_name, pipeline_id, pipeline_created_at, requested_at };
};
const group = (holder: string, queue: string[]): ResourceGroupState => ({
  kind: 'resource',
  project_id: PROJECT,
  resource_group: GROUP,
  process_mode: 'unordered',
  holder: waiter(holder),
  queue: queue.map(waiter),
});
const pipeline = (label: string): RefPipeline => ({ pipeline_id: idOf(label), sha: 'aaaaaaa', created_at: at(1) });
const ref = (open: RefPipeline[]): RefState => ({ kind: 'ref', project_id: PROJECT, ref: REF, open });

describe('coordination harness: the records it builds', () => {
  it('pipeline pN has the id …-8a9b-<N in hex>, so ids order like N', () => {
    expect(idOf('p4097')).to.equal('0193a1b2-c3d4-7e5f-8a9b-000000001001');
    expect(idOf('p4096')).to.equal('0193a1b2-c3d4-7e5f-8a9b-000000001000');
    expect(idOf('p4096') < idOf('p4097')).to.equal(true);
  });

  it('pipeline pN was created N seconds after 10:00; another label at 10:00 itself', () => {
    expect(requested('deploy@p3').pipeline_created_at).to.equal('2026-11-28T10:00:03.000Z');
    expect(opened('p12', 'aaaaaaa').created_at).to.equal('2026-11-28T10:00:12.000Z');
    expect(opened('p3rc', 'aaaaaaa').created_at).to.equal('2026-11-28T10:00:00.000Z');
  });

  it('records are recorded in the order they are built, each request after its job asked', () => {
    const [first, second] = [requested('deploy@p1'), requested('deploy@p2')];
    expect(Date.parse(first.recorded_at)).to.be.below(Date.parse(second.recorded_at));
    expect(Date.parse(first.requested_at)).to.be.below(Date.parse(second.requested_at));
    expect(Date.parse(second.requested_at)).to.be.below(Date.parse(second.recorded_at));
  });

  it('a release names the pipeline of its job, and each pipeline has its own correlation id', () => {
    const release = released('deploy@p1');
    expect(release.pipeline_id).to.equal(idOf('p1'));
    expect(release.correlation_id).to.equal(requested('deploy@p1').correlation_id);
    expect(release.correlation_id).not.to.equal(released('deploy@p2').correlation_id);
  });
});

describe('coordination harness: its invariants fail when broken', () => {
  it('a state that changes under coordinate', () => {
    let serialised = 0;
    const state = { ...ref([pipeline('p1')]), toJSON: () => ++serialised };
    expect(messageOf(() => foldRecords([closed('p7')], {}, state))).to.equal('coordinate must not mutate the state');
  });

  it('a state that decides otherwise once restored from its JSON', () => {
    const state = ref([{ ...pipeline('p1'), note: undefined } as RefPipeline]);
    expect(messageOf(() => foldRecords([closed('p7')], {}, state))).to.equal('a restored state decides the same');
  });

  it('a record that changes the state again when decided twice', () => {
    expect(messageOf(() => foldRecords([released('deploy@p1')], {}, group('deploy@p1', ['deploy@p1'])))).to.equal(
      'ResourceReleased decided twice changes nothing',
    );
  });

  it('a holder that also waits', () => {
    const state = group('deploy@p1', ['deploy@p2', 'deploy@p1']);
    expect(messageOf(() => foldRecords([released('deploy@p5')], {}, state))).to.equal('the holder does not wait');
  });

  it('a job that waits twice', () => {
    const state = group('deploy@p1', ['deploy@p2', 'deploy@p2']);
    expect(messageOf(() => foldRecords([released('deploy@p5')], {}, state))).to.equal('a job waits once');
  });

  it('a ref with no pipeline open', () => {
    expect(messageOf(() => foldRecords([closed('p7')], {}, ref([])))).to.equal('an empty ref has no state');
  });

  it('an open set out of order, or holding a pipeline twice', () => {
    for (const open of [
      [{ ...pipeline('p2'), created_at: at(2) }, pipeline('p1')],
      [pipeline('p1'), pipeline('p1')],
    ])
      expect(messageOf(() => foldRecords([closed('p7')], {}, ref(open)))).to.equal('open set ordered');
  });
});

describe('coordination harness: then fails on every field it is given', () => {
  const busy = () => given(requested('deploy@p1')).when(requested('deploy@p2', { mode: 'oldest_first' }));
  const ref2 = () => given(opened('p1', 'aaaaaaa')).when(opened('p2', 'aaaaaaa'));

  it('reports, holder, queue and process_mode of a group', () => {
    expect(messageOf(() => busy().then({ reports: ['AssignResource deploy@p2'] }))).to.equal('reports');
    expect(messageOf(() => busy().then({ reports: [], holder: 'deploy@p2' }))).to.equal('holder');
    expect(messageOf(() => busy().then({ reports: [], queue: [] }))).to.equal('queue');
    expect(messageOf(() => busy().then({ reports: [], mode: 'newest_first' }))).to.equal('process_mode');
    busy().then({ reports: [], holder: 'deploy@p1', queue: ['deploy@p2'], mode: 'oldest_first', open: [] });
  });

  it('open and dropped of a ref, which has no holder and no queue', () => {
    expect(messageOf(() => ref2().then({ reports: [], open: ['p2'] }))).to.equal('open');
    expect(messageOf(() => ref2().then({ reports: [], dropped: ['p1'] }))).to.equal('dropped');
    const holder = failure(() => ref2().then({ reports: [], holder: 'deploy@p1' }));
    expect([holder.message.split('\n')[0], holder.actual]).to.deep.equal(['holder', 'not a group']);
    ref2().then({ reports: [], queue: [], open: ['p1', 'p2'], dropped: [] });
  });
});
