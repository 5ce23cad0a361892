// GitLab's job keywords at ingest's edge, against the real stack: a definition with parallel and matrix
// jobs, needs:parallel:matrix, dependencies, when: delayed + start_in, timeout, allow_failure and retry exit
// codes and interruptible is compiled to the flat canonical definition — the decider creates GitLab's job
// names — and each bad definition is a 400 whose problem+json names the precise pointer into what was sent,
// with nothing written (Kafka and every ingest table).
import { expect } from 'chai';
import { randomUUID } from 'node:crypto';
import type { Admin, Kafka } from 'kafkajs';
import type pg from 'pg';
import type { PipelineCreated } from '../../services/lib/core/events/generated.js';
import { loadConfig } from '../../services/lib/platform/config/index.js';
import { createPool } from '../../services/lib/platform/db/client.js';
import { createKafka } from '../../services/lib/platform/kafka/client.js';
import { api, startDeciderForTest, startIngestForTest, TOKENS } from '../support/services.js';
import { nothingWritten, pipelineEventsOf, pointers, PROBLEM } from './ingest-helpers.js';

const SHA = 'a1b2c3d4e5f60718293a4b5c6d7e8f9012345678';
const PROJECT = 'test/alpha';
const STAGES = ['build', 'test', 'deploy'];

const matrix = {
  matrix: [
    { PROVIDER: 'aws', STACK: ['monitoring', 'app1'] },
    { PROVIDER: ['gcp', 'vultr'], STACK: 'data' },
  ],
};
/** The four jobs of `matrix`, as GitLab names them. */
const MATRIX_JOBS = [
  'deploystacks: [aws, monitoring]',
  'deploystacks: [aws, app1]',
  'deploystacks: [gcp, data]',
  'deploystacks: [vultr, data]',
];

const definition = {
  stages: STAGES,
  jobs: [
    { name: 'deploystacks', stage: 'build', parallel: matrix, interruptible: true },
    {
      name: 'rspec',
      stage: 'test',
      parallel: 2,
      needs: [
        { job: 'deploystacks', parallel: { matrix: [{ PROVIDER: 'aws', STACK: 'app1' }] } },
        { job: 'not-in-this-pipeline', optional: true },
      ],
      dependencies: ['deploystacks: [aws, app1]'],
      timeout: '3h 30m',
      retry: { max: 2, exit_codes: 137 },
      allow_failure: { exit_codes: [1, 42] },
    },
    { name: 'lint', stage: 'test', needs: [] },
    { name: 'rollout', stage: 'deploy', when: 'delayed', start_in: '1 week', dependencies: ['rspec'] },
  ],
};

