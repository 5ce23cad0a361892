// `verity import` against GitLab's and GitHub's APIs replayed (test/support/replay-server.ts): the records it
// writes (valid ObservePipeline and AttachJobLog records, the webhooks' ids, attempts of retried jobs, logs
// fetched and a 404 as fetch_error), a second run writing the same report ids, and a run stopped after its
// first pipeline going on from there.
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'chai';
import { ReplayServer } from '../../../test/support/replay-server.js';
import type { AttachJobLog, IntakeEvent, ObservePipeline } from '../../lib/core/events/generated.js';
import { observedId } from '../../lib/core/observed/ids.js';
import type { Connection } from '../../lib/platform/connections/connection.js';
import type { LogStore } from '../../lib/platform/logstore/log-store.js';
import { attachReportId } from '../../lib/platform/producer-api/attach-record.js';
import { RateLimits } from '../../lib/platform/producer-api/token-bucket.js';
import { createAjv } from '../../lib/platform/schemas/ajv.js';
import { REPO_ROOT } from '../../lib/platform/schemas/catalog.js';
import { runImport, type ImportOptions } from './importer.js';

const ajv = createAjv();
const schema = (type: string) =>
  ajv.compile(JSON.parse(readFileSync(join(REPO_ROOT, `schemas/ci.intake.v1/${type}.v1.json`), 'utf8')) as object);
const valid = { ObservePipeline: schema('ObservePipeline'), AttachJobLog: schema('AttachJobLog') };

const store: LogStore = {
  async put({ data }) {
    const sha256 = createHash('sha256').update(data).digest('hex');
    return { ref: `mem:${sha256}`, bytes: data.length, sha256, created: true };
  },
  latest: async () => null,
  get: async () => null,
};

const GITLAB = 'https://gitlab.example.com';
const GL = '/api/v4/projects/group%2Fapp';

