// The coordinator's functional core around the two rules: keys, dispatch, a batch, and the intake records
// it sends (validated against their JSON schemas).
import { expect } from 'chai';
import { createAjv } from '../../platform/schemas/ajv.js';
import { loadCatalog } from '../../platform/schemas/catalog.js';
import type { CoordinationEvent } from '../events/generated.js';
import { coordinate, coordinateBatch, CoordinationKeyError } from './coordinate.js';
import { refKey, resourceKey } from './keys.js';
import { intakeRecord } from './reports.js';
import { closed, describeReport, idOf, opened, released, requested } from './spec.js';
import type { CoordinationState } from './state.js';

const validators = (() => {
  const ajv = createAjv();
  return new Map(loadCatalog().map((e) => [`${e.topic}/${e.type}`, ajv.compile(e.schema)]));
})();
const valid = (topic: string, record: { type: string }) => {
  const v = validators.get(`${topic}/${record.type}`)!;
  expect(v(record), JSON.stringify(v.errors)).to.equal(true);
};

describe('coordination: keys, batches and reports', () => {
  it('keys encode their parts, so a / in a project, group or ref cannot make two keys equal', () => {
    expect(resourceKey('group/app', 'production')).to.equal('resource/group%2Fapp/production');
    expect(resourceKey('a/b', 'c')).not.to.equal(resourceKey('a', 'b/c'));
    expect(refKey('group/app', 'feature/x')).to.equal('ref/group%2Fapp/feature%2Fx');
  });

  it('the records the specs build are valid ci.coordination.v1 records', () => {
    for (const r of [requested('deploy@p1'), released('deploy@p1'), opened('p1', 'aaaaaaa'), closed('p1')])
      valid('ci.coordination.v1', r);
  });

  it('a record whose key is not the one its fields name is refused', () => {
    const r = { ...requested('deploy@p1'), key: resourceKey('group/app', 'staging') };
    expect(() => coordinate(null, r)).to.throw(CoordinationKeyError, /names key/);
  });

  it('a key holding the other kind of state is refused', () => {
    const ref = coordinate(null, opened('p1', 'aaaaaaa')).state!;
    expect(() => coordinate(ref, requested('deploy@p1'))).to.throw(CoordinationKeyError, /holds ref state/);
  });

  it('a batch decides records in order across keys, copy-on-write, with each report and its cause', () => {
    const states = new Map<string, CoordinationState>();
    const first = requested('deploy@p1');
    const batch: CoordinationEvent[] = [
      first,
      requested('deploy@p2'),
      opened('p1', 'aaaaaaa'),
      opened('p2', 'bbbbbbb'),
      released('deploy@p1'),
      closed('p1'),
      closed('p2'),
    ];
    const result = coordinateBatch(states, batch);
    expect(states.size, 'the input map is untouched').to.equal(0);
    expect(result.reports.map((r) => describeReport(r.report))).to.deep.equal([
      'AssignResource deploy@p1',
      'AutoCancel p1 by p2',
      'AssignResource deploy@p2',
    ]);
    expect(result.reports[0]!.cause).to.equal(first);
    const group = result.touched.get(first.key);
    expect(group?.kind === 'resource' && group.holder.job_id).to.equal(idOf('deploy@p2'));
    expect(result.touched.has(refKey('group/app', 'feature/login')), 'a ref emptied in the batch').to.equal(true);
    expect(result.touched.get(refKey('group/app', 'feature/login')), 'is a tombstone').to.equal(null);
  });

  it('a batch that changes nothing touches nothing', () => {
    const state = coordinate(null, requested('deploy@p1')).state!;
    const states = new Map([[state.kind === 'resource' ? requested('deploy@p1').key : '', state]]);
    expect(coordinateBatch(states, [requested('deploy@p1'), released('deploy@p9')]).touched.size).to.equal(0);
  });

  it('reports become intake records with the envelope ingest would give them, time taken from the cause', () => {
    const cause = released('deploy@p1');
    const grant = coordinateBatch(new Map(), [requested('deploy@p1'), requested('deploy@p2'), cause]).reports.at(-1)!;
    const record = intakeRecord(grant.report, grant.cause, '0193a1b2-c3d4-7e5f-8a9b-abcdefabcdef');
    expect(record).to.deep.equal({
      type: 'AssignResource',
      report_id: '0193a1b2-c3d4-7e5f-8a9b-abcdefabcdef',
      pipeline_id: idOf('p2'),
      project_id: 'group/app',
      occurred_at: cause.recorded_at,
      received_at: cause.recorded_at,
      idempotency_key: null,
      producer: 'coordinator',
      correlation_id: cause.correlation_id,
      job: idOf('deploy@p2'),
      resource_group: 'production',
    });
    valid('ci.intake.v1', record);
    const cancel = coordinateBatch(new Map(), [opened('p1', 'aaaaaaa'), opened('p2', 'bbbbbbb')]).reports[0]!;
    const auto = intakeRecord(cancel.report, cancel.cause, '0193a1b2-c3d4-7e5f-8a9b-abcdefabcdee');
    expect(auto).to.include({ type: 'AutoCancel', pipeline_id: idOf('p1'), by_pipeline_id: idOf('p2') });
    valid('ci.intake.v1', auto);
  });
});
