// Properties of the composite status over arbitrary sets of jobs (fast-check), beside the enumeration of
// composite.test.ts (every multiset of up to four jobs): order never matters, a copy of a job changes
// nothing, and the monotonic rules hold for sets of any size.
import { expect } from 'chai';
import fc from 'fast-check';
import { compositeStatus, type CompositeInput } from './composite.js';
import { isActive, isCompleted, JOB_STATUSES, type JobStatus } from './status.js';

const jobArb = fc.record({ status: fc.constantFrom(...JOB_STATUSES), allow_failure: fc.boolean() });
const jobsArb = fc.array(jobArb, { maxLength: 12 });
const dagArb = fc.boolean();
const failed: CompositeInput = { status: 'failed', allow_failure: false };

/** `jobs` in the order given by `keys` (one sort key per job). */
function permuted<T>(jobs: readonly T[], keys: readonly number[]): T[] {
  return jobs
    .map((j, i) => ({ j, k: keys[i] ?? 0, i }))
    .sort((a, b) => a.k - b.k || a.i - b.i)
    .map(({ j }) => j);
}

describe('compositeStatus: properties over arbitrary job sets', () => {
  it('does not depend on the order of the jobs (with and without dag)', () => {
    fc.assert(
      fc.property(jobsArb, fc.array(fc.integer(), { maxLength: 12 }), dagArb, (jobs, keys, dag) => {
        expect(compositeStatus(permuted(jobs, keys), { dag })).to.deep.equal(compositeStatus(jobs, { dag }));
      }),
    );
  });

  it('does not change when a job already in the set is added again', () => {
    fc.assert(
      fc.property(
        jobsArb.filter((j) => j.length > 0),
        fc.nat(),
        dagArb,
        (jobs, k, dag) => {
          const again = [...jobs, jobs[k % jobs.length]!];
          expect(compositeStatus(again, { dag })).to.deep.equal(compositeStatus(jobs, { dag }));
        },
      ),
    );
  });

  it('adding a failed job that may not fail never makes the composite success or skipped', () => {
    fc.assert(
      fc.property(jobsArb, dagArb, (jobs, dag) => {
        const status = compositeStatus([...jobs, failed], { dag }).status;
        expect(status).to.not.equal('success');
        // With dag, a need that did not run (skipped, or an optional manual job) skips the job whatever the
        // other needs did: GitLab's first DAG rule. Only then may the composite be skipped.
        const didNotRun = jobs.some((j) => j.status === 'skipped' || (j.status === 'manual' && j.allow_failure));
        if (!(dag && didNotRun)) expect(status).to.not.equal('skipped');
      }),
    );
  });

  it('is failed when every job is complete and one failed that may not fail (no dag)', () => {
    const complete = fc.record({
      status: fc.constantFrom<JobStatus>(...JOB_STATUSES.filter(isCompleted)),
      allow_failure: fc.boolean(),
    });
    fc.assert(
      fc.property(fc.array(complete, { maxLength: 10 }), (jobs) => {
        expect(compositeStatus([...jobs, failed]).status).to.equal('failed');
      }),
    );
  });

  it('is running while a job runs (no dag): a running job keeps any set from finishing', () => {
    fc.assert(
      fc.property(jobsArb, fc.boolean(), (jobs, allow_failure) => {
        expect(compositeStatus([...jobs, { status: 'running', allow_failure }]).status).to.equal('running');
      }),
    );
  });

  it('is complete only when every job is complete or optional (a manual job allowed to fail)', () => {
    fc.assert(
      fc.property(jobsArb, dagArb, (jobs, dag) => {
        const status = compositeStatus(jobs, { dag }).status;
        const open = jobs.some((j) => isActive(j.status));
        if (open && !dag) expect(isCompleted(status), `${JSON.stringify(jobs)} → ${status}`).to.equal(false);
      }),
    );
  });

  it('has warnings exactly when a failed or canceled job was allowed to fail, and success only from finished jobs', () => {
    fc.assert(
      fc.property(jobsArb, dagArb, (jobs, dag) => {
        const r = compositeStatus(jobs, { dag });
        const allowed = jobs.some((j) => j.allow_failure && (j.status === 'failed' || j.status === 'canceled'));
        expect(r.warnings).to.equal(allowed);
        if (r.status === 'success')
          for (const j of jobs)
            expect(
              j.status === 'success' || j.status === 'skipped' || (j.allow_failure && j.status !== 'scheduled'),
              j.status,
            ).to.equal(true);
      }),
    );
  });
});
