// CDEvents in: the CDEvents spec's own examples (test/fixtures/hooks/cdevents), each sent in binary and in
// structured mode, read as the Observation ingest would write (valid against ObservePipeline once given an
// envelope); what is not read is ignored, what is malformed is invalid with its JSON pointer.
import { expect } from 'chai';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { observedId, type Observation } from '../../../lib/core/observed/ids.js';
import { createAjv } from '../../../lib/platform/schemas/ajv.js';
import { REPO_ROOT } from '../../../lib/platform/schemas/catalog.js';
import type { AdapterResult, DeliveryContext } from './adapter.js';
import { mapCdevent, parseCloudEvent } from './cdevents-mapping.js';

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any -- fixtures are edited field by field
const fixture = (name: string): Json =>
  JSON.parse(readFileSync(join(REPO_ROOT, 'test/fixtures/hooks/cdevents', `${name}.json`), 'utf8')) as Json;

const INSTANCE = 'https://cd.example.com';
const ctx: DeliveryContext = { instance: INSTANCE, externalProject: '*', receivedAt: '2026-12-07T00:00:00.000Z' };
const AT = '2023-03-20T14:27:05.315Z';
const PIPELINE = observedId(INSTANCE, 'pipeline', 'mySubject123');
const URL_ = 'https://www.example.com/mySubject123';

const binary = (cdevent: Json, headers: Record<string, string> = {}) => ({
  headers: {
    'ce-specversion': '1.0',
    'ce-id': cdevent.context.id,
    'ce-source': cdevent.context.source,
    'ce-type': cdevent.context.type,
    'ce-time': cdevent.context.timestamp,
    'content-type': 'application/json',
    ...headers,
  },
  body: JSON.stringify(cdevent),
});
const structured = (cdevent: Json) => ({
  headers: { 'content-type': 'application/cloudevents+json; charset=utf-8' },
  body: JSON.stringify({
    specversion: '1.0',
    id: cdevent.context.id,
    source: cdevent.context.source,
    type: cdevent.context.type,
    time: cdevent.context.timestamp,
    datacontenttype: 'application/json',
    data: cdevent,
  }),
});
const MODES = { binary, structured };

/** Parses the request and maps its event. */
function deliver(req: { headers: Record<string, string>; body: string }, c: DeliveryContext = ctx): AdapterResult {
  const parsed = parseCloudEvent(req.headers, req.body);
  if ('invalid' in parsed) return { kind: 'invalid', ...parsed.invalid };
  return mapCdevent(parsed.event, c);
}

const observePipeline = createAjv().compile(
  JSON.parse(readFileSync(join(REPO_ROOT, 'schemas/ci.intake.v1/ObservePipeline.v1.json'), 'utf8')) as object,
);
function expectValidRecord(o: Observation): void {
  const record = {
    report_id: '0193a1b2-c3d4-7e5f-8a9b-000000000001',
    type: 'ObservePipeline',
    project_id: 'p',
    occurred_at: AT,
    received_at: ctx.receivedAt,
    idempotency_key: null,
    producer: 'x',
    correlation_id: '0193a1b2-c3d4-7e5f-8a9b-000000000002',
    ...o,
  };
  expect(observePipeline(record), JSON.stringify(observePipeline.errors)).to.equal(true);
}

const facts = (patch: Partial<NonNullable<Observation['pipeline']>>): Observation['pipeline'] => ({
  ref: 'myPipeline',
  sha: null,
  source: null,
  status: null,
  stages: null,
  name: 'myPipeline',
  user: null,
  created_at: null,
  finished_at: null,
  attempt: null,
  observed_at: AT,
  ...patch,
});
const pipelineRun = (pipeline: Observation['pipeline']): Observation => ({
  pipeline_id: PIPELINE,
  system: 'cdevents',
  external: { system: 'cdevents', instance: INSTANCE, id: 'mySubject123', url: URL_ },
  pipeline,
  jobs: [],
});
const taskRun = (job: Partial<Observation['jobs'][number]>): Observation => ({
  pipeline_id: PIPELINE,
  system: 'cdevents',
  external: { system: 'cdevents', instance: INSTANCE, id: 'mySubject123', url: null },
  pipeline: facts({ ref: null, name: null }),
  jobs: [
    {
      job_id: observedId(INSTANCE, 'job', 'mySubject123'),
      external_id: 'mySubject123',
      url: URL_,
      name: 'myTask',
      stage: 'tasks',
      status: 'running',
      failure_reason: null,
      allow_failure: false,
      attempt: 1,
      runner: null,
      user: null,
      queued_at: null,
      started_at: null,
      finished_at: null,
      duration_ms: null,
      queued_duration_ms: null,
      exit_code: null,
      observed_at: AT,
      ...job,
    },
  ],
});

