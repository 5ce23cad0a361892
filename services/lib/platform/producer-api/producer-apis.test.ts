// The GitLab and GitHub clients against recorded answers (test/support/replay-server.ts): the paths and
// credential headers they use, pagination by `Link: rel="next"` and by GitLab's `x-next-page`, GitHub's log
// redirect, and the connection that reads an observed job's log.
import { expect } from 'chai';
import { ReplayServer } from '../../../../test/support/replay-server.js';
import type { Connection } from '../connections/connection.js';
import { matchConnection, projectPathOf } from './connection-match.js';
import { GithubApi } from './github-api.js';
import { GitlabApi } from './gitlab-api.js';
import { nextLink } from './pagination.js';
import { ProducerClient } from './producer-client.js';
import type { RequestPolicy } from './request.js';

const policy: RequestPolicy = {
  maxAttempts: 2,
  timeoutMs: 2000,
  limitBytes: 1 << 20,
  backoff: { baseMs: 1, maxMs: 10 },
};

const connection = (over: Partial<Connection>): Connection => ({
  name: 'c',
  system: 'gitlab',
  instance: 'https://gitlab.example.com',
  externalProject: 'group/app',
  project: 'verity/app',
  secret: 'x'.repeat(16),
  apiToken: 'tok-123',
  apiUrl: 'http://127.0.0.1:1/api/v4',
  ...over,
});