describe('verity import: GitLab and GitHub history into observations', () => {
  let server: ReplayServer;
  let dir: string;
  let written: IntakeEvent[][];

  beforeEach(async () => {
    server = await ReplayServer.start();
    dir = mkdtempSync(join(tmpdir(), 'verity-import-'));
    written = [];
  });
  afterEach(async () => {
    await server.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const connection = (over: Partial<Connection>): Connection => ({
    name: 'gl',
    system: 'gitlab',
    instance: GITLAB,
    externalProject: 'group/app',
    project: 'verity/app',
    secret: 'x'.repeat(16),
    apiToken: 'glpat-token',
    apiUrl: `${server.url}/api/v4`,
    ...over,
  });
  const options = (c: Connection, over: Partial<ImportOptions> = {}): ImportOptions => ({
    connection: c,
    since: '7d',
    after: '2030-01-01T00:00:00.000Z',
    policy: { maxAttempts: 2, timeoutMs: 2000, limitBytes: 1 << 20, backoff: { baseMs: 1, maxMs: 10 } },
    limits: new RateLimits(1000),
    logStore: store,
    write: async (records) => void written.push(records),
    stateFile: join(dir, `${c.name}.json`),
    ...over,
  });
  const all = () => written.flat();
  const ids = () => all().map((r) => r.report_id);

  function gitlabApi(): void {
    const q = 'updated_after=2030-01-01T00%3A00%3A00.000Z&order_by=updated_at&sort=asc&per_page=100';
    const pipeline = (id: number, status: string, at: string) => ({
      id,
      sha: 'a'.repeat(40),
      ref: 'main',
      status,
      source: 'push',
      created_at: '2030-01-02T10:00:00.000Z',
      updated_at: at,
      web_url: `${GITLAB}/group/app/-/pipelines/${id}`,
    });
    server.set(`GET ${GL}/pipelines?${q}`, [
      {
        status: 200,
        headers: { 'x-next-page': '2', 'x-total': '3' },
        body: [pipeline(10, 'failed', '2030-01-02T10:05:00.000Z'), pipeline(11, 'success', '2030-01-02T11:00:00.000Z')],
      },
    ]);
    server.set(`GET ${GL}/pipelines?${q}&page=2`, [
      { status: 200, headers: { 'x-next-page': '' }, body: [pipeline(12, 'running', '2030-01-03T09:00:00.000Z')] },
    ]);
    const job = (id: number, name: string, status: string, extra: object = {}) => ({
      id,
      name,
      stage: 'test',
      status,
      allow_failure: false,
      created_at: '2030-01-02T10:00:00.000Z',
      started_at: '2030-01-02T10:01:00.000Z',
      finished_at: status === 'running' ? null : '2030-01-02T10:02:00.000Z',
      duration: 60.5,
      queued_duration: 2,
      web_url: `${GITLAB}/group/app/-/jobs/${id}`,
      user: { username: 'alice' },
      runner: { id: 7, description: 'shared-7' },
      ...extra,
    });
    server.set(`GET ${GL}/pipelines/10/jobs`, [
      {
        status: 200,
        body: [
          job(105, 'rspec', 'failed', { failure_reason: 'script_failure' }),
          job(101, 'lint', 'success'),
          job(100, 'rspec', 'failed', { failure_reason: 'runner_system_failure' }),
        ],
      },
    ]);
    server.set(`GET ${GL}/pipelines/11/jobs`, [{ status: 200, body: [job(110, 'build', 'success')] }]);
    server.set(`GET ${GL}/pipelines/12/jobs`, [{ status: 200, body: [job(120, 'deploy', 'running')] }]);
    server.set(`GET ${GL}/jobs/100/trace`, [
      { status: 200, body: 'runner lost\nERROR: Job failed (system failure)\n' },
    ]);
    server.set(`GET ${GL}/jobs/105/trace`, [{ status: 404, body: { message: '404 Not found' } }]);
  }

  it("GitLab: each pipeline's ObservePipeline, then AttachJobLog for its failed jobs; all valid records", async () => {
    gitlabApi();
    const report = await runImport(options(connection({})));
    expect(report).to.deep.include({ pipelines: 3, records: 5, logs: 1, fetchErrors: 1, interrupted: false });
    for (const r of all()) {
      const check = valid[r.type as keyof typeof valid];
      expect(check(r), `${r.type}: ${JSON.stringify(check.errors)}`).to.equal(true);
    }
    const [first] = written;
    const observe = first![0] as ObservePipeline;
    expect(observe).to.deep.include({
      pipeline_id: observedId(GITLAB, 'pipeline', 10),
      project_id: 'verity/app',
      producer: 'gitlab:gl',
      occurred_at: '2030-01-02T10:05:00.000Z',
    });
    expect(observe.external).to.deep.equal({
      system: 'gitlab',
      instance: GITLAB,
      id: '10',
      url: `${GITLAB}/group/app/-/pipelines/10`,
    });
    const jobs = Object.fromEntries(observe.jobs.map((j) => [j.external_id, j]));
    expect([jobs['100']!.attempt, jobs['105']!.attempt, jobs['101']!.attempt]).to.deep.equal([1, 2, 1]);
    expect(jobs['100']).to.deep.include({
      job_id: observedId(GITLAB, 'job', 100),
      status: 'failed',
      failure_reason: 'runner_system_failure',
      duration_ms: 60_500,
      runner: 'shared-7',
      user: 'alice',
    });
    const attached = first!.slice(1) as AttachJobLog[];
    const byJob = Object.fromEntries(attached.map((a) => [a.job, a]));
    expect(byJob[observedId(GITLAB, 'job', 100)]!.log).to.include({ bytes: 47 });
    expect(byJob[observedId(GITLAB, 'job', 100)]!.report_id).to.equal(attachReportId(observedId(GITLAB, 'job', 100)));
    expect(byJob[observedId(GITLAB, 'job', 105)]!.fetch_error).to.match(/404 Not Found/);
    expect(JSON.parse(readFileSync(join(dir, 'gl.json'), 'utf8'))).to.deep.include({ finished: true, imported: 3 });
  });

  it('GitLab: a second run writes the same report ids', async () => {
    gitlabApi();
    await runImport(options(connection({})));
    const firstIds = ids();
    written = [];
    const again = await runImport(options(connection({})));
    expect(again.resumedFrom).to.equal(null);
    expect(ids()).to.deep.equal(firstIds);
    expect(new Set(firstIds).size).to.equal(firstIds.length);
  });

  it('GitLab: stopped after its first pipeline, the next run goes on from there', async () => {
    gitlabApi();
    const stop = new AbortController();
    const write = async (records: IntakeEvent[]) => {
      written.push(records);
      stop.abort();
    };
    const first = await runImport(options(connection({}), { write, stop: stop.signal }));
    expect(first).to.deep.include({ pipelines: 1, interrupted: true });
    const state = JSON.parse(readFileSync(join(dir, 'gl.json'), 'utf8'));
    expect(state).to.deep.include({ finished: false, done: { '10': '2030-01-02T10:05:00.000Z' } });
    const jobLists = server.to(`${GL}/pipelines/10/jobs`).length;
    const rest = await runImport(options(connection({})));
    expect(rest).to.deep.include({ pipelines: 2, skipped: 1, interrupted: false });
    expect(rest.resumedFrom).to.match(/\/pipelines\?updated_after=/);
    expect(server.to(`${GL}/pipelines/10/jobs`).length).to.equal(jobLists); // pipeline 10 not read again
    expect(written.map((w) => w[0]!.pipeline_id)).to.deep.equal(
      [10, 11, 12].map((id) => observedId(GITLAB, 'pipeline', id)),
    );
  });

  it('GitHub: runs by Link pages, jobs of every attempt, a log through the 302 without the token', async () => {
    const gh = connection({
      name: 'hub',
      system: 'github',
      instance: 'https://github.com',
      externalProject: 'o/r',
      apiToken: 'ghp-token',
      apiUrl: server.url,
    });
    const first = '/repos/o/r/actions/runs?created=%3E%3D2030-01-01T00%3A00%3A00.000Z&per_page=100';
    const second = `${first}&page=2`;
    const run = (id: number, conclusion: string) => ({
      id,
      name: 'CI',
      head_branch: 'main',
      head_sha: 'b'.repeat(40),
      event: 'push',
      status: 'completed',
      conclusion,
      run_attempt: 2,
      created_at: '2030-01-02T10:00:00Z',
      run_started_at: '2030-01-02T10:00:05Z',
      updated_at: '2030-01-02T10:10:00Z',
      html_url: `https://github.com/o/r/actions/runs/${id}`,
      actor: { login: 'bob' },
    });
    server.set(`GET ${first}`, [
      {
        status: 200,
        headers: { link: `<${server.url}${second}>; rel="next"` },
        body: { total_count: 2, workflow_runs: [run(500, 'failure')] },
      },
    ]);
    server.set(`GET ${second}`, [{ status: 200, body: { total_count: 2, workflow_runs: [run(501, 'success')] } }]);
    const ghJob = (id: number, attempt: number, conclusion: string) => ({
      id,
      run_id: 500,
      run_attempt: attempt,
      name: 'test',
      workflow_name: 'CI',
      status: 'completed',
      conclusion,
      created_at: '2030-01-02T10:00:01Z',
      started_at: '2030-01-02T10:00:10Z',
      completed_at: '2030-01-02T10:05:00Z',
      html_url: `https://github.com/o/r/actions/runs/500/job/${id}`,
      runner_name: 'GitHub Actions 2',
      steps: [{ number: 1, name: 'Run tests', status: 'completed', conclusion }],
    });
    server.set('GET /repos/o/r/actions/runs/500/jobs', [
      { status: 200, body: { jobs: [ghJob(900, 1, 'failure'), ghJob(901, 2, 'failure')] } },
    ]);
    server.set('GET /repos/o/r/actions/runs/501/jobs', [{ status: 200, body: { jobs: [] } }]);
    for (const id of [900, 901]) {
      server.set(`GET /repos/o/r/actions/jobs/${id}/logs`, [
        { status: 302, redirect: { path: `/blob/${id}?sig=s`, other: true } },
      ]);
      server.set(`GET /blob/${id}`, [{ status: 200, body: `job ${id}\n##[error]Process completed with exit code 1.` }]);
    }
    const report = await runImport(options(gh));
    expect(report).to.deep.include({ pipelines: 2, logs: 2, fetchErrors: 0 });
    for (const r of all()) expect(valid[r.type as keyof typeof valid](r)).to.equal(true);
    const observe = written[0]![0] as ObservePipeline;
    expect(observe.pipeline).to.deep.include({ status: 'failed', attempt: 2, user: 'bob', source: 'push' });
    expect(observe.jobs.map((j) => [j.external_id, j.attempt, j.status])).to.deep.equal([
      ['900', 1, 'failed'],
      ['901', 2, 'failed'],
    ]);
    expect(server.to('/repos/o/r/actions/runs/500/jobs')[0]!.path).to.match(/filter=all/);
    expect(server.to('/blob/900')[0]!.headers).not.to.have.property('authorization');
    expect(server.to('/repos/o/r/actions/jobs/900/logs')[0]!.headers.authorization).to.equal('Bearer ghp-token');
  });
});
