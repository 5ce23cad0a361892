// What links pipelines across pipelines, as readers see it (issue 13): trigger links both ways (a parent and its
// child pipeline, and a multi-project downstream pipeline that a token of the parent's project may not read), a
// resource group's holder and queue across pipelines, and a job auto-canceled by a newer pipeline. Canonical
// events are written straight to ci.pipeline.events.v1 (as the decider would have: the trigger and coordinator
// paths are tested on the write side) and read through the real projector, Postgres and query API; answers are
// validated against /openapi.json.
import { expect } from 'chai';
import { randomUUID } from 'node:crypto';
import type { Producer } from 'kafkajs';
import { exampleEvents } from '../../services/lib/core/events/examples.js';
import type { PipelineCreated, PipelineEvent } from '../../services/lib/core/events/generated.js';
import { createKafka } from '../../services/lib/platform/kafka/client.js';
import { TOPICS } from '../../services/lib/platform/kafka/topics.js';
import { EventCodec } from '../../services/lib/platform/registry/codec.js';
import { createAjv } from '../../services/lib/platform/schemas/ajv.js';
import { loadProjectorConfig } from '../../services/run/projector/config.js';
import { startProjector, type RunningProjector } from '../../services/run/projector/main.js';
import { loadQueryConfig } from '../../services/run/query/config.js';
import { startQuery, type RunningQuery } from '../../services/run/query/main.js';
import { api } from '../support/services.js';
import { until } from '../support/wait.js';

const run = randomUUID().slice(0, 8);
const A = `links/${run}`; // the parent and its child pipeline
const B = `links/${run}-other`; // a multi-project downstream pipeline
const R = `links/${run}-deploys`; // a resource group across pipelines
const READ = {
  a: `links-a-${run}-0123456789abcdef`,
  b: `links-b-${run}-0123456789abcdef`,
  r: `links-r-${run}-0123456789abcdef`,
  all: `links-all-${run}-0123456789abcdef`,
};
const SHA = 'b1b2c3d4e5f60718293a4b5c6d7e8f9012345678';
const T0 = Date.now() - 3_600_000;
/** T0 plus `s` seconds. */
const at = (s: number) => new Date(T0 + s * 1000).toISOString();

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- answers are asserted field by field
type Json = any;
type Job = PipelineCreated['definition']['jobs'][number];

const defJob = (name: string, stage: string, over: Partial<Job> = {}): Job => ({
  name,
  stage,
  needs: null,
  when: 'on_success',
  allow_failure: false,
  retry: { max: 0, when: ['always'] },
  ...over,
});
const downstreamDefinition = { stages: ['build'], jobs: [defJob('build', 'build')] };

/** One pipeline's canonical events, numbered in order; each job has one attempt id. */
class Pipeline {
  readonly id = randomUUID();
  readonly jobIds = new Map<string, string>();
  private seq = 0;
  readonly events: PipelineEvent[] = [];

  constructor(
    readonly project: string,
    readonly jobs: Job[],
  ) {}

  jobId(name: string): string {
    const id = this.jobIds.get(name) ?? randomUUID();
    this.jobIds.set(name, id);
    return id;
  }

  /** The next event of `type` at T0 + `s`: the example's payload, then this pipeline's envelope, then `patch`. */
  add(type: PipelineEvent['type'], s: number, patch: Record<string, unknown> = {}): PipelineEvent {
    const example = exampleEvents.find((e) => e.type === type)!;
    const job = typeof patch.name === 'string' ? { job_id: this.jobId(patch.name), attempt: 1 } : {};
    const e = {
      ...example,
      event_id: randomUUID(),
      causation_id: randomUUID(),
      correlation_id: randomUUID(),
      pipeline_id: this.id,
      project_id: this.project,
      seq: ++this.seq,
      occurred_at: at(s),
      recorded_at: at(s),
      ...job,
      ...patch,
    } as PipelineEvent;
    this.events.push(e);
    return e;
  }