describe('producer API: GitLab and GitHub clients', () => {
  let server: ReplayServer;
  beforeEach(async () => (server = await ReplayServer.start()));
  afterEach(async () => server.close());

  it('GitLab: pipelines page by x-next-page, with PRIVATE-TOKEN', async () => {
    const gitlab = new GitlabApi(new ProducerClient(connection({ apiUrl: `${server.url}/api/v4` }), policy));
    const base = '/api/v4/projects/group%2Fapp/pipelines';
    const q = 'updated_after=2030-01-01T00%3A00%3A00.000Z&order_by=updated_at&sort=asc&per_page=100';
    server.set(`GET ${base}?${q}`, [
      { status: 200, headers: { 'x-next-page': '2', 'x-total': '3' }, body: [{ id: 1 }, { id: 2 }] },
    ]);
    server.set(`GET ${base}?${q.replace('per_page=100', 'per_page=100&page=2')}`, [
      { status: 200, headers: { 'x-next-page': '' }, body: [{ id: 3 }] },
    ]);
    const seen = [];
    for await (const page of gitlab.pipelines('group/app', '2030-01-01T00:00:00.000Z'))
      seen.push({ ids: page.items.map((p) => p.id), total: page.total, last: page.next === null });
    expect(seen).to.deep.equal([
      { ids: [1, 2], total: 3, last: false },
      { ids: [3], total: null, last: true },
    ]);
    expect(server.requests.map((r) => r.headers['private-token'])).to.deep.equal(['tok-123', 'tok-123']);
  });

  it("GitLab: a pipeline's jobs with retried ones, and a job's trace", async () => {
    const gitlab = new GitlabApi(new ProducerClient(connection({ apiUrl: `${server.url}/api/v4` }), policy));
    server.set('GET /api/v4/projects/group%2Fapp/pipelines/9/jobs', [{ status: 200, body: [{ id: 1, name: 'a' }] }]);
    server.set('GET /api/v4/projects/group%2Fapp/jobs/77/trace', [{ status: 200, body: 'trace text' }]);
    expect((await gitlab.pipelineJobs('group/app', 9)).map((j) => j.id)).to.deep.equal([1]);
    expect(server.requests[0]!.path).to.match(/include_retried=true/);
    expect((await gitlab.jobTrace('group/app', '77')).data.toString()).to.equal('trace text');
  });

  it('GitHub: runs page by Link rel="next" (total_count kept), jobs of every attempt', async () => {
    const gh = new GithubApi(
      new ProducerClient(connection({ system: 'github', apiUrl: server.url, externalProject: 'o/r' }), policy),
    );
    const first = '/repos/o/r/actions/runs?created=%3E%3D2030-01-01&per_page=100';
    const second = '/repos/o/r/actions/runs?created=%3E%3D2030-01-01&per_page=100&page=2';
    server.set(`GET ${first}`, [
      {
        status: 200,
        headers: { link: `<${server.url}${second}>; rel="next", <${server.url}${second}>; rel="last"` },
        body: { total_count: 3, workflow_runs: [{ id: 10 }, { id: 11 }] },
      },
    ]);
    server.set(`GET ${second}`, [
      { status: 200, headers: { link: `<${server.url}${first}>; rel="first"` }, body: { workflow_runs: [{ id: 12 }] } },
    ]);
    const ids: number[] = [];
    let total: number | null = null;
    for await (const page of gh.runs('o/r', '2030-01-01')) {
      ids.push(...page.items.map((r) => r.id));
      total ??= page.total;
    }
    expect([ids, total]).to.deep.equal([[10, 11, 12], 3]);
    expect(server.requests[0]!.headers.authorization).to.equal('Bearer tok-123');

    server.set('GET /repos/o/r/actions/runs/10/jobs', [{ status: 200, body: { jobs: [{ id: 5 }, { id: 6 }] } }]);
    server.set('GET /repos/o/r/actions/runs/10/attempts/2/jobs', [{ status: 200, body: { jobs: [{ id: 6 }] } }]);
    expect((await gh.runJobs('o/r', 10)).map((j) => j.id)).to.deep.equal([5, 6]);
    expect(server.to('/repos/o/r/actions/runs/10/jobs')[0]!.path).to.match(/filter=all/);
    expect((await gh.runJobs('o/r', 10, 2)).map((j) => j.id)).to.deep.equal([6]);
  });

  it("GitHub: a job's log through the 302, the token left at the API", async () => {
    const gh = new GithubApi(new ProducerClient(connection({ system: 'github', apiUrl: server.url }), policy));
    server.set('GET /repos/o/r/actions/jobs/42/logs', [
      { status: 302, redirect: { path: '/logs/42?sv=sig', other: true } },
    ]);
    server.set('GET /logs/42', [{ status: 200, body: '##[error]Process completed with exit code 1.' }]);
    const log = await gh.jobLogs('o/r', '42');
    expect(log.data.toString()).to.match(/exit code 1/);
    expect(server.to('/logs/42')[0]!.headers).not.to.have.property('authorization');
  });

  it('refuses to call without an API token', async () => {
    const client = new ProducerClient(connection({ apiToken: null }), policy);
    expect(() => client.get('/x')).to.throw(/connection "c" has no api_token/);
  });

  it('reads rel="next" among several links and parameters', () => {
    expect(nextLink('<https://a/1>; rel="prev", <https://a/3>; rel="next"; title="n"')).to.equal('https://a/3');
    expect(nextLink('<https://a/3>; rel=next')).to.equal('https://a/3');
    expect(nextLink('<https://a/3>; rel="last"')).to.equal(null);
    expect(nextLink(null)).to.equal(null);
  });

  it("finds the project of a job's link and the connection that reads it, most specific first", () => {
    expect(
      projectPathOf('gitlab', 'https://gitlab.example.com', 'https://gitlab.example.com/g/sub/app/-/jobs/9'),
    ).to.equal('g/sub/app');
    expect(projectPathOf('github', 'https://github.com', 'https://github.com/o/r/actions/runs/1/job/2')).to.equal(
      'o/r',
    );
    expect(projectPathOf('github', 'https://github.com', 'https://elsewhere.com/o/r')).to.equal(null);
    const all = [
      connection({ name: 'any', externalProject: '*' }),
      connection({ name: 'exact', externalProject: 'Group/App' }),
      connection({ name: 'other-project', project: 'verity/other', externalProject: '*' }),
      connection({ name: 'hub', system: 'github', instance: 'https://github.com', externalProject: 'o/*' }),
    ];
    const at = {
      system: 'gitlab' as const,
      instance: 'https://gitlab.example.com/',
      project: 'verity/app',
      urls: ['https://gitlab.example.com/group/app/-/jobs/5'],
    };
    const m = matchConnection(all, at);
    expect('connection' in m && [m.connection.name, m.externalProject]).to.deep.equal(['exact', 'group/app']);
    const other = matchConnection(all, { ...at, urls: ['https://gitlab.example.com/group/lib/-/jobs/5'] });
    expect('connection' in other && other.connection.name).to.equal('any');
    const hub = matchConnection(all, {
      system: 'github',
      instance: 'https://github.com',
      project: 'verity/app',
      urls: [null, 'https://github.com/o/r/actions/runs/3'],
    });
    expect('connection' in hub && [hub.connection.name, hub.externalProject]).to.deep.equal(['hub', 'o/r']);
    expect(matchConnection(all, { ...at, project: 'verity/none' })).to.deep.equal({
      error:
        'no connection configured for gitlab https://gitlab.example.com/ for project verity/none (INGEST_TOKENS_FILE "connections")',
    });
    expect(matchConnection([connection({ apiToken: null })], at)).to.deep.equal({
      error: 'connection "c" has no api_token: the log cannot be read',
    });
  });
});
