// Observed pipelines through the whole of Verity (`bin/verity up` under its own prefix and database): real
// GitLab, GitHub and CDEvents payloads posted to ingest's webhook routes as their CIs send them, recorded by
// the decider, projected, and read back from the query API. Nothing is written to Kafka by the test.
import { expect } from 'chai';
import { createHmac, randomUUID } from 'node:crypto';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { observedId } from '../../services/lib/core/observed/ids.js';
import { REPO_ROOT } from '../../services/lib/platform/schemas/catalog.js';
import { ReplayServer } from '../support/replay-server.js';
import { api, TOKENS } from '../support/services.js';
import { startSystem, type RunningSystem } from '../support/system.js';
import { until } from '../support/wait.js';

const PROJECT = 'test/alpha';
const LINT_LOG = [
  '$ npm run lint',
  '> widgets@1.0.0 lint',
  '> eslint src',
  '/builds/acme/widgets/src/cart.ts',
  "  12:7  error  'total' is assigned a value but never used  @typescript-eslint/no-unused-vars",
  '✖ 1 problem (1 error, 0 warnings)',
  'ERROR: Job failed: exit code 1',
].join('\n');
const GITLAB = 'https://gitlab.example.com';
const SECRETS = {
  gitlab: 'gitlab-hook-secret-0123',
  github: 'github-hook-secret-4567',
  cdevents: 'cdevents-secret-89abcdef',
};
const fixture = (path: string) =>
  JSON.parse(readFileSync(join(REPO_ROOT, 'test/fixtures/hooks', path), 'utf8')) as Record<string, unknown>;
const octokit = (event: string, action: string) => {
  const dir = dirname(createRequire(import.meta.url).resolve('@octokit/webhooks-examples/package.json'));
  const defs = JSON.parse(readFileSync(join(dir, 'api.github.com/index.json'), 'utf8')) as {
    name: string;
    examples: Record<string, unknown>[];
  }[];
  return defs.find((d) => d.name === event)!.examples.find((e) => e.action === action)!;
};

interface Job {
  job_id: string;
  name: string;
  status: string;
  attempt: number;
  external: { id: string; url: string | null } | null;
  failure_reason: string | null;
  steps: unknown[] | null;
}
interface Pipeline {
  pipeline_id: string;
  status: string;
  mode: string;
  system: string;
  source: string;
  external: { instance: string; id: string; url: string | null } | null;
  jobs: Job[];
}

