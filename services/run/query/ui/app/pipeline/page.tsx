// The pipeline page (/pipelines/:id, docs/DASHBOARD.md): the pipeline's facts and trigger links, its graph
// (dag.tsx), its retried jobs' earlier attempts and its timeline (gantt.tsx). It reads GET /v1/pipelines/{id}
// and stays live through GET /v1/stream?pipeline=: any event of the pipeline refetches the detail — again,
// a little later each time, while the answer is older than the event (the read model may trail the stream)
// — and the nodes change in place. No reload, no polling.
import { useCallback, useEffect, useRef, useState } from 'preact/hooks';
import { SessionEnded, type StreamEvent } from '../api.js';
import { LiveIndicator, openStream, type Live } from '../live.js';
import { duration } from '../pipelines.js';
import { StatusBadge, SystemBadge } from '../status.js';
import { getAttempts, getPipelineDetail, type Attempt, type PipelineDetail, type PipelineLink } from './api.js';
import { Dag, runningMs } from './dag.js';
import { shortId, when } from './format.js';
import { Gantt } from './gantt.js';

const FINISHED = new Set(['success', 'failed', 'canceled', 'skipped']);

function Time({ iso }: { iso: string | null }) {
  return iso ? (
    <time dateTime={iso} title={iso}>
      {when(iso)}
    </time>
  ) : (
    <>—</>
  );
}

function LinkTo({ link, what }: { link: PipelineLink; what: string }) {
  return (
    <li data-link={what} data-pipeline-id={link.pipeline_id}>
      <a href={`/pipelines/${link.pipeline_id}`}>Pipeline {shortId(link.pipeline_id)}</a>
      {link.project_id && <span class="muted"> {link.project_id}</span>}{' '}
      {link.status ? <StatusBadge status={link.status} /> : <span class="muted">(status not known)</span>}
      {link.job_name && (
        <span class="muted">
          {' '}
          via <a href={`/jobs/${link.job_id}`}>{link.job_name}</a>
        </span>
      )}
    </li>
  );
}

function Facts({ p, now }: { p: PipelineDetail; now: number }) {
  const ms = runningMs(p, now);
  return (
    <dl class="pl-facts">
      <div>
        <dt>Project</dt>
        <dd>
          {p.project_id}
          <SystemBadge system={p.system} />
        </dd>
      </div>
      <div>
        <dt>Ref</dt>
        <dd class="ref">{p.ref}</dd>
      </div>
      <div>
        <dt>Commit</dt>
        <dd>
          <code title={p.sha}>{p.sha.slice(0, 8)}</code>
        </dd>
      </div>
      <div>
        <dt>Source</dt>
        <dd>{p.source}</dd>
      </div>
      <div>
        <dt>Started by</dt>
        <dd>{p.user ?? '—'}</dd>
      </div>
      <div>
        <dt>Duration</dt>
        <dd>{ms === null ? '—' : `${duration(ms)}${p.duration_ms === null ? ' so far' : ''}`}</dd>
      </div>
      <div>
        <dt>Created</dt>
        <dd>
          <Time iso={p.created_at} />
        </dd>
      </div>
      <div>
        <dt>Started</dt>
        <dd>
          <Time iso={p.started_at} />
        </dd>
      </div>
      <div>
        <dt>Finished</dt>
        <dd>
          <Time iso={p.finished_at} />
        </dd>
      </div>
    </dl>
  );
}

function Retried({ p, attempts }: { p: PipelineDetail; attempts: ReadonlyMap<string, Attempt[]> }) {
  const retried = p.jobs.filter((j) => j.attempt > 1);
  if (retried.length === 0) return null;
  return (
    <section aria-labelledby="retried-title" class="pl-retried">
      <h2 id="retried-title">Retried jobs</h2>
      <ul>
        {retried.map((j) => (
          <li key={j.name} data-job={j.name}>
            <strong>{j.name}</strong>:{' '}
            {(attempts.get(j.job_id) ?? []).map((a, i) => (
              <span key={a.job_id}>
                {i > 0 && ' → '}
                <a href={`/jobs/${a.job_id}`}>attempt {a.attempt}</a>{' '}
                {/* The latest attempt's status from the (live) detail; the earlier ones no longer change. */}
                <StatusBadge status={a.job_id === j.job_id ? j.status : a.status} />
              </span>
            ))}
            {!attempts.has(j.job_id) && <span class="muted">attempt {j.attempt} (loading earlier attempts…)</span>}
          </li>
        ))}
      </ul>
    </section>
  );
}