  created(s: number, patch: Partial<PipelineCreated> = {}): this {
    const stages = [...new Set(this.jobs.map((j) => j.stage))];
    this.add('PipelineCreated', s, {
      ref: 'main',
      sha: SHA,
      source: 'push',
      definition: { stages, jobs: this.jobs },
      ...patch,
    });
    for (const j of this.jobs)
      this.add('JobCreated', s, { name: j.name, stage: j.stage, when: j.when, allow_failure: j.allow_failure });
    return this;
  }

  status(s: number, from: string, to: string): void {
    this.add('PipelineStatusChanged', s, { from, to, warnings: false, job_statuses: {} });
  }
}

describe('trigger links, resource groups and auto-cancel through the real projector and query API', function () {
  this.timeout(240_000);
  const env = { ...process.env, LOG_LEVEL: 'warn' };
  let projector: RunningProjector;
  let query: RunningQuery;
  let producer: Producer;
  let codec: EventCodec<PipelineEvent>;
  let url: string;
  let doc: Json;

  before(async () => {
    const config = loadProjectorConfig({ ...env, PROJECTOR_PORT: '0' });
    projector = await startProjector(config, { http: false });
    const tokens = [`a:${READ.a}:${A}`, `b:${READ.b}:${B}`, `r:${READ.r}:${R}`, `all:${READ.all}:*`].join(';');
    query = await startQuery(loadQueryConfig({ ...env, QUERY_PORT: '0', QUERY_TOKENS: tokens, QUERY_STREAM: 'off' }));
    url = `http://127.0.0.1:${query.port}`;
    codec = await EventCodec.forTopic<PipelineEvent>(config.schemaRegistryUrl, TOPICS.pipelineEvents);
    producer = createKafka(config, `test-read-links-${run}`).producer({ idempotent: true, maxInFlightRequests: 1 });
    await producer.connect();
    doc = (await api(url, 'GET', '/openapi.json', undefined, { token: '' })).body;
  });
  after(async () => {
    await producer?.disconnect();
    for (const s of [query, projector]) await s?.stop();
  });

  /** Writes `events` to the canonical topic, in order (each keyed by its pipeline, as the decider writes them). */
  const publish = async (events: PipelineEvent[]) => {
    const messages = await Promise.all(events.map((e) => codec.toMessage(e, 'test')));
    await producer.send({ topic: TOPICS.pipelineEvents, acks: -1, messages });
  };
  const read = (path: string, token: string, headers: Record<string, string> = {}) =>
    api(url, 'GET', path, undefined, { token, headers });
  /** The answer once `ready` holds for it (the projector is asynchronous). */
  const when = (path: string, token: string, what: string, ready: (body: Json) => boolean): Promise<Json> =>
    until(what, async () => {
      const r = await read(path, token);
      return r.status === 200 && ready(r.body) ? r.body : undefined;
    });
  const conforms = (component: string, body: Json) => {
    const ajv = createAjv();
    ajv.addVocabulary(['openapi', 'info', 'jsonSchemaDialect', 'paths', 'components']);
    ajv.addSchema(doc, 'openapi.json');
    const validate = ajv.getSchema(`openapi.json#/components/schemas/${component}`)!;
    expect(validate(body), `${component}: ${JSON.stringify(validate.errors)}`).to.equal(true);
  };
  const jobOf = (p: Json, name: string): Json => p.jobs.find((j: Json) => j.name === name);

  describe('a parent, its child pipeline and a multi-project downstream pipeline', () => {
    const parent = new Pipeline(A, [
      defJob('unit', 'test'),
      defJob('bridge', 'downstream', { trigger: { strategy: 'depend', definition: downstreamDefinition } }),
      defJob('ship', 'downstream', { trigger: { project: B, definition: downstreamDefinition } }),
    ]);
    const child = new Pipeline(A, [defJob('build', 'build')]);
    const multi = new Pipeline(B, [defJob('build', 'build')]);

    before(async () => {
      parent.created(0);
      parent.add('JobEnqueued', 1, { name: 'unit' });
      parent.status(1, 'created', 'pending');
      parent.add('JobStarted', 2, { name: 'unit', runner_id: 'r1', queued_ms: 1000 });
      parent.status(2, 'pending', 'running');
      parent.add('JobSucceeded', 3, { name: 'unit', duration_ms: 1000 });
      const triggered = (name: string, downstream: Pipeline, strategy: 'depend' | 'none') =>
        parent.add('DownstreamPipelineTriggered', 3, {
          name,
          downstream_pipeline_id: downstream.id,
          downstream_project_id: downstream.project,
          strategy,
        });
      triggered('bridge', child, 'depend');
      triggered('ship', multi, 'none');
      parent.add('JobSucceeded', 3, { name: 'ship', duration_ms: 0 });
      const linked = (source: 'parent_pipeline' | 'pipeline', job: string) => ({
        source,
        parent: { pipeline_id: parent.id, project_id: A, job_id: parent.jobId(job) },
      });
      child.created(4, linked('parent_pipeline', 'bridge'));
      child.add('JobEnqueued', 4, { name: 'build' });
      child.status(4, 'created', 'pending');
      multi.created(4, linked('pipeline', 'ship'));
      await publish([...parent.events, ...child.events, ...multi.events]);
    });

    it('the parent shows each trigger job’s downstream pipeline with its status; the jobs name it', async () => {
      const p = await when(
        `/v1/pipelines/${parent.id}`,
        READ.a,
        'the parent with its child pending',
        (b) => b.downstream.some((d: Json) => d.status === 'pending') && jobOf(b, 'ship')?.status === 'success',
      );
      expect(p).to.deep.include({ parent_pipeline_id: null, parent_job_id: null, parent: null, status: 'running' });
      expect(p.downstream).to.deep.equal([
        { pipeline_id: child.id, project_id: A, status: 'pending', job_id: parent.jobId('bridge'), job_name: 'bridge' },
        // Another project's pipeline, which this token may not read: its id (the parent's own event says it), nothing more.
        { pipeline_id: multi.id, project_id: null, status: null, job_id: parent.jobId('ship'), job_name: 'ship' },
      ]);
      expect(jobOf(p, 'bridge')).to.deep.include({
        status: 'running',
        downstream_pipeline_id: child.id,
        started_at: at(3),
        resource_group: null,
        auto_canceled_by: null,
      });
      expect(jobOf(p, 'ship')).to.deep.include({ status: 'success', downstream_pipeline_id: multi.id });
      expect(jobOf(p, 'unit')).to.deep.include({ downstream_pipeline_id: null });
      conforms('PipelineDetail', p);
      const job = await read(`/v1/jobs/${parent.jobId('bridge')}`, READ.a);
      expect(job.body).to.deep.include({ downstream_pipeline_id: child.id });
      conforms('JobDetail', job.body);
      // A token of every project sees the multi-project pipeline's status too.
      const all = await when(`/v1/pipelines/${parent.id}`, READ.all, 'the multi-project pipeline', (b) =>
        b.downstream.some((d: Json) => d.pipeline_id === multi.id && d.status !== null),
      );
      expect(all.downstream[1]).to.deep.include({ project_id: B, status: 'created' });
    });

    it('the child shows its parent pipeline and trigger job, in its detail and in the list', async () => {
      const c = await when(`/v1/pipelines/${child.id}`, READ.a, 'the child', () => true);
      expect(c).to.deep.include({
        source: 'parent_pipeline',
        parent_pipeline_id: parent.id,
        parent_job_id: parent.jobId('bridge'),
        downstream: [],
      });
      expect(c.parent).to.deep.equal({
        pipeline_id: parent.id,
        project_id: A,
        status: 'running',
        job_id: parent.jobId('bridge'),
        job_name: 'bridge',
      });
      conforms('PipelineDetail', c);
      const list = await read(`/v1/pipelines?project=${encodeURIComponent(A)}`, READ.a);
      const item = list.body.items.find((p: Json) => p.pipeline_id === child.id);
      expect(item).to.deep.include({ parent_pipeline_id: parent.id, parent_job_id: parent.jobId('bridge') });
      conforms('PipelineList', list.body);
    });

    it('a downstream pipeline of another project: its readers see the parent’s ids only; the parent’s readers do not see it', async () => {
      const m = await when(`/v1/pipelines/${multi.id}`, READ.b, 'the multi-project pipeline', () => true);
      expect(m.parent).to.deep.equal({
        pipeline_id: parent.id,
        project_id: null,
        status: null,
        job_id: parent.jobId('ship'),
        job_name: null,
      });
      conforms('PipelineDetail', m);
      const foreign = await read(`/v1/pipelines/${multi.id}`, READ.a);
      const missing = await read(`/v1/pipelines/${randomUUID()}`, READ.a);
      expect([foreign.status, missing.status]).to.deep.equal([404, 404]);
      expect(foreign.body.title).to.equal(missing.body.title);
    });

    it('a change of a linked pipeline changes the ETag: the child’s detail is not a 304 once its parent finished', async () => {
      const first = await read(`/v1/pipelines/${child.id}`, READ.a);
      const etag = first.headers.get('etag')!;
      expect((await read(`/v1/pipelines/${child.id}`, READ.a, { 'If-None-Match': etag })).status).to.equal(304);
      const mirrored = parent.add('JobSucceeded', 10, { name: 'bridge', duration_ms: 7000 });
      parent.add('PipelineFinished', 10, { status: 'success', warnings: false, duration_ms: 10_000 });
      await publish(parent.events.slice(parent.events.indexOf(mirrored)));
      const after = await until('the parent finished, seen from the child', async () => {
        const r = await read(`/v1/pipelines/${child.id}`, READ.a, { 'If-None-Match': etag });
        return r.status === 200 && r.body.parent.status === 'success' ? r : undefined;
      });
      expect(after.body.last_seq, 'the child itself did not change').to.equal(first.body.last_seq);
      expect(after.headers.get('etag')).to.not.equal(etag);
    });
  });

  describe('a resource group across pipelines', () => {
    const GROUP = 'production';
    const jobs = (...more: Job[]) => [defJob('deploy', 'deploy', { resource_group: GROUP }), ...more];
    const pipelines = {
      holder: new Pipeline(R, jobs()),
      // Created before `second`, but waits after it: the queue is in the order the jobs began waiting.
      third: new Pipeline(R, jobs(defJob('smoke', 'deploy'))),
      second: new Pipeline(R, jobs()),
    };
    const path = `/v1/projects/${encodeURIComponent(R)}/resource-groups/${GROUP}`;
    const waiting = (p: Pipeline, s: number) =>
      p.add('JobWaitingForResource', s, { name: 'deploy', resource_group: GROUP, process_mode: 'unordered' });

    before(async () => {
      const { holder, second, third } = pipelines;
      holder.created(20);
      waiting(holder, 21);
      holder.add('JobEnqueued', 22, { name: 'deploy' }); // AssignResource: the group was free
      holder.add('JobStarted', 23, { name: 'deploy', runner_id: 'r1', queued_ms: 1000 });
      third.created(20);
      third.add('JobEnqueued', 24, { name: 'smoke' });
      waiting(third, 26);
      second.created(21);
      waiting(second, 25);
      await publish([...third.events, ...holder.events, ...second.events]);
    });

    it('shows the job holding the resource and the two jobs waiting, longest waiting first', async () => {
      const g = await when(
        path,
        READ.r,
        'the holder and two waiting',
        (b) => b.holder !== null && b.waiting.length === 2,
      );
      expect(g).to.deep.equal({
        project_id: R,
        resource_group: GROUP,
        holder: {
          job_id: pipelines.holder.jobId('deploy'),
          name: 'deploy',
          pipeline_id: pipelines.holder.id,
          status: 'running',
          since: at(22),
        },
        waiting: [
          { job_id: pipelines.second.jobId('deploy'), name: 'deploy', pipeline_id: pipelines.second.id, since: at(25) },
          { job_id: pipelines.third.jobId('deploy'), name: 'deploy', pipeline_id: pipelines.third.id, since: at(26) },
        ],
        next_cursor: null,
      });
      conforms('ResourceGroup', g);
      const page = await read(`${path}?limit=1`, READ.r);
      expect(page.body.waiting.map((w: Json) => w.pipeline_id)).to.deep.equal([pipelines.second.id]);
      const rest = await read(`${path}?limit=1&cursor=${page.body.next_cursor}`, READ.r);
      expect(rest.body.waiting.map((w: Json) => w.pipeline_id)).to.deep.equal([pipelines.third.id]);
      expect(rest.body.next_cursor).to.equal(null);
      const job = await read(`/v1/jobs/${pipelines.second.jobId('deploy')}`, READ.r);
      expect(job.body).to.deep.include({ status: 'waiting_for_resource', resource_group: GROUP });
      expect(jobOf(await read(`/v1/pipelines/${pipelines.third.id}`, READ.r).then((r) => r.body), 'smoke')).to.include({
        resource_group: null,
      });
    });

    it('another project’s token gets the 404 of a project that does not exist, as on every project route', async () => {
      const foreign = await read(path, READ.a);
      const missing = await read(`/v1/projects/${encodeURIComponent(`${R}-nobody`)}/resource-groups/${GROUP}`, READ.a);
      expect([foreign.status, missing.status]).to.deep.equal([404, 404]);
      expect(foreign.body).to.deep.include({ title: 'Not Found', detail: `no project ${R}` });
      // Byte for byte the same answer, but for the project named.
      expect(JSON.stringify(foreign.body).replaceAll(R, '<p>')).to.equal(
        JSON.stringify(missing.body).replaceAll(`${R}-nobody`, '<p>'),
      );
      const bad = await read(`/v1/projects/${encodeURIComponent(R)}/resource-groups/${'x'.repeat(256)}`, READ.r);
      expect(bad.status).to.equal(400);
      expect(bad.body.errors.map((e: Json) => e.pointer)).to.include('/path/group');
    });

    it('the holder finishes and the next job gets the resource; a waiting job auto-canceled leaves the queue, naming the newer pipeline', async () => {
      const { holder, second, third } = pipelines;
      const newer = randomUUID();
      const from = { holder: holder.events.length, second: second.events.length, third: third.events.length };
      holder.add('JobSucceeded', 30, { name: 'deploy', duration_ms: 7000 });
      second.add('JobEnqueued', 31, { name: 'deploy' }); // AssignResource to the next in the queue
      third.add('JobCanceled', 32, { name: 'deploy', duration_ms: null, auto_canceled_by: newer });
      await publish([
        ...holder.events.slice(from.holder),
        ...second.events.slice(from.second),
        ...third.events.slice(from.third),
      ]);
      const g = await when(
        path,
        READ.r,
        'the next holder, nobody waiting',
        (b) => b.holder?.status === 'pending' && b.waiting.length === 0,
      );
      expect(g.holder).to.deep.equal({
        job_id: second.jobId('deploy'),
        name: 'deploy',
        pipeline_id: second.id,
        status: 'pending',
        since: at(31),
      });
      const canceled = await read(`/v1/jobs/${third.jobId('deploy')}`, READ.r);
      expect(canceled.body).to.deep.include({ status: 'canceled', auto_canceled_by: newer, resource_group: GROUP });
      conforms('JobDetail', canceled.body);
    });
  });
});
