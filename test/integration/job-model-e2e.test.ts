// GitLab's job model through the whole of Verity as operators run it (`bin/verity up` under its own topic
// prefix and database): each feature drives one pipeline (two where it spans pipelines) through ingest's
// API, the decider, the timer, the coordinator, the projector and the query API — nothing is written to
// Kafka by the test. Matrix jobs, a delayed job, a job timeout, a trigger job with strategy: depend,
// auto-cancel of a redundant pipeline, a resource group across two pipelines.
import { expect } from 'chai';
import { randomUUID } from 'node:crypto';
import { api, TOKENS } from '../support/services.js';
import { startSystem, type RunningSystem } from '../support/system.js';
import { until } from '../support/wait.js';

const PROJECT = 'test/alpha';
const sha = () => randomUUID().replace(/-/g, '').slice(0, 40);

interface Job {
  job_id: string;
  name: string;
  status: string;
  failure_reason?: string | null;
  scheduled_at?: string | null;
  downstream_pipeline_id?: string | null;
}
interface Pipeline {
  pipeline_id: string;
  status: string;
  jobs: Job[];
}

describe('the job model end to end: one pipeline per feature through every service', function () {
  this.timeout(300_000);
  let system: RunningSystem;
  let ingest: string;
  let query: string;

  before(async function () {
    this.timeout(180_000);
    system = await startSystem('jobmodel', { TIMER_INTERVAL_MS: '200' });
    ingest = `http://127.0.0.1:${await system.port('ingest')}`;
    query = `http://127.0.0.1:${await system.port('query')}`;
  });
  after(async function () {
    this.timeout(120_000);
    await system?.stop();
  });

  const create = async (definition: object, ref = `main-${randomUUID().slice(0, 8)}`, commit = sha()) => {
    const r = await api(
      ingest,
      'POST',
      '/v1/pipelines?wait=10000',
      { project_id: PROJECT, ref, sha: commit, definition },
      { token: TOKENS.alpha },
    );
    expect(r.status, JSON.stringify(r.body)).to.equal(200);
    return r.body.pipeline_id as string;
  };
  const report = async (pipelineId: string, job: string, status: string, extra: object = {}) => {
    const r = await api(
      ingest,
      'POST',
      `/v1/pipelines/${pipelineId}/jobs/${encodeURIComponent(job)}/reports?wait=10000`,
      { project_id: PROJECT, status, ...extra },
      { token: TOKENS.alpha },
    );
    expect(r.status, `${job} ${status}: ${JSON.stringify(r.body)}`).to.equal(200);
  };
  const run = async (pipelineId: string, job: string) => {
    await report(pipelineId, job, 'running', { runner_id: 'runner-1' });
    await report(pipelineId, job, 'success');
  };
  const pipeline = async (id: string): Promise<Pipeline | undefined> => {
    const r = await api(query, 'GET', `/v1/pipelines/${id}`, undefined, { token: TOKENS.alpha });
    return r.status === 200 ? (r.body as Pipeline) : undefined;
  };
  /** Waits until the read model shows what `ok` wants. */
  const readModel = (what: string, id: string, ok: (p: Pipeline) => boolean, timeoutMs = 30_000) =>
    until(
      what,
      async () => {
        const p = await pipeline(id);
        return p && ok(p) ? p : undefined;
      },
      timeoutMs,
      200,
    );
  const job = (p: Pipeline, name: string) => p.jobs.find((j) => j.name === name);

  it('matrix: parallel:matrix jobs are named as GitLab names them; a need on one combination waits for it alone', async () => {
    const id = await create({
      stages: ['build', 'deploy'],
      jobs: [
        { name: 'build', stage: 'build', parallel: { matrix: [{ OS: ['linux', 'mac'], ARCH: 'amd64' }] } },
        {
          name: 'ship',
          stage: 'deploy',
          needs: [{ job: 'build', parallel: { matrix: [{ OS: 'linux', ARCH: 'amd64' }] } }],
        },
      ],
    });
    await run(id, 'build: [linux, amd64]');
    const p = await readModel(
      'ship enqueued after build: [linux, amd64] alone',
      id,
      (p) => job(p, 'ship')?.status === 'pending',
    );
    expect(p.jobs.map((j) => j.name).sort()).to.deep.equal(['build: [linux, amd64]', 'build: [mac, amd64]', 'ship']);
    expect(job(p, 'build: [mac, amd64]')!.status).to.equal('pending');
  });

  it('delayed: scheduled after its stage, then enqueued by the timer when due, without any other report', async () => {
    const id = await create({
      stages: ['build', 'deploy'],
      jobs: [
        { name: 'build', stage: 'build' },
        { name: 'rollout', stage: 'deploy', when: 'delayed', start_in: '2 seconds' },
      ],
    });
    await run(id, 'build');
    const scheduled = await readModel(
      'rollout scheduled',
      id,
      (p) => job(p, 'rollout')?.status === 'scheduled' || job(p, 'rollout')?.status === 'pending',
    );
    const due = await readModel(
      'rollout enqueued by the timer',
      id,
      (p) => job(p, 'rollout')?.status === 'pending',
      30_000,
    );
    expect(due.status).to.equal('running');
    void scheduled;
  });

  it('timeout: a running job past its timeout fails with job_execution_timeout (the timer ticks)', async () => {
    const id = await create({ stages: ['test'], jobs: [{ name: 'slow', stage: 'test', timeout: '2 seconds' }] });
    await report(id, 'slow', 'running', { runner_id: 'runner-1' });
    const p = await readModel('slow timed out', id, (p) => job(p, 'slow')?.status === 'failed', 30_000);
    expect(job(p, 'slow')!.failure_reason).to.equal('job_execution_timeout');
    expect(p.status).to.equal('failed');
  });

  it('trigger with strategy: depend: the child pipeline is created, and its result becomes the trigger job’s', async () => {
    const id = await create({
      stages: ['build', 'downstream'],
      jobs: [
        { name: 'build', stage: 'build' },
        {
          name: 'bridge',
          stage: 'downstream',
          trigger: {
            strategy: 'depend',
            definition: { stages: ['test'], jobs: [{ name: 'child-test', stage: 'test' }] },
          },
        },
      ],
    });
    await run(id, 'build');
    const parent = await readModel('the trigger job runs', id, (p) => job(p, 'bridge')?.status === 'running');
    const childId = job(parent, 'bridge')!.downstream_pipeline_id!;
    expect(childId, 'the trigger job names its downstream pipeline').to.be.a('string');
    await readModel('the child pipeline is created', childId, (c) => job(c, 'child-test')?.status === 'pending');
    // Ingest learns the child pipeline from the canonical events: a report may need a moment to be accepted.
    await until(
      'ingest to know the child pipeline',
      async () => {
        const r = await api(
          ingest,
          'POST',
          `/v1/pipelines/${childId}/jobs/child-test/reports?wait=10000`,
          { project_id: PROJECT, status: 'running', runner_id: 'r' },
          { token: TOKENS.alpha },
        );
        return r.status === 200 ? true : undefined;
      },
      30_000,
      300,
    );
    await report(childId, 'child-test', 'success');
    const done = await readModel('the parent mirrors the child', id, (p) => p.status === 'success');
    expect(job(done, 'bridge')!.status).to.equal('success');
  });

  it('auto-cancel: a new pipeline on the same ref cancels the older one (conservative, nothing uninterruptible started)', async () => {
    const ref = `feature-${randomUUID().slice(0, 8)}`;
    const definition = {
      stages: ['test'],
      jobs: [
        { name: 'lint', stage: 'test', interruptible: true },
        { name: 'unit', stage: 'test' },
      ],
    };
    const older = await create(definition, ref);
    await report(older, 'lint', 'running', { runner_id: 'runner-1' });
    const newer = await create(definition, ref);
    const canceled = await readModel('the older pipeline canceled', older, (p) => p.status === 'canceled', 30_000);
    expect(canceled.jobs.map((j) => j.status)).to.deep.equal(['canceled', 'canceled']);
    expect((await pipeline(newer))!.status).to.not.equal('canceled');
  });

  it('resource group: across two pipelines at most one deploy runs; the second waits, then gets the resource', async () => {
    const definition = {
      stages: ['deploy'],
      jobs: [{ name: 'deploy', stage: 'deploy', resource_group: `production-${randomUUID().slice(0, 6)}` }],
      resource_groups: {},
    };
    const first = await create(definition);
    await readModel('the first deploy holds the resource', first, (p) => job(p, 'deploy')?.status === 'pending');
    const second = await create(definition);
    await readModel('the second deploy waits', second, (p) => job(p, 'deploy')?.status === 'waiting_for_resource');
    await run(first, 'deploy');
    await readModel('the second deploy gets the resource', second, (p) => job(p, 'deploy')?.status === 'pending');
  });
});