describe('ingest: GitLab job keywords in the definition (parallel, matrix, needs, delayed, timeout, exit codes)', function () {
  this.timeout(120_000);
  const config = loadConfig();
  let ingest: Awaited<ReturnType<typeof startIngestForTest>>;
  let decider: Awaited<ReturnType<typeof startDeciderForTest>>;
  let kafka: Kafka;
  let admin: Admin;
  let pool: pg.Pool;

  before(async () => {
    kafka = createKafka(config, 'test-ingest-definition');
    admin = kafka.admin();
    await admin.connect();
    pool = createPool(config.databaseUrl, 2);
    decider = await startDeciderForTest();
    ingest = await startIngestForTest({ INGEST_WAIT_MAX_MS: '30000' });
  });
  after(async () => {
    await ingest?.stop();
    await decider?.stop();
    await admin?.disconnect();
    await pool?.end();
  });

  const create = (def: unknown) => ({ project_id: PROJECT, ref: 'main', sha: SHA, definition: def });

  it("is accepted, and the decider creates the jobs under GitLab's names from the compiled definition", async () => {
    const pipelineId = randomUUID();
    const r = await api(
      ingest.url,
      'POST',
      '/v1/pipelines?wait=20000',
      { ...create(definition), pipeline_id: pipelineId },
      { token: TOKENS.alpha },
    );
    expect(r.status, JSON.stringify(r.body)).to.equal(200);
    expect(r.body.verdict).to.equal('accepted');
    const created = (r.body.events as { type: string; name?: string }[])
      .filter((e) => e.type === 'JobCreated')
      .map((e) => e.name);
    expect(created).to.have.members([...MATRIX_JOBS, 'rspec 1/2', 'rspec 2/2', 'lint', 'rollout']);

    const events = await pipelineEventsOf(kafka, pipelineId, (es) => es.some((e) => e.type === 'PipelineCreated'));
    const pc = events.find((e): e is PipelineCreated => e.type === 'PipelineCreated')!;
    const job = (name: string) => pc.definition.jobs.find((j) => j.name === name);
    expect(pc.definition.jobs.map((j) => j.name)).to.deep.equal([
      ...MATRIX_JOBS,
      'rspec 1/2',
      'rspec 2/2',
      'lint',
      'rollout',
    ]);
    expect(job('deploystacks: [gcp, data]')).to.deep.include({ needs: null, interruptible: true });
    expect(job('rspec 2/2')).to.deep.include({
      needs: ['deploystacks: [aws, app1]'],
      dependencies: ['deploystacks: [aws, app1]'],
      timeout_s: 12_600,
      retry: { max: 2, when: [], exit_codes: [137] },
      allow_failure: false,
      allow_failure_exit_codes: [1, 42],
    });
    expect(job('lint')).to.deep.include({ needs: [] });
    expect(job('rollout')).to.deep.include({
      when: 'delayed',
      start_in_s: 604_800,
      dependencies: ['rspec 1/2', 'rspec 2/2'],
    });
  });

  const late = { name: 'late', stage: 'deploy' };
  const cases: { name: string; jobs: unknown[]; pointer: string; code: string; definition?: object }[] = [
    {
      name: 'start_in over one week',
      jobs: [
        { name: 'a', stage: 'build' },
        { name: 'rollout', stage: 'deploy', when: 'delayed', start_in: '1 week 1 day' },
      ],
      pointer: '/definition/jobs/1/start_in',
      code: 'invalid_start_in',
    },
    {
      name: 'a matrix of more than 200 jobs (15 × 15)',
      jobs: [
        {
          name: 'big',
          stage: 'build',
          parallel: {
            matrix: [
              { A: Array.from({ length: 15 }, (_, i) => `a${i}`), B: Array.from({ length: 15 }, (_, i) => `b${i}`) },
            ],
          },
        },
      ],
      pointer: '/definition/jobs/0/parallel/matrix',
      code: 'invalid_parallel',
    },
    {
      name: 'a need on a matrix combination the matrix does not make',
      jobs: [
        { name: 'deploystacks', stage: 'build', parallel: matrix },
        { name: 'a', stage: 'test' },
        { name: 'b', stage: 'test' },
        {
          name: 'rspec',
          stage: 'test',
          needs: [{ job: 'deploystacks', parallel: { matrix: [{ PROVIDER: 'gcp', STACK: 'app1' }] } }],
        },
      ],
      pointer: '/definition/jobs/3/needs/0/parallel/matrix/0',
      code: 'unknown_matrix_need',
    },
    {
      name: 'when: delayed without start_in',
      jobs: [
        { name: 'a', stage: 'build' },
        { name: 'rollout', stage: 'deploy', when: 'delayed' },
      ],
      pointer: '/definition/jobs/1/when',
      code: 'delayed_without_start_in',
    },
    {
      name: 'start_in without when: delayed',
      jobs: [{ name: 'rollout', stage: 'deploy', start_in: '30 minutes' }],
      pointer: '/definition/jobs/0/start_in',
      code: 'start_in_without_delayed',
    },
    {
      name: 'a start_in GitLab does not read',
      jobs: [{ name: 'rollout', stage: 'deploy', when: 'delayed', start_in: 'in a while' }],
      pointer: '/definition/jobs/0/start_in',
      code: 'invalid_duration',
    },
    {
      name: 'a timeout over one month',
      jobs: [{ name: 'a', stage: 'build', timeout: '5 weeks' }],
      pointer: '/definition/jobs/0/timeout',
      code: 'invalid_timeout',
    },
    {
      name: 'needs:parallel:matrix with optional',
      jobs: [
        { name: 'deploystacks', stage: 'build', parallel: matrix },
        {
          name: 'rspec',
          stage: 'test',
          needs: [{ job: 'deploystacks', optional: true, parallel: { matrix: [{ PROVIDER: 'aws', STACK: 'app1' }] } }],
        },
      ],
      pointer: '/definition/jobs/1/needs/0/optional',
      code: 'optional_need_with_matrix',
    },
    {
      name: 'a need, not optional, on a job the definition does not have',
      jobs: [{ name: 'rspec', stage: 'test', needs: [{ job: 'ghost' }] }],
      pointer: '/definition/jobs/0/needs/0',
      code: 'unknown_need',
    },
    {
      name: 'a dependency of a later stage (from a matrix job: reported once)',
      jobs: [{ name: 'deploystacks', stage: 'build', parallel: matrix, dependencies: ['late'] }, late],
      pointer: '/definition/jobs/0/dependencies/0',
      code: 'dependency_not_in_earlier_stage',
    },
    {
      name: 'an unknown process_mode of a resource group',
      jobs: [{ name: 'ship', stage: 'deploy', resource_group: 'production' }],
      definition: { resource_groups: { production: { process_mode: 'fastest_first' } } },
      pointer: '/definition/resource_groups/production/process_mode',
      code: '',
    },
    {
      name: 'a trigger cycle (this project → test/other → this project)',
      jobs: [
        {
          name: 'bridge',
          stage: 'deploy',
          trigger: {
            project: 'test/other',
            definition: {
              stages: ['x'],
              jobs: [
                {
                  name: 'back',
                  stage: 'x',
                  trigger: { project: PROJECT, definition: { stages: ['y'], jobs: [{ name: 'z', stage: 'y' }] } },
                },
              ],
            },
          },
        },
      ],
      pointer: '/definition/jobs/0/trigger/definition/jobs/0/trigger/project',
      code: 'trigger_cycle',
    },
    {
      name: 'parallel: 0 (GitLab: 1 to 200)',
      jobs: [{ name: 'a', stage: 'build', parallel: 0 }],
      pointer: '/definition/jobs/0/parallel',
      code: '',
    },
  ];

  for (const c of cases) {
    it(`${c.name} → 400 at ${c.pointer}, nothing written`, async () => {
      const a = await nothingWritten(admin, pool, () =>
        api(ingest.url, 'POST', '/v1/pipelines?wait=20000', create({ stages: STAGES, jobs: c.jobs, ...c.definition }), {
          token: TOKENS.alpha,
        }),
      );
      expect(a.status, JSON.stringify(a.body)).to.equal(400);
      expect(a.headers.get('content-type')).to.match(PROBLEM);
      if (c.code === '') {
        expect(pointers(a.body)).to.include(c.pointer); // JSON Schema (oneOf: also names each branch)
        return;
      }
      expect(a.body.errors, JSON.stringify(a.body.errors)).to.have.length(1);
      expect(a.body.errors[0].pointer).to.equal(c.pointer);
      expect(a.body.errors[0].message).to.match(new RegExp(`^${c.code}: `));
    });
  }

  it('a bulk create line with a bad definition gets the same pointer (and nothing is written)', async () => {
    const line = JSON.stringify({
      op: 'create_pipeline',
      ...create({ stages: STAGES, jobs: cases[2]!.jobs }),
    });
    const a = await nothingWritten(admin, pool, () =>
      api(ingest.url, 'POST', '/v1/reports:bulk', undefined, { token: TOKENS.alpha, raw: `${line}\n` }),
    );
    expect(a.status).to.equal(200);
    const verdict = typeof a.body === 'string' ? JSON.parse(a.body.trim()) : a.body;
    expect(verdict).to.deep.include({ line: 1, status: 400 });
    expect(pointers(verdict)).to.deep.equal(['/definition/jobs/3/needs/0/parallel/matrix/0']);
  });

  // Ingest claims the pipeline with the compiled job names: a matrix job's are its jobs' GitLab names.
  it('a report names a matrix job by its GitLab name', async () => {
    const pipelineId = randomUUID();
    const r = await api(
      ingest.url,
      'POST',
      '/v1/pipelines?wait=20000',
      { ...create(definition), pipeline_id: pipelineId },
      { token: TOKENS.alpha },
    );
    expect(r.status).to.equal(200);
    const job = encodeURIComponent('deploystacks: [aws, app1]');
    const report = await api(
      ingest.url,
      'POST',
      `/v1/pipelines/${pipelineId}/jobs/${job}/reports?wait=20000`,
      { project_id: PROJECT, status: 'running', runner_id: 'runner-1' },
      { token: TOKENS.alpha },
    );
    expect(report.status, JSON.stringify(report.body)).to.equal(200);
  });
});
