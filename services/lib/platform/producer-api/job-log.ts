// An observed failed job's log, from its CI to Verity's log store: the connection that may read it
// (connection-match.ts), the system's log endpoint (GitLab's trace, GitHub's logs), then stored like an
// uploaded log (stored-log.ts). The fetcher service and `verity import` both go through here. Whatever fails
// — no connection or token, the API's final answer or its last one after every retry, the store — becomes
// the result's fetch_error, in words: a failed job never goes without a log and without a reason.
import type { LogRef, LogStore } from '../logstore/log-store.js';
import type { Connection } from '../connections/connection.js';
import { matchConnection, type JobLocation } from './connection-match.js';
import { GithubApi } from './github-api.js';
import { GitlabApi } from './gitlab-api.js';
import { ProducerClient } from './producer-client.js';
import type { RequestPolicy } from './request.js';
import { storeFetchedLog } from './stored-log.js';
import { realClock, type Clock, type RateLimits } from './token-bucket.js';

export interface JobLogDeps {
  connections: () => readonly Connection[];
  store: LogStore;
  /** Attempts, timeout, backoff, byte limit (the log's tail is kept), shutdown signal. */
  policy: RequestPolicy;
  limits: RateLimits;
  clock?: Clock;
}

export interface FailedJob {
  pipelineId: string;
  projectId: string;
  /** Verity's job id (the attempt). */
  job: string;
  /** The job's id there (GitLab build id, GitHub job id). */
  externalJobId: string;
  /** Where to look for its connection; or the connection and project already chosen (the import). */
  at: JobLocation | { connection: Connection; externalProject: string };
}

export type JobLogResult =
  { log: LogRef; log_excerpt: string; fetch_error: null } | { log: null; log_excerpt: null; fetch_error: string };

/** fetch_error's maxLength in the AttachJobLog schema. */
const MAX_ERROR = 1024;

export const fetchError = (why: string): JobLogResult => ({
  log: null,
  log_excerpt: null,
  fetch_error: why.length <= MAX_ERROR ? why : `${why.slice(0, MAX_ERROR - 1)}…`,
});

export async function fetchJobLog(deps: JobLogDeps, job: FailedJob): Promise<JobLogResult> {
  const chosen = 'connection' in job.at ? job.at : matchConnection(deps.connections(), job.at);
  if ('error' in chosen) return fetchError(chosen.error);
  const { connection, externalProject } = chosen;
  let fetched: { data: Buffer; truncated: boolean };
  try {
    const client = new ProducerClient(connection, deps.policy, deps.limits);
    if (connection.system === 'gitlab')
      fetched = await new GitlabApi(client).jobTrace(externalProject, job.externalJobId);
    else if (connection.system === 'github')
      fetched = await new GithubApi(client).jobLogs(externalProject, job.externalJobId);
    else return fetchError(`connection "${connection.name}" is ${connection.system}: it has no log API to read`);
  } catch (err) {
    if (deps.policy.signal?.aborted) throw err;
    return fetchError(
      `${connection.system} job ${job.externalJobId} (connection "${connection.name}"): ${message(err)}`,
    );
  }
  return storeWithRetries(deps, job, fetched);
}

/** The store (Postgres) may be briefly away: a few tries with backoff, then the reason. */
async function storeWithRetries(
  deps: JobLogDeps,
  job: FailedJob,
  fetched: { data: Buffer; truncated: boolean },
): Promise<JobLogResult> {
  const clock = deps.clock ?? realClock;
  const attempts = Math.max(1, deps.policy.maxAttempts);
  for (let attempt = 1; ; attempt++) {
    try {
      const stored = await storeFetchedLog(
        deps.store,
        { pipelineId: job.pipelineId, projectId: job.projectId, job: job.job },
        fetched,
      );
      return { log: stored.log, log_excerpt: stored.excerpt, fetch_error: null };
    } catch (err) {
      if (attempt >= attempts || deps.policy.signal?.aborted)
        return fetchError(`the log was fetched but storing it failed after ${attempt} attempts: ${message(err)}`);
      await clock.sleep(Math.min(deps.policy.backoff.maxMs, deps.policy.backoff.baseMs * 2 ** (attempt - 1)));
    }
  }
}

const message = (err: unknown) => (err instanceof Error ? err.message : String(err));
