// The job's status history: every attempt (GET /v1/jobs/{id} lists them, oldest first) with its status,
// times, runner, failure reason and exit code; each links to its own job page, the one shown is marked.
import { StatusBadge } from '../status.js';
import type { Attempt } from './api.js';
import { duration, when, words } from './format.js';

export function Attempts({ attempts, current }: { attempts: Attempt[]; current: string }) {
  return (
    <section aria-labelledby="attempts-h" class="attempts">
      <h2 id="attempts-h">Status history</h2>
      <ol>
        {attempts.map((a) => (
          <li key={a.job_id} data-attempt={a.attempt} class={a.job_id === current ? 'current' : undefined}>
            <div class="attempt-head">
              {a.job_id === current ? (
                <span aria-current="page">Attempt {a.attempt} (shown)</span>
              ) : (
                <a href={`/jobs/${a.job_id}`}>Attempt {a.attempt}</a>
              )}
              <StatusBadge status={a.status} />
              {a.retried ? <span class="badge">retried</span> : null}
            </div>
            <dl>
              <dt>Queued</dt>
              <dd>
                {when(a.queued_at)}
                {a.queued_ms !== null ? ` (waited ${duration(a.queued_ms)})` : ''}
              </dd>
              <dt>Started</dt>
              <dd>{when(a.started_at)}</dd>
              <dt>Finished</dt>
              <dd>
                {when(a.finished_at)}
                {a.duration_ms !== null ? ` (ran ${duration(a.duration_ms)})` : ''}
              </dd>
              <dt>Runner</dt>
              <dd>{a.runner_id ?? '—'}</dd>
              {a.failure_reason || a.exit_code !== null ? (
                <>
                  <dt>Failure</dt>
                  <dd>
                    {a.failure_reason ? words(a.failure_reason) : '—'}
                    {a.exit_code !== null ? `, exit code ${a.exit_code}` : ''}
                  </dd>
                </>
              ) : null}
            </dl>
          </li>
        ))}
      </ol>
    </section>
  );
}
