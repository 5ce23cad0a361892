// The one GitHub mapping of the webhook adapter and the import: what the callers say (the user, the fallback
// observed_at) and what only the import meets (a run whose status is unknown, an unchecked sha). The fields
// one by one are checked through the adapter (github-mapping.test.ts) and the import (importer.test.ts).
import { expect } from 'chai';
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
});