const EXAMPLES: [string, Observation][] = [
  ['pipelinerun_queued', pipelineRun(facts({ source: 'external', status: 'pending', created_at: AT }))],
  ['pipelinerun_started', pipelineRun(facts({ source: 'external', status: 'running' }))],
  ['pipelinerun_finished', pipelineRun(facts({ source: 'external', status: 'failed', finished_at: AT }))],
  ['taskrun_started', taskRun({ status: 'running', started_at: AT })],
  ['taskrun_finished', taskRun({ status: 'failed', failure_reason: 'script_failure', finished_at: AT })],
];

describe('CDEvents in: the spec examples, binary and structured mode', () => {
  for (const [name, expected] of EXAMPLES) {
    for (const [mode, request] of Object.entries(MODES)) {
      it(`${name} (${mode}) → the observation, a valid ObservePipeline record`, () => {
        const result = deliver(request(fixture(name)));
        expect(result).to.deep.equal({ kind: 'observations', observations: [expected] });
        if (result.kind === 'observations') expectValidRecord(result.observations[0]!);
      });
    }
  }
});

describe('CDEvents in: outcomes, versions and custom data', () => {
  const finished = (kind: 'pipelinerun' | 'taskrun', outcome: string | undefined) => {
    const e = fixture(`${kind}_finished`);
    if (outcome === undefined) delete e.subject.content.outcome;
    else e.subject.content.outcome = outcome;
    return deliver(binary(e));
  };
  const pipelineStatus = (r: AdapterResult) => (r.kind === 'observations' ? r.observations[0]!.pipeline?.status : r);
  const jobOf = (r: AdapterResult) => (r.kind === 'observations' ? r.observations[0]!.jobs[0] : r);

  for (const [outcome, status] of [
    ['success', 'success'],
    ['failure', 'failed'],
    ['error', 'failed'],
    ['cancel', 'canceled'],
    ['Cancelled', 'canceled'],
  ] as const) {
    it(`pipelinerun finished, outcome ${outcome} → pipeline ${status}`, () => {
      expect(pipelineStatus(finished('pipelinerun', outcome))).to.equal(status);
    });
  }
  for (const [outcome, status, reason] of [
    ['success', 'success', null],
    ['failure', 'failed', 'script_failure'],
    ['error', 'failed', 'error'],
    ['cancel', 'canceled', null],
  ] as const) {
    it(`taskrun finished, outcome ${outcome} → job ${status}, failure_reason ${reason}`, () => {
      expect(jobOf(finished('taskrun', outcome))).to.include({ status, failure_reason: reason });
    });
  }
  it('a finished event with an unknown or no outcome is ignored, naming it', () => {
    const unknown = finished('taskrun', 'skipped');
    expect(unknown).to.include({ kind: 'ignored' });
    expect((unknown as { reason: string }).reason).to.contain('skipped');
    expect(finished('pipelinerun', undefined)).to.include({ kind: 'ignored' });
  });

  it('any version 0.x is read (spec v0.3 type 0.1.1, v0.5 type 0.3.0); 1.0.0 is not', () => {
    for (const version of ['0.1.1', '0.3.0']) {
      const e = fixture('pipelinerun_started');
      e.context.type = `dev.cdevents.pipelinerun.started.${version}`;
      expect(pipelineStatus(deliver(structured(e)))).to.equal('running');
    }
    const e = fixture('pipelinerun_started');
    e.context.type = 'dev.cdevents.pipelinerun.started.1.0.0';
    expect(deliver(structured(e))).to.include({ kind: 'ignored' });
  });

  it('customData ref and sha become the pipeline ref and sha; a sha that is no commit id is left out', () => {
    const e = fixture('pipelinerun_queued');
    e.customData = { git: { ref: 'refs/heads/main', sha: 'ABCDEF1234567' } };
    const r = deliver(binary(e));
    expect(r.kind === 'observations' && r.observations[0]!.pipeline).to.include({
      ref: 'refs/heads/main',
      sha: 'abcdef1234567',
    });
    e.customData = { ref: 'release', sha: 'not-a-sha' };
    const s = deliver(binary(e));
    expect(s.kind === 'observations' && s.observations[0]!.pipeline).to.include({ ref: 'release', sha: null });
  });

  it('a binary-mode body with another spelling of the JSON content type is read', () => {
    const r = deliver(binary(fixture('pipelinerun_started'), { 'Content-Type': 'application/json;charset=UTF-8' }));
    expect(pipelineStatus(r)).to.equal('running');
  });
});

