// Failures of observed jobs (issue 14): their JobFailed comes without a log (log_pending), which the fetcher
// gets from the CI's API and the decider records as JobLogAttached. The remediator waits for that event and
// handles it as the failure, with the log: the JobFailed is kept here meanwhile (bounded; after a restart
// or an eviction the failure is rebuilt from JobLogAttached alone, which names the job and its reason).
import type { JobFailed, JobLogAttached } from '../../lib/core/events/generated.js';
import { mapFailureReason } from '../../lib/core/pipeline/status.js';
import { Lru } from '../../lib/platform/lru.js';

export class ObservedFailures {
  private readonly pending: Lru<string, JobFailed>;

  constructor(max = 10_000) {
    this.pending = new Lru(max);
  }

  /** A JobFailed whose log is still to come: remembered, and not remediated now. */
  hold(failure: JobFailed): void {
    this.pending.set(failure.job_id, failure);
  }

  get size(): number {
    return this.pending.size;
  }

  /** The failure to remediate now that its log (or the reason there is none) arrived. */
  release(attached: JobLogAttached): JobFailed {
    const held = this.pending.get(attached.job_id);
    this.pending.delete(attached.job_id);
    const reason = held
      ? { failure_reason: held.failure_reason, failure_reason_raw: held.failure_reason_raw }
      : mapFailureReason(attached.failure_reason);
    return {
      ...attached,
      type: 'JobFailed',
      ...reason,
      exit_code: held?.exit_code ?? null,
      allow_failure: held?.allow_failure ?? false,
      duration_ms: held?.duration_ms ?? 0,
      log: attached.log,
      log_excerpt: attached.log_excerpt ?? '',
    };
  }
}
