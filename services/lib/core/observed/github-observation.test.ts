// The one GitHub mapping of the webhook adapter and the import: what the callers say (the user, the fallback
// observed_at) and what only the import meets (a run whose status is unknown, an unchecked sha). The fields
// one by one are checked through the adapter (github-mapping.test.ts) and the import (importer.test.ts).
import { expect } from 'chai';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import type { WebhookDefinition } from '@octokit/webhooks-examples';
import { githubJob, githubRunObservation, type GithubJobFields, type GithubRunFields } from './github-observation.js';
import { observedId } from './ids.js';

const INSTANCE = 'https://github.com';
const AT = '2030-01-01T00:00:00.000Z';
const JOB: GithubJobFields = {
  id: 7,
  run_id: 5,
  name: 'test',
  status: 'completed',
  conclusion: 'success',
  created_at: '2021-08-05T10:00:00Z',
  started_at: '2021-08-05T10:01:00Z',
  completed_at: '2021-08-05T10:03:00Z',
};
const RUN: GithubRunFields = { id: 5, status: 'in_progress', head_sha: 'a'.repeat(40), updated_at: AT };

describe('GitHub job and run → observation (shared by webhooks and import)', () => {
  it('a job: its id, its times, and the user the caller gives (clipped)', () => {
    const j = githubJob(INSTANCE, JOB, { user: 'u'.repeat(300), fallbackAt: AT })!;
    expect(j).to.include({ job_id: observedId(INSTANCE, 'job', 7), status: 'success', attempt: 1, stage: 'jobs' });
    expect(j).to.include({ duration_ms: 120_000, queued_duration_ms: 60_000, observed_at: '2021-08-05T10:03:00.000Z' });
    expect(j.user).to.have.length(255);
    expect(githubJob(INSTANCE, JOB, { user: null, fallbackAt: AT })!.user).to.equal(null);
  });

  it('a job without times is observed at the fallback; one with an unknown status is none', () => {
    const bare = { ...JOB, status: 'queued', conclusion: null, created_at: null, started_at: null, completed_at: null };
    expect(githubJob(INSTANCE, bare, { user: null, fallbackAt: AT })!.observed_at).to.equal(AT);
    expect(githubJob(INSTANCE, { ...JOB, status: 'paused' }, { user: null, fallbackAt: AT })).to.equal(null);
  });

  it('a run: its pipeline with the jobs and observed_at given; an unknown status or a bad sha is null', () => {
    const o = githubRunObservation(INSTANCE, RUN, AT, []);
    expect(o).to.deep.include({ pipeline_id: observedId(INSTANCE, 'pipeline', 5), jobs: [] });
    expect(o.pipeline).to.include({ status: 'running', sha: RUN.head_sha, observed_at: AT, finished_at: null });
    const odd = githubRunObservation(INSTANCE, { ...RUN, status: 'paused', head_sha: 'main' }, AT, []);
    expect(odd.pipeline).to.include({ status: null, sha: null });
  });

  // Real payloads (@octokit/webhooks-examples, github.com): a completed run and a failed job with 12 steps.
  const examples = JSON.parse(
    readFileSync(
      join(
        dirname(createRequire(import.meta.url).resolve('@octokit/webhooks-examples/package.json')),
        'api.github.com/index.json',
      ),
      'utf8',
    ),
  ) as WebhookDefinition[];
  const example = (event: string, pick: (o: Record<string, unknown>) => boolean) =>
    examples
      .find((d) => d.name === event)!
      .examples.map((e) => (e as unknown as Record<string, Record<string, unknown>>)[event]!)
      .find(pick)!;
  const RUN_DONE = example('workflow_run', (r) => r.conclusion === 'success') as unknown as GithubRunFields;
  const JOB_FAILED = example('workflow_job', (j) => j.conclusion === 'failure') as unknown as GithubJobFields;

  it('a completed run: its conclusion, its start (not its creation), its end and who ran it', () => {
    const o = githubRunObservation(INSTANCE, RUN_DONE, AT, []);
    expect(o.pipeline).to.include({
      status: 'success',
      created_at: '2020-10-05T16:33:49.000Z',
      finished_at: '2020-10-05T16:33:49.000Z',
      user: 'Codertocat',
      attempt: 1,
    });
    const failed = { ...RUN_DONE, conclusion: 'failure', updated_at: '2020-10-05T16:40:00Z' };
    expect(githubRunObservation(INSTANCE, failed, AT, []).pipeline).to.include({
      status: 'failed',
      finished_at: '2020-10-05T16:40:00.000Z',
    });
    const notStarted = { ...RUN_DONE, run_started_at: null };
    expect(githubRunObservation(INSTANCE, notStarted, AT, []).pipeline!.created_at).to.equal(
      '2020-10-05T16:33:24.000Z',
    );
  });

  it("a re-run: the run's actor, or who triggered it when the actor is not given", () => {
    const rerun = { ...RUN_DONE, triggering_actor: { login: 'octocat' } };
    expect(githubRunObservation(INSTANCE, rerun, AT, []).pipeline!.user).to.equal('Codertocat');
    const noActor = { ...rerun, actor: null };
    expect(githubRunObservation(INSTANCE, noActor, AT, []).pipeline!.user).to.equal('octocat');
  });

  it('a failed job: its GitLab reason (or the GitHub word where GitLab has none), never allowed to fail', () => {
    const j = githubJob(INSTANCE, JOB_FAILED, { user: null, fallbackAt: AT })!;
    expect(j).to.include({ status: 'failed', failure_reason: 'script_failure', allow_failure: false });
    expect(j.steps).to.have.length(12);
    const startup = githubJob(
      INSTANCE,
      { ...JOB_FAILED, conclusion: 'startup_failure' },
      { user: null, fallbackAt: AT },
    )!;
    expect(startup.failure_reason).to.equal('startup_failure');
    expect(githubJob(INSTANCE, JOB, { user: null, fallbackAt: AT })!.failure_reason).to.equal(null);
  });

  it('steps: the first 500 kept; a step without a name or status says its number and unknown', () => {
    const step = (number: number) => ({ number, name: `step ${number}`, status: 'completed', conclusion: 'success' });
    const many = Array.from({ length: 501 }, (_, i) => step(i + 1));
    const steps = githubJob(INSTANCE, { ...JOB, steps: many }, { user: null, fallbackAt: AT })!.steps!;
    expect([steps.length, steps[0]!.number, steps.at(-1)!.number]).to.deep.equal([500, 1, 500]);
    const bare = { number: 3, name: '', status: '', conclusion: null };
    expect(githubJob(INSTANCE, { ...JOB, steps: [bare] }, { user: null, fallbackAt: AT })!.steps).to.deep.equal([
      { number: 3, name: '3', status: 'unknown', conclusion: null, started_at: null, completed_at: null },
    ]);
  });
});