describe('observed pipelines end to end: GitLab, GitHub and CDEvents report into Verity unchanged', function () {
  this.timeout(300_000);
  let system: RunningSystem;
  let ingest: string;
  let query: string;
  let gitlabApi: ReplayServer;

  before(async function () {
    this.timeout(180_000);
    // GitLab's API for the failed jobs' logs: build 30118 (lint) answers a log after a 429; 30544 is gone.
    const trace = (job: number) => `GET /api/v4/projects/acme%2Fwidgets/jobs/${job}/trace`;
    gitlabApi = await ReplayServer.start({
      [trace(30118)]: [
        { status: 429, headers: { 'Retry-After': '1' } },
        { status: 200, headers: { 'content-type': 'text/plain' }, body: LINT_LOG },
      ],
      [trace(30544)]: [{ status: 404, body: { message: '404 Not found' } }],
    });
    const file = join(mkdtempSync(join(tmpdir(), 'verity-observed-')), 'tokens.json');
    const connection = (system: keyof typeof SECRETS, instance: string, external_project: string) => ({
      name: `${system}-${external_project}`,
      system,
      instance,
      external_project,
      project: PROJECT,
      secret: SECRETS[system],
    });
    writeFileSync(
      file,
      JSON.stringify({
        producers: [{ name: 'alpha', token: TOKENS.alpha, projects: [PROJECT] }],
        connections: [
          {
            ...connection('gitlab', GITLAB, 'acme/widgets'),
            api_token: 'glpat-0123456789abcdef',
            api_url: `${gitlabApi.url}/api/v4`,
          },
          connection('github', 'https://github.com', '*'),
          connection('cdevents', 'https://tekton.example.com', '/event/source/123'),
        ],
      }),
    );
    system = await startSystem('observed', { INGEST_TOKENS_FILE: file });
    ingest = `http://127.0.0.1:${await system.port('ingest')}`;
    query = `http://127.0.0.1:${await system.port('query')}`;
  });
  after(async function () {
    this.timeout(120_000);
    await system?.stop();
    await gitlabApi?.close();
  });

  const post = (path: string, body: unknown, headers: Record<string, string>) =>
    fetch(`${ingest}${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...headers },
      body: typeof body === 'string' ? body : JSON.stringify(body),
    }).then(async (r) => ({ status: r.status, body: (await r.json()) as Record<string, unknown> }));
  const gitlab = (event: string, body: unknown, headers: Record<string, string> = {}) =>
    post('/v1/hooks/gitlab', body, {
      'X-Gitlab-Event': event,
      'X-Gitlab-Token': SECRETS.gitlab,
      'X-Gitlab-Event-UUID': randomUUID(),
      ...headers,
    });
  const github = (event: string, body: unknown, secret = SECRETS.github) => {
    const raw = JSON.stringify(body);
    const signature = `sha256=${createHmac('sha256', secret).update(raw).digest('hex')}`;
    return post('/v1/hooks/github', raw, {
      'X-GitHub-Event': event,
      'X-GitHub-Delivery': randomUUID(),
      'X-Hub-Signature-256': signature,
    });
  };
  const pipeline = async (id: string, ready: (p: Pipeline) => boolean = () => true) =>
    until(
      `pipeline ${id} in the query API`,
      async () => {
        const r = await api(query, 'GET', `/v1/pipelines/${id}`, undefined, { token: TOKENS.alpha });
        return r.status === 200 && ready(r.body as Pipeline) ? (r.body as Pipeline) : undefined;
      },
      60_000,
      200,
    );
  const listed = async () => {
    const r = await api(query, 'GET', `/v1/pipelines?project=${encodeURIComponent(PROJECT)}&limit=100`, undefined, {
      token: TOKENS.alpha,
    });
    return (r.body.items as Pipeline[]).map((p) => p.pipeline_id);
  };

  it('a GitLab Pipeline Hook shows up as an observed pipeline with every build, as GitLab said', async () => {
    const hook = fixture('gitlab/pipeline-hook.json');
    const r = await gitlab('Pipeline Hook', hook);
    expect(r.status, JSON.stringify(r.body)).to.equal(202);
    const id = observedId(GITLAB, 'pipeline', 4821);
    expect(r.body.pipeline_ids).to.deep.equal([id]);
    const p = await pipeline(id, (p) => p.jobs.length === 5);
    const source = (hook.object_attributes as { source: string }).source;
    expect(p).to.deep.include({ mode: 'observed', system: 'gitlab', source });
    expect(p.external).to.deep.include({ instance: GITLAB, id: '4821' });
    const builds = (hook.builds as { id: number; name: string; status: string }[]).map((b) => [
      b.name,
      b.status,
      String(b.id),
    ]);
    expect(p.jobs.map((j) => [j.name, j.status, j.external?.id])).to.have.deep.members(builds);
    expect(p.jobs.find((j) => j.name === 'lint')).to.deep.include({ failure_reason: 'script_failure' });
  });

  it("a failed observed job's log is fetched from GitLab's API (after a 429), remediated, scored by its retry; a missing one is shown", async () => {
    const id = observedId(GITLAB, 'pipeline', 4821);
    const lint = (await pipeline(id, (p) => p.jobs.length === 5)).jobs.find((j) => j.name === 'lint')!;
    const job = await until(
      'the lint log fetched',
      async () => {
        const r = await api(query, 'GET', `/v1/jobs/${lint.job_id}`, undefined, { token: TOKENS.alpha });
        return r.status === 200 && r.body.log_ref ? r.body : undefined;
      },
      60_000,
      250,
    );
    expect(job.log_excerpt).to.include("'total' is assigned a value but never used");
    expect(job.log_fetch_error).to.equal(null);
    expect(gitlabApi.requests.filter((r) => r.path.endsWith('/30118/trace'))).to.have.length(2);
    expect(gitlabApi.requests[0]!.headers['private-token']).to.equal('glpat-0123456789abcdef');
    const proposals = await until(
      'a remediation proposal for the lint job',
      async () => {
        const r = await api(query, 'GET', `/v1/remediations?job_id=${lint.job_id}`, undefined, { token: TOKENS.alpha });
        return (r.body.items as unknown[]).length > 0 ? (r.body.items as Record<string, unknown>[]) : undefined;
      },
      60_000,
      250,
    );
    expect(proposals[0]).to.include({ job_id: lint.job_id });

    // GitLab retries lint (a new build, retries_count 1) and it passes: the scorer grades the proposal by it.
    const retry = {
      ...fixture('gitlab/job-hook.json'),
      pipeline_id: 4821,
      build_id: 30121,
      build_name: 'lint',
      build_stage: 'test',
      build_status: 'success',
      build_failure_reason: null,
      build_started_at: '2026-12-01 10:00:00 UTC',
      build_finished_at: '2026-12-01 10:01:00 UTC',
      retries_count: 1,
    };
    expect((await gitlab('Job Hook', retry)).status).to.equal(202);
    const scored = await until(
      'the proposal scored against the retry',
      async () => {
        const r = await api(query, 'GET', `/v1/remediations?job_id=${lint.job_id}`, undefined, { token: TOKENS.alpha });
        const item = (r.body.items as { score: { label: string; outcome: string } | null }[])[0];
        return item?.score ? item.score : undefined;
      },
      60_000,
      250,
    );
    expect(scored.outcome, JSON.stringify(scored)).to.match(/retry|pass/);

    expect((await gitlab('Job Hook', fixture('gitlab/job-hook-failed.json'))).status).to.equal(202);
    const gone = await until(
      'the missing log shown on the job',
      async () => {
        const p = await api(query, 'GET', `/v1/pipelines/${observedId(GITLAB, 'pipeline', 4833)}`, undefined, {
          token: TOKENS.alpha,
        });
        const j = p.status === 200 ? (p.body as Pipeline).jobs.find((j) => j.external?.id === '30544') : undefined;
        if (!j) return undefined;
        const r = await api(query, 'GET', `/v1/jobs/${j.job_id}`, undefined, { token: TOKENS.alpha });
        return r.body.log_fetch_error ? r.body : undefined;
      },
      60_000,
      250,
    );
    expect(gone.log_fetch_error).to.match(/404/);
  });

  it('a redelivery (same X-Gitlab-Event-UUID) gets the first answer and writes nothing more', async () => {
    const hook = fixture('gitlab/job-hook.json');
    const uuid = randomUUID();
    const first = await gitlab('Job Hook', hook, { 'X-Gitlab-Event-UUID': uuid });
    const again = await gitlab('Job Hook', hook, { 'X-Gitlab-Event-UUID': uuid });
    expect(first.status).to.equal(202);
    expect(again).to.deep.equal(first);
  });

  it('bad deliveries: 401 before parsing, 403 another project, 400 naming the field, 202 ignored — nothing written', async () => {
    // Everything posted before this test is visible first (the Job Hook of the redelivery test).
    await pipeline(observedId(GITLAB, 'pipeline', fixture('gitlab/job-hook.json').pipeline_id as number));
    const before = await listed();
    const hook = fixture('gitlab/pipeline-hook.json');
    const elsewhere = { ...hook, object_attributes: { ...(hook.object_attributes as object), id: 999_001 } };
    expect((await gitlab('Pipeline Hook', elsewhere, { 'X-Gitlab-Token': 'not-the-secret-at-all' })).status).to.equal(
      401,
    );
    expect(
      (await gitlab('Pipeline Hook', '{"not json', { 'X-Gitlab-Token': 'wrong' })).status,
      'a wrong token is refused before the body is read',
    ).to.equal(401);
    const other = await gitlab('Pipeline Hook', {
      ...elsewhere,
      project: { ...(hook.project as object), path_with_namespace: 'evil/other' },
    });
    expect(other.status).to.equal(403);
    const broken = await gitlab('Pipeline Hook', {
      ...elsewhere,
      object_attributes: { ...(elsewhere.object_attributes as object), id: 'x' },
    });
    expect(broken.status).to.equal(400);
    expect(JSON.stringify(broken.body)).to.include('/object_attributes/id');
    expect((await gitlab('Pipeline Hook', '{"not json')).status).to.equal(400);
    const deployment = await gitlab('Deployment Hook', fixture('gitlab/deployment-hook.json'));
    expect(deployment).to.deep.include({ status: 202 });
    expect(deployment.body).to.include({ ignored: true });
    expect(
      (await github('workflow_job', octokit('workflow_job', 'completed'), 'a-wrong-github-secret')).status,
    ).to.equal(401);
    // A good delivery after them: once it shows, none of the bad ones can still be on its way.
    const good = { ...hook, object_attributes: { ...(hook.object_attributes as object), id: 999_002 } };
    expect((await gitlab('Pipeline Hook', good)).status).to.equal(202);
    await pipeline(observedId(GITLAB, 'pipeline', 999_002));
    expect(await listed()).to.have.members([...before, observedId(GITLAB, 'pipeline', 999_002)]);
  });

  it('GitHub workflow_run and workflow_job (signed) show up as one observed pipeline with its steps', async () => {
    const run = octokit('workflow_run', 'completed');
    const runId = (run.workflow_run as { id: number }).id;
    const job = octokit('workflow_job', 'completed');
    const jobRun = { ...job, workflow_job: { ...(job.workflow_job as object), run_id: runId } };
    expect((await github('workflow_run', run)).status).to.equal(202);
    expect((await github('workflow_job', jobRun)).status).to.equal(202);
    const p = await pipeline(observedId('https://github.com', 'pipeline', runId), (p) => p.jobs.length === 1);
    expect(p).to.deep.include({ mode: 'observed', system: 'github' });
    expect(p.jobs[0]!.steps).to.be.an('array').with.length.above(0);
    const ping = await github('ping', { zen: 'Keep it logically awesome.', hook_id: 1, repository: run.repository });
    expect(ping.status).to.equal(202);
    expect(ping.body).to.include({ ignored: true });
  });

  it('CDEvents pipelineRun and taskRun, binary and structured, show up as an observed pipeline', async () => {
    const bearer = { Authorization: `Bearer ${SECRETS.cdevents}` };
    const queued = fixture('cdevents/pipelinerun_queued.json') as {
      context: { source: string; type: string; timestamp: string };
      subject: unknown;
    };
    const runId = `run-${randomUUID()}`;
    const subject = { ...(queued.subject as object), id: runId };
    const structured = await post(
      '/v1/events',
      JSON.stringify({
        specversion: '1.0',
        id: randomUUID(),
        source: queued.context.source,
        type: queued.context.type,
        time: queued.context.timestamp,
        datacontenttype: 'application/json',
        data: { ...queued, subject },
      }),
      { 'content-type': 'application/cloudevents+json', ...bearer },
    );
    expect(structured.status, JSON.stringify(structured.body)).to.equal(202);
    const finished = fixture('cdevents/taskrun_finished.json') as {
      context: { source: string; type: string; timestamp: string };
      subject: { content: object };
    };
    const task = {
      ...finished.subject,
      id: `task-${randomUUID()}`,
      content: { ...finished.subject.content, pipelineRun: { id: runId } },
    };
    const binary = await post(
      '/v1/events',
      { ...finished, subject: task },
      {
        'ce-specversion': '1.0',
        'ce-id': randomUUID(),
        'ce-source': finished.context.source,
        'ce-type': finished.context.type,
        'ce-time': finished.context.timestamp,
        ...bearer,
      },
    );
    expect(binary.status, JSON.stringify(binary.body)).to.equal(202);
    const p = await pipeline(observedId('https://tekton.example.com', 'pipeline', runId), (p) => p.jobs.length === 1);
    expect(p).to.deep.include({ system: 'cdevents', status: 'failed' });
    expect(p.jobs[0]).to.deep.include({ name: 'myTask', status: 'failed' });
    // The connection takes the CDEvents source /event/source/123 only: another source is refused.
    const otherSource = await post(
      '/v1/events',
      { ...finished, context: { ...finished.context, source: '/elsewhere' }, subject: task },
      {
        'ce-specversion': '1.0',
        'ce-id': randomUUID(),
        'ce-source': '/elsewhere',
        'ce-type': finished.context.type,
        ...bearer,
      },
    );
    expect(otherSource.status, JSON.stringify(otherSource.body)).to.equal(403);
    const unauthenticated = await post(
      '/v1/events',
      { ...finished, subject: task },
      { 'ce-specversion': '1.0', 'ce-id': 'x', 'ce-source': '/s', 'ce-type': finished.context.type },
    );
    expect(unauthenticated.status).to.equal(401);
  });

  it('a move GitLab forbids is recorded as reported and counted as a divergence', async () => {
    const hook = fixture('gitlab/job-hook.json');
    const buildId = 880_000 + Math.floor(Math.random() * 1000);
    const at = (s: number) => `2026-12-01 10:00:${String(s).padStart(2, '0')} UTC`;
    const build = { ...hook, build_id: buildId, build_started_at: at(1), build_failure_reason: null };
    expect((await gitlab('Job Hook', { ...build, build_status: 'success', build_finished_at: at(2) })).status).to.equal(
      202,
    );
    expect(
      (
        await gitlab('Job Hook', {
          ...build,
          build_status: 'failed',
          build_finished_at: at(9),
          build_failure_reason: 'script_failure',
        })
      ).status,
    ).to.equal(202);
    const p = await pipeline(observedId(GITLAB, 'pipeline', hook.pipeline_id as number), (p) =>
      p.jobs.some((j) => j.external?.id === String(buildId) && j.status === 'failed'),
    );
    expect(p.jobs.find((j) => j.external?.id === String(buildId))).to.deep.include({
      failure_reason: 'script_failure',
    });
    const decider = `http://127.0.0.1:${await system.port('decider')}`;
    const metrics = await (await fetch(`${decider}/metrics`)).text();
    expect(metrics).to.match(/verity_observed_divergences_total\{system="gitlab",from="success",to="failed"\} [1-9]/);
  });
});
