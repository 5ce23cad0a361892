import { expect } from 'chai';
import type { JobFailed, JobLogAttached } from '../../lib/core/events/generated.js';
import { exampleEvents } from '../../lib/core/events/examples.js';
import { ObservedFailures } from './observed-failures.js';

const failed = {
  ...exampleEvents.find((e) => e.type === 'JobFailed')!,
  log: null,
  log_excerpt: '',
  log_pending: true,
} as JobFailed;
const attached = exampleEvents.find((e) => e.type === 'JobLogAttached') as JobLogAttached;

describe('remediator: failures of observed jobs wait for their log', () => {
  it('the held JobFailed is remediated with the fetched log, its reason, exit code and allow_failure', () => {
    const held = new ObservedFailures();
    held.hold({ ...failed, exit_code: 2, failure_reason: 'runner_system_failure' });
    const f = held.release(attached);
    expect(f).to.deep.include({
      type: 'JobFailed',
      job_id: attached.job_id,
      failure_reason: 'runner_system_failure',
      exit_code: 2,
    });
    expect(f).to.deep.include({ log: attached.log, log_excerpt: attached.log_excerpt, event_id: attached.event_id });
    expect(held.size).to.equal(0);
  });

  it('after a restart (nothing held) the failure is rebuilt from JobLogAttached, its reason mapped', () => {
    const f = new ObservedFailures().release({
      ...attached,
      failure_reason: 'not_a_gitlab_reason',
      log: null,
      fetch_error: '404',
    });
    expect(f).to.deep.include({
      failure_reason: 'unknown_failure',
      failure_reason_raw: 'not_a_gitlab_reason',
      log: null,
      exit_code: null,
    });
  });

  it('holds a bounded number, dropping the oldest', () => {
    const held = new ObservedFailures(2);
    for (const id of ['a', 'b', 'c']) held.hold({ ...failed, job_id: id });
    expect(held.size).to.equal(2);
    expect(held.release({ ...attached, job_id: 'a' }).exit_code).to.equal(null);
  });
});