describe('CDEvents in: ignored and invalid deliveries', () => {
  it('another CDEvent or CloudEvent type is ignored, naming the type', () => {
    for (const type of [
      'dev.cdevents.artifact.packaged.0.2.0',
      'dev.cdevents.taskrun.queued.0.1.0',
      'com.example.thing',
    ]) {
      const e = fixture('pipelinerun_started');
      e.context.type = type;
      const r = deliver(binary(e));
      expect(r).to.include({ kind: 'ignored' });
      expect((r as { reason: string }).reason).to.contain(type);
    }
  });

  it('a taskRun without its pipelineRun is invalid at /subject/content/pipelineRun/id', () => {
    const e = fixture('taskrun_started');
    delete e.subject.content.pipelineRun;
    expect(deliver(binary(e))).to.deep.include({ kind: 'invalid', pointer: '/subject/content/pipelineRun/id' });
    e.subject.content.pipelineRun = { id: '' };
    expect(deliver(structured(e))).to.deep.include({ kind: 'invalid', pointer: '/subject/content/pipelineRun/id' });
  });

  it('malformed CDEvent data is invalid with the pointer of the field', () => {
    const cases: [(e: Json) => void, string][] = [
      [(e) => delete e.context.timestamp, '/context/timestamp'],
      [(e) => (e.context.timestamp = 'yesterday'), '/context/timestamp'],
      [(e) => (e.subject.id = 'x'.repeat(256)), '/subject/id'],
      [(e) => (e.subject.content = 'text'), '/subject/content'],
      [(e) => (e.subject.content.url = 42), '/subject/content/url'],
      [(e) => delete e.subject, '/subject'],
    ];
    for (const [spoil, pointer] of cases) {
      const e = fixture('pipelinerun_queued');
      spoil(e);
      expect(deliver(structured(e)), pointer).to.deep.include({ kind: 'invalid', pointer });
    }
  });

  it('a CDEvent whose context.type is not the CloudEvent type is invalid at /context/type', () => {
    const e = fixture('pipelinerun_queued');
    const req = binary(e, { 'ce-type': 'dev.cdevents.pipelinerun.started.0.2.0' });
    expect(deliver(req)).to.deep.include({ kind: 'invalid', pointer: '/context/type' });
  });

  it('a connection bound to one source refuses another at /context/source', () => {
    const bound = { ...ctx, externalProject: '/event/source/999' };
    expect(deliver(binary(fixture('pipelinerun_queued')), bound)).to.deep.include({
      kind: 'invalid',
      pointer: '/context/source',
    });
    const same = { ...ctx, externalProject: '/event/source/123' };
    expect(deliver(binary(fixture('pipelinerun_queued')), same)).to.include({ kind: 'observations' });
  });

  it('a garbage body, a request that is no CloudEvent, a missing attribute or a batch is invalid, never a throw', () => {
    const garbage = {
      headers: { 'content-type': 'application/cloudevents+json' },
      body: '{"specversion": "1.0", oops',
    };
    expect(deliver(garbage)).to.deep.include({ kind: 'invalid', pointer: '' });
    expect((deliver(garbage) as { message: string }).message).to.match(/not valid JSON/);
    const none = { headers: { 'content-type': 'application/json' }, body: '{}' };
    expect((deliver(none) as { message: string }).message).to.match(/not a CloudEvent/);
    const noSource = binary(fixture('pipelinerun_queued'), { 'ce-source': '' });
    expect(deliver(noSource)).to.deep.include({ kind: 'invalid', pointer: '/headers/ce-source' });
    const binaryGarbage = binary(fixture('pipelinerun_queued'));
    expect(deliver({ ...binaryGarbage, body: 'not json at all' })).to.deep.include({ kind: 'invalid', pointer: '' });
    expect(deliver({ ...binaryGarbage, body: '' })).to.deep.include({ kind: 'invalid', pointer: '' });
    const v03 = {
      headers: { 'content-type': 'application/cloudevents+json' },
      body: JSON.stringify({ ...JSON.parse(structured(fixture('pipelinerun_queued')).body), specversion: '0.3' }),
    };
    expect(deliver(v03)).to.deep.include({ kind: 'invalid', pointer: '/specversion' });
    const batch = { headers: { 'content-type': 'application/cloudevents-batch+json' }, body: '[]' };
    expect(deliver(batch)).to.deep.include({ kind: 'invalid', pointer: '' });
  });
});
