import { expect } from 'chai';
import { JOB_STATUSES } from '../pipeline/status.js';
import {
  githubJobStarted,
  githubJobStatus,
  githubRunStatus,
  gitlabJobStatus,
  type ObservedStatus,
} from './status-mapping.js';

const show = (o: ObservedStatus | null) =>
  o === null
    ? 'ignored'
    : `${o.status}${o.failure ? ` ${o.failure.failure_reason}${o.failure.failure_reason_raw ? `(${o.failure.failure_reason_raw})` : ''}` : ''}`;

describe('observed job statuses: GitLab hooks', () => {
  it('takes each of the twelve statuses as it is', () => {
    for (const s of JOB_STATUSES) expect(gitlabJobStatus(s)?.status, s).to.equal(s);
  });
  const cases: [status: string, reason: string | null, expected: string][] = [
    ['failed', 'script_failure', 'failed script_failure'],
    ['failed', 'runner_system_failure', 'failed runner_system_failure'],
    ['failed', null, 'failed unknown_failure'],
    ['failed', 'some_future_reason', 'failed unknown_failure(some_future_reason)'],
    ['success', 'script_failure', 'success'],
    ['waiting_for_callback', null, 'pending'],
    ['running!', null, 'ignored'],
    ['', null, 'ignored'],
  ];
  for (const [status, reason, expected] of cases)
    it(`${JSON.stringify(status)} ${reason ?? ''} → ${expected}`, () =>
      expect(show(gitlabJobStatus(status, reason))).to.equal(expected));

  it('a failed job without a reason is unknown_failure with no raw reason', () => {
    expect(gitlabJobStatus('failed')).to.deep.equal({
      status: 'failed',
      failure: { failure_reason: 'unknown_failure', failure_reason_raw: null },
    });
  });
});

describe('observed job statuses: GitHub workflow_job', () => {
  const cases: [status: string, conclusion: string | null, expected: string][] = [
    ['queued', null, 'pending'],
    ['requested', null, 'pending'],
    ['pending', null, 'pending'],
    ['waiting', null, 'manual'],
    ['in_progress', null, 'running'],
    ['completed', 'success', 'success'],
    ['completed', 'neutral', 'success'],
    ['completed', 'skipped', 'skipped'],
    ['completed', 'cancelled', 'canceled'],
    ['completed', 'stale', 'canceled'],
    ['completed', 'action_required', 'manual'],
    ['completed', 'failure', 'failed script_failure'],
    ['completed', 'timed_out', 'failed job_execution_timeout'],
    ['completed', 'startup_failure', 'failed unknown_failure(startup_failure)'],
    ['completed', null, 'ignored'],
    ['completed', 'exploded', 'ignored'],
    ['completed', 'constructor', 'ignored'],
    ['archived', null, 'ignored'],
  ];
  for (const [status, conclusion, expected] of cases)
    it(`${status} ${conclusion ?? ''} → ${expected}`, () =>
      expect(show(githubJobStatus(status, conclusion))).to.equal(expected));
});

describe('observed run statuses: GitHub workflow_run', () => {
  const CONCLUSIONS = ['success', 'neutral', 'skipped', 'cancelled', 'stale', 'action_required', 'failure'];

  it('before it completes: pending (a waiting run too, where a waiting job is manual), then running', () => {
    const before = ['requested', 'queued', 'waiting', 'pending', 'in_progress'];
    expect(Object.fromEntries(before.map((s) => [s, githubRunStatus(s, 'failure')]))).to.deep.equal({
      requested: 'pending',
      queued: 'pending',
      waiting: 'pending',
      pending: 'pending',
      in_progress: 'running',
    });
  });

  it('completed: what a completed job with that conclusion is', () => {
    for (const c of [...CONCLUSIONS, 'timed_out', 'startup_failure'])
      expect(githubRunStatus('completed', c), c).to.equal(githubJobStatus('completed', c)!.status);
  });

  it('null for a status or conclusion Verity does not know, and for a completed run without conclusion', () => {
    const unknown: [string, string | null][] = [
      ['completed', null],
      ['completed', 'exploded'],
      ['completed', 'constructor'],
      ['constructor', null],
      ['archived', null],
      ['', null],
    ];
    for (const [status, conclusion] of unknown)
      expect(githubRunStatus(status, conclusion), `${status} ${conclusion}`).to.equal(null);
  });
});

describe('GitHub job started (its started_at is real)', () => {
  it('not while requested, queued, waiting or pending', () => {
    const statuses = ['requested', 'queued', 'waiting', 'pending', 'in_progress', 'completed'];
    expect(statuses.filter(githubJobStarted)).to.deep.equal(['in_progress', 'completed']);
  });
});
