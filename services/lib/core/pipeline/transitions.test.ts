// Every (job status × reported status) pair: the legal ones give their event, the others are rejected
// with illegal_transition naming the job, from and to.
import { expect } from 'chai';
import type { IntakeEvent, ReportJob } from '../events/generated.js';
import { definition, job, Reports } from './fixtures.js';
import { given, run } from './spec.js';
import type { JobStatus } from './status.js';

/**
 * Reports that leave job "target" in the given status while job "keeper" keeps the pipeline open; null for
 * waiting_for_resource and preparing, which a pipeline Verity owns does not reach yet (resource groups and
 * prerequisites are not modelled in the decider).
 */
function targetIn(status: JobStatus): { r: Reports; reports: IntakeEvent[] } | null {
  const r = new Reports();
  const same = (target = job('target', 'a')) => r.create(definition(['a'], [job('keeper', 'a'), target]));
  switch (status) {
    case 'created':
      return { r, reports: [r.create(definition(['a', 'b'], [job('keeper', 'a'), job('target', 'b')]))] };
    case 'pending':
      return { r, reports: [same()] };
    case 'running':
      return { r, reports: [same(), r.job('target', 'running')] };
    case 'success':
    case 'failed':
      return { r, reports: [same(), ...r.runs('target', status)] };
    case 'canceled':
      return { r, reports: [same(), r.job('target', 'canceled')] };
    case 'skipped':
      return {
        r,
        reports: [
          r.create(
            definition(
              ['a', 'b'],
              [job('dep', 'a'), job('keeper', 'a'), job('target', 'b', { needs: ['dep'], when: 'on_failure' })],
            ),
          ),
          ...r.runs('dep'),
        ],
      };
    case 'manual':
      return { r, reports: [same(job('target', 'a', { when: 'manual' }))] };
    case 'scheduled':
      return { r, reports: [same(job('target', 'a', { when: 'delayed', start_in_s: 3600 }))] };
    case 'canceling':
      return { r, reports: [same(), r.job('target', 'running'), r.job('target', 'canceling')] };
    case 'waiting_for_resource':
    case 'preparing':
      return null;
  }
}

/**
 * GitLab's CommitStatus events: success and drop accept created (a job finished without running), run does not;
 * drop accepts manual and scheduled; a canceling job ends canceled whatever its runner reports last.
 */
const LEGAL: Record<JobStatus, ReportJob['status'][]> = {
  created: ['success', 'failed', 'canceled'],
  waiting_for_resource: [],
  preparing: [],
  pending: ['running', 'success', 'failed', 'canceled'],
  running: ['success', 'failed', 'canceled', 'canceling'],
  canceling: ['success', 'failed', 'canceled'],
  success: [],
  failed: [],
  canceled: [],
  skipped: [],
  manual: ['failed', 'canceled'],
  scheduled: ['failed', 'canceled'],
};

const EVENT = {
  running: 'JobStarted',
  success: 'JobSucceeded',
  failed: 'JobFailed',
  canceled: 'JobCanceled',
  canceling: 'JobCanceling',
} as const;
const eventFor = (from: JobStatus, to: ReportJob['status']) => (from === 'canceling' ? 'JobCanceled' : EVENT[to]);

describe('reported job transitions (status × report)', () => {
  for (const [from, legal] of Object.entries(LEGAL) as [JobStatus, ReportJob['status'][]][]) {
    if (targetIn(from) === null) continue;
    for (const to of ['running', 'success', 'failed', 'canceled', 'canceling'] as const) {
      const ok = legal.includes(to);
      it(`${from} + ${to} → ${ok ? eventFor(from, to) : 'illegal_transition'}`, () => {
        const { r, reports } = targetIn(from)!;
        const { events, state, ctx } = run(reports);
        const target = state.jobs[state.latest.target!]!;
        expect(target.status).to.equal(from);
        const step = given(events, ctx).when(r.job('target', to));
        if (ok) {
          expect(step.decision.kind).to.equal('accepted');
          expect(step.decision.kind === 'accepted' && step.decision.events[0]).to.include({
            type: eventFor(from, to),
            job_id: target.job_id,
          });
        } else step.thenRejects('illegal_transition', { job: target.job_id, name: 'target', from, to });
      });
    }
  }

  it('given a job created behind its stage, when the API finishes it without running, then it stays finished', () => {
    // GitLab's drop and success events accept created: a job can fail before it ever ran
    // (missing_dependency_failure) or be marked done by the API; the stage order does not revive it.
    const r = new Reports();
    const def = definition(['a', 'b'], [job('keeper', 'a'), job('target', 'b'), job('after', 'b')]);
    const { events, ctx } = run([r.create(def)]);
    const failed = given(events, ctx)
      .when(r.job('target', 'failed', { failure_reason: 'missing_dependency_failure', exit_code: null }))
      .then([
        { type: 'JobFailed', name: 'target', failure_reason: 'missing_dependency_failure', duration_ms: 0 },
        // pending + failed: GitLab's composite says running (the pipeline is not finished while keeper is pending)
        { type: 'PipelineStatusChanged', from: 'pending', to: 'running' },
      ]);
    given([...events, ...failed], ctx)
      .when(r.job('keeper', 'running'))
      .then([{ type: 'JobStarted', name: 'keeper' }]);
    const { state } = run([r.create(def), r.job('target', 'failed'), ...r.runs('keeper'), ...r.runs('after')]);
    expect(state.jobs[state.latest.target!]!.status).to.equal('failed');
    expect(state).to.include({ status: 'failed', finished: true });
  });

  it('a job cannot start without a runner_id', () => {
    const { r, reports } = targetIn('pending')!;
    const { events, ctx } = run(reports);
    const rejected = given(events, ctx)
      .when(r.job('target', 'running', { runner_id: null }))
      .thenRejects('illegal_transition', { from: 'pending', to: 'running', missing: 'runner_id' });
    expect(rejected.message).to.match(/runner_id/);
  });

  it('a report for a retried attempt, by its id, is illegal (details.retried); by name it reaches the latest attempt', () => {
    const r = new Reports();
    const def = definition(
      ['a'],
      [job('keeper', 'a'), job('target', 'a', { retry: { max: 1, when: ['script_failure'] } })],
    );
    const { events, state, ctx } = run([r.create(def), ...r.runs('target', 'failed')]);
    const first = Object.values(state.jobs).find((j) => j.name === 'target' && j.attempt === 1)!;
    given(events, ctx)
      .when(r.job(first.job_id, 'running'))
      .thenRejects('illegal_transition', { job: first.job_id, retried: true, from: 'failed' });
    given(events, ctx)
      .when(r.job('target', 'running'))
      .then([
        { type: 'JobStarted', name: 'target', attempt: 2, job_id: state.latest.target! },
        { type: 'PipelineStatusChanged', from: 'pending', to: 'running' },
      ]);
  });

  it('queued_ms and durations come from the producer clock, never negative', () => {
    const { r, reports } = targetIn('pending')!;
    const { events, ctx } = run(reports);
    r.wait(-3600); // a producer whose clock is behind
    given(events, ctx)
      .when(r.job('target', 'running'))
      .then([
        { type: 'JobStarted', queued_ms: 0 },
        { type: 'PipelineStatusChanged', to: 'running' },
      ]);
  });
});
