import { expect } from 'chai';
import { readdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import type { WebhookEventMap } from '@octokit/webhooks-types';
import type { WebhookDefinition } from '@octokit/webhooks-examples';
import observePipelineSchema from '../../../../schemas/ci.intake.v1/ObservePipeline.v1.json' with { type: 'json' };
import type { IntakeEvent } from '../../../lib/core/events/generated.js';
import { observedId, type Observation } from '../../../lib/core/observed/ids.js';
import { createAjv, toFieldErrors } from '../../../lib/platform/schemas/ajv.js';
import { recordErrors } from '../record-check.js';
import type { AdapterResult, DeliveryContext } from './adapter.js';
import { clip } from '../../../lib/core/observed/fields.js';
import { mapGithubHook, repositoryMatches } from './github-mapping.js';

type Obj = Record<string, unknown>;
const INSTANCE = 'https://github.com';
const ctx = (externalProject = '*'): DeliveryContext => ({
  instance: INSTANCE,
  externalProject,
  receivedAt: '2030-01-01T00:00:00.000Z',
});

// Every example payload of @octokit/webhooks-examples: github.com's and those of each GitHub Enterprise Server.
const EXAMPLES_DIR = dirname(createRequire(import.meta.url).resolve('@octokit/webhooks-examples/package.json'));
const flavours = readdirSync(EXAMPLES_DIR, { withFileTypes: true }).filter((d) => d.isDirectory());
const definitions = flavours.map((d) => ({
  flavour: d.name,
  defs: JSON.parse(readFileSync(join(EXAMPLES_DIR, d.name, 'index.json'), 'utf8')) as WebhookDefinition[],
}));
const examplesOf = <E extends 'workflow_run' | 'workflow_job' | 'ping'>(event: E) =>
  definitions.flatMap(({ flavour, defs }) =>
    (defs.find((d) => d.name === event)?.examples ?? []).map((body, i) => ({
      label: `${flavour} ${event} #${i} (${(body as { action?: string }).action ?? '-'})`,
      body: body as WebhookEventMap[E],
    })),
  );

// The record as ingest would write it: the observation and a dummy envelope.
const ajv = createAjv();
const validateRecord = ajv.compile(observePipelineSchema);
const ENVELOPE = {
  report_id: '0b6c2a54-3c1f-4f5e-9d2a-6a1e8c7b9d01',
  type: 'ObservePipeline',
  project_id: 'p',
  occurred_at: '2030-01-01T00:00:00.000Z',
  received_at: '2030-01-01T00:00:00.000Z',
  idempotency_key: null,
  producer: 'x',
  correlation_id: '6d8e4f2a-1b3c-4d5e-8f90-a1b2c3d4e5f6',
} as const;
function expectValid(o: Observation, label = '') {
  const record = { ...ENVELOPE, ...o };
  expect(validateRecord(record) ? [] : toFieldErrors(validateRecord.errors), `${label} schema`).to.deep.equal([]);
  expect(recordErrors(record as unknown as IntakeEvent), `${label} ingest's record check`).to.deep.equal([]);
}

function observations(r: AdapterResult): Observation[] {
  if (r.kind !== 'observations') expect.fail(`expected observations, got ${JSON.stringify(r)}`);
  expect(r.observations).to.have.length(1);
  for (const o of r.observations) expectValid(o);
  return r.observations;
}
const one = (r: AdapterResult) => observations(r)[0]!;
const oneJob = (r: AdapterResult) => one(r).jobs[0]!;

// Base payloads: a failed job (12 steps) and a completed run, both real examples; patched per test.
const JOB_BASE = examplesOf('workflow_job').find((e) => e.body.workflow_job.conclusion === 'failure')!.body;
const RUN_BASE = examplesOf('workflow_run').find((e) => e.body.workflow_run.conclusion === 'success')!.body;
function patched(base: object, key: string, patch: Obj, top: Obj = {}): Obj {
  const body = structuredClone(base) as Obj;
  const inner = body[key] as Obj;
  for (const [k, v] of Object.entries(patch))
    if (v === undefined) delete inner[k];
    else inner[k] = v;
  for (const [k, v] of Object.entries(top))
    if (v === undefined) delete body[k];
    else body[k] = v;
  return body;
}
const job = (patch: Obj = {}, top: Obj = {}) =>
  mapGithubHook('workflow_job', patched(JOB_BASE, 'workflow_job', patch, top), ctx());
const run = (patch: Obj = {}, top: Obj = {}) =>
  mapGithubHook('workflow_run', patched(RUN_BASE, 'workflow_run', patch, top), ctx());

describe('GitHub webhooks: every example payload of @octokit/webhooks-examples', () => {
  const all = [...examplesOf('workflow_run'), ...examplesOf('workflow_job')];
  it('has examples of both events', () => {
    expect(examplesOf('workflow_run').length).to.be.at.least(5);
    expect(examplesOf('workflow_job').length).to.be.at.least(8);
  });
  for (const { label, body } of all)
    it(`${label} → an ObservePipeline that validates`, () => {
      const event = 'workflow_run' in body ? 'workflow_run' : 'workflow_job';
      const o = one(mapGithubHook(event, body, ctx()));
      const runId = 'workflow_run' in body ? body.workflow_run.id : body.workflow_job.run_id;
      expect(o.pipeline_id).to.equal(observedId(INSTANCE, 'pipeline', runId));
      expect(o.external).to.include({ system: 'github', instance: INSTANCE, id: String(runId) });
      expect(o.jobs).to.have.length(event === 'workflow_job' ? 1 : 0);
    });
  for (const { label, body } of examplesOf('ping'))
    it(`${label} → ignored`, () => expect(mapGithubHook('ping', body, ctx()).kind).to.equal('ignored'));
});

describe('GitHub workflow_job → one job', () => {
  it('maps a failed job field by field', () => {
    const o = one(job());
    expect(o.pipeline_id).to.equal(observedId(INSTANCE, 'pipeline', 2202229078));
    expect(o.system).to.equal('github');
    expect(o.external).to.deep.equal({
      system: 'github',
      instance: INSTANCE,
      id: '2202229078',
      url: 'https://github.com/Codertocat/Hello-World/actions/runs/2202229078',
    });
    expect(o.pipeline).to.deep.equal({
      ref: 'main',
      sha: '3484a3fb816e0859fd6e1cea078d76385ff50625',
      source: null,
      status: null,
      stages: null,
      name: 'CodeQL',
      user: 'Codertocat',
      created_at: null,
      finished_at: null,
      attempt: 1,
      observed_at: '2021-08-05T10:38:16.000Z',
    });
    const { steps, ...j } = o.jobs[0]!;
    expect(j).to.deep.equal({
      job_id: observedId(INSTANCE, 'job', 289782451),
      external_id: '289782451',
      url: 'https://github.com/octo-org/octo-repo/runs/1291536064',
      name: 'linters',
      stage: 'CodeQL',
      status: 'failed',
      failure_reason: 'script_failure',
      allow_failure: false,
      attempt: 1,
      runner: 'GitHub Actions 5',
      user: 'Codertocat',
      queued_at: '2021-08-05T10:33:58.000Z',
      started_at: '2021-08-05T10:34:58.000Z',
      finished_at: '2021-08-05T10:38:16.000Z',
      duration_ms: 198_000,
      queued_duration_ms: 60_000,
      exit_code: null,
      observed_at: '2021-08-05T10:38:16.000Z',
    });
    expect(steps).to.have.length(12);
    const raw = JOB_BASE.workflow_job.steps;
    expect(steps!.map((s) => [s.number, s.name, s.status, s.conclusion])).to.deep.equal(
      raw.map((s) => [s.number, s.name, s.status, s.conclusion]),
    );
    expect(steps![0]).to.have.keys('number', 'name', 'status', 'conclusion', 'started_at', 'completed_at');
  });

  // The table itself is status-mapping.test.ts'; here, that the adapter applies it: a status of each kind, the
  // failure reason it passes on (GitHub's own word when GitLab has none), and what it ignores.
  const statuses: [status: string, conclusion: string | null, expected: string][] = [
    ['queued', null, 'pending'],
    ['waiting', null, 'manual'],
    ['in_progress', null, 'running'],
    ['completed', 'success', 'success'],
    ['completed', 'timed_out', 'failed job_execution_timeout'],
    ['completed', 'startup_failure', 'failed startup_failure'],
    ['completed', null, 'ignored'],
    ['completed', 'exploded', 'ignored'],
    ['paused', null, 'ignored'],
  ];
  for (const [status, conclusion, expected] of statuses)
    it(`status ${status}${conclusion ? `/${conclusion}` : ''} → ${expected}`, () => {
      const r = job({ status, conclusion, completed_at: status === 'completed' ? '2021-08-05T10:38:16Z' : null });
      if (expected === 'ignored') {
        expect(r.kind).to.equal('ignored');
        expect((r as { reason: string }).reason).to.contain(JSON.stringify(status));
        return;
      }
      const j = oneJob(r);
      expect(`${j.status}${j.failure_reason ? ` ${j.failure_reason}` : ''}`).to.equal(expected);
    });

  it('a job not yet started has no started_at (GitHub repeats created_at there) and no queue time', () => {
    for (const status of ['queued', 'waiting']) {
      const j = oneJob(job({ status, conclusion: null, completed_at: null }));
      expect(j).to.include({ queued_at: '2021-08-05T10:33:58.000Z', started_at: null, finished_at: null });
      expect(j).to.include({ duration_ms: null, queued_duration_ms: null });
    }
    const running = oneJob(job({ status: 'in_progress', conclusion: null, completed_at: null }));
    expect(running).to.include({
      started_at: '2021-08-05T10:34:58.000Z',
      duration_ms: null,
      queued_duration_ms: 60_000,
    });
    expect(running.observed_at).to.equal('2021-08-05T10:34:58.000Z');
  });

  it('run_attempt is the job attempt: a re-run is the same pipeline with new job ids', () => {
    const first = one(job());
    const rerun = one(job({ id: 289799999, run_attempt: 2 }));
    expect(rerun.pipeline_id).to.equal(first.pipeline_id);
    expect(rerun.jobs[0]!.job_id).not.to.equal(first.jobs[0]!.job_id);
    expect(rerun.jobs[0]!.attempt).to.equal(2);
    expect(rerun.pipeline!.attempt).to.equal(2);
    const unknown = one(job({ run_attempt: undefined }));
    expect(unknown.jobs[0]!.attempt).to.equal(1);
    expect(unknown.pipeline!.attempt).to.equal(null);
  });

  it('keeps steps as reported, at most 500', () => {
    const many = Array.from({ length: 600 }, (_, i) => ({
      name: `step ${i + 1}`,
      status: 'completed',
      conclusion: i % 2 ? 'success' : 'skipped',
      number: i + 1,
      started_at: '2021-08-05T10:35:00Z',
      completed_at: '2021-08-05T10:35:01.5Z',
    }));
    const steps = oneJob(job({ steps: many })).steps!;
    expect(steps).to.have.length(500);
    expect(steps[499]).to.deep.equal({
      number: 500,
      name: 'step 500',
      status: 'completed',
      conclusion: 'success',
      started_at: '2021-08-05T10:35:00.000Z',
      completed_at: '2021-08-05T10:35:01.500Z',
    });
    expect(oneJob(job({ steps: null })).steps).to.deep.equal([]);
  });

  it('without a workflow name the stage is "jobs"; without a runner, none', () => {
    const j = oneJob(job({ workflow_name: undefined, runner_name: null }));
    expect(j).to.include({ stage: 'jobs', runner: null });
  });

  it('with no timestamp at all, observed_at is ingest clock', () => {
    const o = one(
      job({ created_at: undefined, started_at: null, completed_at: null, status: 'queued', conclusion: null }),
    );
    expect(o.jobs[0]!.observed_at).to.equal('2030-01-01T00:00:00.000Z');
    expect(o.pipeline!.observed_at).to.equal('2030-01-01T00:00:00.000Z');
  });

  it('durations: none when the clocks disagree or past int32', () => {
    expect(oneJob(job({ completed_at: '2021-08-05T10:00:00Z' })).duration_ms).to.equal(null);
    expect(oneJob(job({ completed_at: '2021-10-05T10:00:00Z' })).duration_ms).to.equal(null);
  });

  it('cuts long strings to the schema, never inside a surrogate pair; drops an over-long URL', () => {
    const j = oneJob(job({ name: 'x'.repeat(254) + '😀' + 'y', runner_name: 'r'.repeat(300) }, {}));
    expect(j.name).to.equal('x'.repeat(254));
    expect(j.runner).to.have.length(255);
    expect(oneJob(job({ html_url: `https://github.com/${'a'.repeat(2100)}` })).url).to.equal(null);
    expect(clip('ab😀', 3)).to.equal('ab');
    expect(clip('ab😀', 4)).to.equal('ab😀');
    expect(clip('', 4)).to.equal(null);
  });
});

describe('GitHub workflow_run → the pipeline', () => {
  it('maps a completed run field by field (no jobs)', () => {
    const o = one(run());
    expect(o.pipeline_id).to.equal(observedId(INSTANCE, 'pipeline', 289782451));
    expect(o.external).to.deep.equal({
      system: 'github',
      instance: INSTANCE,
      id: '289782451',
      url: 'https://github.com/octo-org/octo-repo/actions/runs/289782451',
    });
    expect(o.pipeline).to.deep.equal({
      ref: 'master',
      sha: '3484a3fb816e0859fd6e1cea078d76385ff50625',
      source: 'repository_dispatch',
      status: 'success',
      stages: null,
      name: null,
      user: 'Codertocat',
      created_at: '2020-10-05T16:33:49.000Z',
      finished_at: '2020-10-05T16:33:49.000Z',
      attempt: 1,
      observed_at: '2020-10-05T16:33:49.000Z',
    });
    expect(o.jobs).to.deep.equal([]);
  });

  const statuses: [status: string, conclusion: string | null, expected: string | null][] = [
    ['requested', null, 'pending'],
    ['queued', null, 'pending'],
    ['waiting', null, 'pending'],
    ['pending', null, 'pending'],
    ['in_progress', null, 'running'],
    ['completed', 'success', 'success'],
    ['completed', 'neutral', 'success'],
    ['completed', 'failure', 'failed'],
    ['completed', 'cancelled', 'canceled'],
    ['completed', 'skipped', 'skipped'],
    ['completed', 'stale', 'canceled'],
    ['completed', 'timed_out', 'failed'],
    ['completed', 'action_required', 'manual'],
    ['completed', 'startup_failure', 'failed'],
    ['completed', null, null],
    ['paused', null, null],
  ];
  for (const [status, conclusion, expected] of statuses)
    it(`status ${status}${conclusion ? `/${conclusion}` : ''} → ${expected ?? 'ignored'}`, () => {
      const r = run({ status, conclusion, name: 'CI' });
      if (expected === null) return expect(r.kind).to.equal('ignored');
      const p = one(r).pipeline!;
      expect(p.status).to.equal(expected);
      expect(p.finished_at).to.equal(status === 'completed' ? '2020-10-05T16:33:49.000Z' : null);
      expect(p.name).to.equal('CI');
    });

  it('run_attempt is the attempt; the user is the actor, else the triggering actor', () => {
    const p = one(run({ run_attempt: 3, actor: null, triggering_actor: { login: 'bot' } })).pipeline!;
    expect(p).to.include({ attempt: 3, user: 'bot' });
    expect(one(run({ actor: undefined, triggering_actor: undefined })).pipeline!.user).to.equal(null);
  });

  it('created_at is run_started_at (this attempt), else created_at', () => {
    expect(one(run({ run_started_at: undefined })).pipeline!.created_at).to.equal('2020-10-05T16:33:24.000Z');
  });
});

describe('GitHub webhooks: other events, other repositories, malformed payloads', () => {
  it('ping is ignored, naming the hook', () => {
    expect(mapGithubHook('ping', { zen: 'Keep it logically awesome.', hook_id: 42 }, ctx())).to.deep.equal({
      kind: 'ignored',
      reason: 'ping: hook 42 is set up',
    });
  });
  for (const event of ['push', 'pull_request', 'check_run', 'check_suite', 'workflow_dispatch', '__proto__', ''])
    it(`${JSON.stringify(event)} is ignored, naming it`, () => {
      const r = mapGithubHook(event, JOB_BASE, ctx());
      expect(r.kind).to.equal('ignored');
      expect((r as { reason: string }).reason).to.contain(JSON.stringify(event));
    });

  const projects: [pattern: string, matches: boolean][] = [
    ['*', true],
    ['Codertocat/Hello-World', true],
    ['codertocat/hello-world', true],
    ['Codertocat/*', true],
    ['Codertocat/Other', false],
    ['Octocat/*', false],
    ['Codertoca/*', false],
    ['Codertocat', false],
  ];
  for (const [pattern, matches] of projects)
    it(`repository Codertocat/Hello-World ${matches ? 'is' : 'is not'} ${pattern}`, () => {
      expect(repositoryMatches('Codertocat/Hello-World', pattern)).to.equal(matches);
      const r = mapGithubHook('workflow_job', JOB_BASE, ctx(pattern));
      if (matches) expect(r.kind).to.equal('observations');
      else expect(r).to.include({ kind: 'invalid', pointer: '/repository/full_name' });
    });
  it('owner/* is one level: not a repository of another owner with the same prefix', () => {
    expect(repositoryMatches('Codertocat2/x', 'Codertocat/*')).to.equal(false);
    expect(repositoryMatches('Codertocat/', 'Codertocat/*')).to.equal(false);
  });

  const malformed: [what: string, body: () => Obj, pointer: string][] = [
    ['missing workflow_job.id', () => patched(JOB_BASE, 'workflow_job', { id: undefined }), '/workflow_job/id'],
    ['a string job id', () => patched(JOB_BASE, 'workflow_job', { id: '1' }), '/workflow_job/id'],
    ['missing run_id', () => patched(JOB_BASE, 'workflow_job', { run_id: undefined }), '/workflow_job/run_id'],
    ['an empty job name', () => patched(JOB_BASE, 'workflow_job', { name: '' }), '/workflow_job/name'],
    ['U+0000 in a name', () => patched(JOB_BASE, 'workflow_job', { name: 'a\u0000b' }), '/workflow_job/name'],
    ['a bad sha', () => patched(JOB_BASE, 'workflow_job', { head_sha: 'XYZ' }), '/workflow_job/head_sha'],
    ['a bad instant', () => patched(JOB_BASE, 'workflow_job', { started_at: 'yesterday' }), '/workflow_job/started_at'],
    ['run_attempt 0', () => patched(JOB_BASE, 'workflow_job', { run_attempt: 0 }), '/workflow_job/run_attempt'],
    [
      'a bad step',
      () => patched(JOB_BASE, 'workflow_job', { steps: [{ number: -1, name: 's', status: 'queued' }] }),
      '/workflow_job/steps/0/number',
    ],
    ['no repository', () => patched(JOB_BASE, 'workflow_job', {}, { repository: undefined }), '/repository'],
    ['no workflow_job', () => patched(JOB_BASE, 'workflow_job', {}, { workflow_job: undefined }), '/workflow_job'],
  ];
  for (const [what, body, pointer] of malformed)
    it(`${what} → invalid at ${pointer}`, () => {
      expect(mapGithubHook('workflow_job', body(), ctx())).to.include({ kind: 'invalid', pointer });
    });
  it('a run without id → invalid at /workflow_run/id', () => {
    expect(run({ id: undefined })).to.include({ kind: 'invalid', pointer: '/workflow_run/id' });
  });

  it('never throws, whatever the body', () => {
    const bodies: unknown[] = [null, undefined, 42, 'x', [], {}, { workflow_job: null }, { workflow_run: [] }];
    bodies.push({
      repository: { full_name: 'a/b' },
      workflow_job: { id: 1, run_id: 1, name: 'n', status: 's', steps: 'x' },
    });
    for (const event of ['workflow_run', 'workflow_job', 'ping'])
      for (const body of bodies) {
        const r = mapGithubHook(event, body, ctx());
        expect(r.kind, `${event} ${JSON.stringify(body)}`).to.be.oneOf(['invalid', 'ignored']);
      }
  });
});