export default function Page({ id }: { id: string }) {
  const [detail, setDetail] = useState<PipelineDetail | 'not-found' | undefined>(undefined);
  const [error, setError] = useState<string | null>(null);
  const [live, setLive] = useState<Live>('connecting');
  const [now, setNow] = useState(Date.now());
  /** Every attempt of each retried job, by its latest attempt's id (earlier attempts no longer change). */
  const [attempts, setAttempts] = useState<ReadonlyMap<string, Attempt[]>>(new Map());
  const fetching = useRef(new Set<string>());

  /** The newest event seq the stream announced: an answer older than that is refetched (the projector trails). */
  const wanted = useRef(0);
  const chase = useRef<{ timer?: ReturnType<typeof setTimeout>; tries: number }>({ tries: 0 });

  const load = useCallback(async () => {
    try {
      const d = await getPipelineDetail(id);
      // An older answer (a slower request) never replaces a newer one.
      setDetail((current) =>
        d !== 'not-found' && current && current !== 'not-found' && d.last_seq < current.last_seq ? current : d,
      );
      setError(null);
      const c = chase.current;
      clearTimeout(c.timer);
      // Also while a linked pipeline is not in the read model yet (a child just created): its status is null.
      const behind =
        d !== 'not-found' &&
        (d.last_seq < wanted.current || [d.parent, ...d.downstream].some((l) => l !== null && l.status === null));
      if (behind && c.tries < 8) {
        c.tries += 1;
        c.timer = setTimeout(() => void load(), 250 * c.tries);
      } else c.tries = 0;
    } catch (err) {
      if (!(err instanceof SessionEnded)) setError((err as Error).message);
    }
  }, [id]);

  useEffect(() => {
    setDetail(undefined);
    setAttempts(new Map());
    wanted.current = 0;
    void load();
    const c = chase.current;
    return () => clearTimeout(c.timer);
  }, [load]);

  useEffect(() => {
    let timer: ReturnType<typeof setTimeout> | undefined;
    // Coalesce a burst of events into one read, soon after the first.
    const onEvent = (message: MessageEvent<string>) => {
      try {
        const seq = (JSON.parse(message.data) as StreamEvent).seq;
        if (seq !== undefined) wanted.current = Math.max(wanted.current, seq);
      } catch {
        /* an event without a body still means: refetch */
      }
      if (timer !== undefined) return;
      timer = setTimeout(() => {
        timer = undefined;
        chase.current.tries = 0;
        void load();
      }, 200);
    };
    const source = openStream(`?${new URLSearchParams({ pipeline: id })}`, onEvent, () => void load(), setLive);
    return () => {
      source.close();
      clearTimeout(timer);
    };
  }, [id, load]);

  const running = detail !== undefined && detail !== 'not-found' && !FINISHED.has(detail.status);
  useEffect(() => {
    if (!running) return;
    const tick = setInterval(() => setNow(Date.now()), 1000);
    return () => clearInterval(tick);
  }, [running]);

  // The earlier attempts of each retried job, once per latest attempt.
  useEffect(() => {
    if (detail === undefined || detail === 'not-found') return;
    for (const j of detail.jobs) {
      if (j.attempt < 2 || fetching.current.has(j.job_id)) continue;
      fetching.current.add(j.job_id);
      getAttempts(j.job_id).then(
        (list) => setAttempts((m) => new Map(m).set(j.job_id, list)),
        () => fetching.current.delete(j.job_id),
      );
    }
  }, [detail]);

  const back = (
    <p class="pl-back">
      <a href="/">← Pipelines</a>
    </p>
  );
  if (detail === 'not-found')
    return (
      <section aria-labelledby="pl-title">
        {back}
        <h1 id="pl-title">Pipeline not found</h1>
        <p class="empty" role="status">
          No pipeline {id} here: it does not exist, or this session may not read its project.
        </p>
      </section>
    );
  if (detail === undefined)
    return (
      <section aria-labelledby="pl-title" aria-busy="true">
        {back}
        <h1 id="pl-title">Pipeline {shortId(id)}</h1>
        {error ? (
          <p class="error" role="alert">
            Could not load the pipeline: {error}
          </p>
        ) : (
          <p class="empty">Loading…</p>
        )}
      </section>
    );

  const p = detail;
  return (
    <section aria-labelledby="pl-title" data-pipeline-id={p.pipeline_id} data-status={p.status}>
      {back}
      <div class="page-head">
        <h1 id="pl-title">
          Pipeline {shortId(p.pipeline_id)}
          {p.name && <span class="muted"> {p.name}</span>}
        </h1>
        <StatusBadge status={p.status} />
        {p.warnings && <span class="badge">with warnings</span>}
        <LiveIndicator live={live} />
      </div>
      {error && (
        <p class="error" role="alert">
          Could not refresh the pipeline: {error}
        </p>
      )}
      <Facts p={p} now={now} />
      {(p.parent || p.downstream.length > 0) && (
        <nav class="pl-links" aria-label="Related pipelines">
          {p.parent && (
            <div>
              <h2>Triggered by</h2>
              <ul>
                <LinkTo link={p.parent} what="parent" />
              </ul>
            </div>
          )}
          {p.downstream.length > 0 && (
            <div>
              <h2>Downstream</h2>
              <ul>
                {p.downstream.map((l) => (
                  <LinkTo key={l.job_id} link={l} what="downstream" />
                ))}
              </ul>
            </div>
          )}
        </nav>
      )}
      <section aria-labelledby="dag-title">
        <h2 id="dag-title">Jobs</h2>
        {p.jobs.length === 0 ? (
          <p class="empty">No jobs.</p>
        ) : (
          <Dag stages={p.stages} jobs={p.jobs} attempts={attempts} now={now} />
        )}
      </section>
      <Retried p={p} attempts={attempts} />
      <section aria-labelledby="timeline-title">
        <h2 id="timeline-title">Timeline</h2>
        <Gantt stages={p.stages} jobs={p.jobs} now={now} />
      </section>
    </section>
  );
}
