// The AI scoreboard page (/ai, docs/DASHBOARD.md): per provider and prompt version over the last 7, 30 or 90
// UTC days — proposals, scored share, precision, green on a new commit after a fix, retry precision and
// feedback, each share with its 95% interval as text and as a small bar — the heuristic baseline always
// first, and a chart over time with its data as a table. It reads GET /v1/remediations/scoreboard. Live:
// refetched a few seconds after pipeline events that can change it (a failure brings a proposal, a retry
// or a finished pipeline a score) and every 30 s while the tab is visible, because feedback and scores are
// remediation events, which the stream (pipeline events) does not carry; and with the Refresh button.
import { useCallback, useEffect, useMemo, useRef, useState } from 'preact/hooks';
import { SessionEnded } from '../api.js';
import { getScoreboard, type Scoreboard, type ScoreboardRow, type Share } from './api.js';
import { useLazyChart } from '../charts/lazy-chart.js';
import {
  barGeometry,
  chartSummary,
  chartTable,
  METRICS,
  queryOf,
  rowName,
  shareLabel,
  shareText,
  stateOf,
  WINDOWS,
  type Metric,
  type ViewState,
} from './format.js';

const POLL_MS = 30_000;
/** After a pipeline event, wait for the remediator and the scorer to write before refetching (once per burst). */
const AFTER_EVENT_MS = 4_000;
const EVENTS = ['JobFailed', 'JobSucceeded', 'PipelineFinished'];

function ShareCell({ s, note }: { s: Share; note?: string }) {
  const g = barGeometry(s);
  return (
    <div class="share">
      <span class="share-text">{shareText(s)}</span>
      {g && (
        <span class="bar" role="img" aria-label={shareLabel(s)}>
          <span class="bar-range" style={{ left: `${g.left}%`, width: `${g.width}%` }} />
          <span class="bar-mark" style={{ left: `${g.mark}%` }} />
        </span>
      )}
      <span class="share-note">{note ?? (s.n === 0 ? '' : `${s.k} of ${s.n}`)}</span>
    </div>
  );
}

function Row({ r }: { r: ScoreboardRow }) {
  const s = r.scored;
  return (
    <tr data-provider={r.provider} data-prompt-version={r.prompt_version} data-baseline={String(r.baseline)}>
      <th scope="row">
        <span class="provider">{rowName(r)}</span>
        {r.baseline && <span class="badge ai-baseline">baseline</span>}
      </th>
      {r.proposals === 0 ? (
        <td colSpan={6} class="ai-none" data-figure="none">
          no proposals
        </td>
      ) : (
        <>
          <td data-figure="proposals">
            <span class="count">{r.proposals}</span>
            {r.shadow > 0 && <span class="share-note">{r.shadow} in shadow mode</span>}
          </td>
          <td data-figure="scored">
            <ShareCell s={s.share} note={`${s.share.k} of ${s.share.n} · ${s.pending} pending`} />
          </td>
          <td data-figure="precision">
            <ShareCell
              s={r.precision}
              note={`${s.correct} correct · ${s.incorrect} incorrect · ${s.expired} expired`}
            />
          </td>
          <td data-figure="fixed">
            <ShareCell s={r.fixed_by_new_commit} />
          </td>
          <td data-figure="retry">
            <ShareCell s={r.retry_precision} />
          </td>
          <td data-figure="feedback">
            <span class="feedback-counts">
              {r.feedback.accepted} accepted · {r.feedback.rejected} rejected
            </span>
            <ShareCell s={r.feedback.acceptance} note={r.feedback.acceptance.n === 0 ? '' : 'accepted'} />
          </td>
        </>
      )}
    </tr>
  );
}

function Chart({ board, metric }: { board: Scoreboard; metric: Metric }) {
  const view = useMemo(() => ({ board, metric }), [board, metric]);
  const { el, failed } = useLazyChart(() => import('./chart.js'), view);
  const summary = chartSummary(board, metric);
  const table = chartTable(board, metric);
  return (
    <>
      <figure class="ai-figure">
        <div ref={el} class="ai-chart" role="img" aria-labelledby="ai-chart-summary" />
        <figcaption id="ai-chart-summary" class="muted">
          {failed ? 'The chart could not be loaded. ' : ''}
          {summary}
        </figcaption>
      </figure>
      <details class="ai-data">
        <summary>The chart's data as a table</summary>
        <table class="ai-series">
          <caption>{METRICS[metric].label}, newest day first</caption>
          <thead>
            <tr>
              {table.head.map((h) => (
                <th scope="col" key={h}>
                  {h}
                </th>
              ))}
            </tr>
          </thead>
          <tbody>
            {table.rows.map(([day, ...values]) => (
              <tr key={day}>
                <th scope="row">{day}</th>
                {values.map((v, i) => (
                  <td key={i}>{v}</td>
                ))}
              </tr>
            ))}
          </tbody>
        </table>
      </details>
    </>
  );
}

export default function Page() {
  const [state, setState] = useState<ViewState>(() => stateOf(window.location.search));
  const [draft, setDraft] = useState<ViewState>(state);
  const [board, setBoard] = useState<Scoreboard | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const [updated, setUpdated] = useState<string | null>(null);
  const [metric, setMetric] = useState<Metric>('proposals');
  const seq = useRef(0);

  const load = useCallback(async () => {
    const mine = ++seq.current;
    setBusy(true);
    try {
      const b = await getScoreboard(state);
      if (mine !== seq.current) return; // a newer request answers
      setBoard(b);
      setError(null);
      setUpdated(new Date().toLocaleTimeString());
    } catch (err) {
      if (err instanceof SessionEnded || mine !== seq.current) return;
      setError(`The scoreboard could not be loaded (${(err as Error).message}).`);
    } finally {
      if (mine === seq.current) setBusy(false);
    }
  }, [state]);

  useEffect(() => void load(), [load]);

  useEffect(() => {
    let soon: ReturnType<typeof setTimeout> | undefined;
    const later = () => {
      if (soon !== undefined) return;
      soon = setTimeout(() => {
        soon = undefined;
        void load();
      }, AFTER_EVENT_MS);
    };
    const q = state.project ? `?project=${encodeURIComponent(state.project)}` : '';
    const source = new EventSource(`/v1/stream${q}`);
    for (const type of [...EVENTS, 'reset']) source.addEventListener(type, later);
    const poll = setInterval(() => {
      if (document.visibilityState === 'visible') void load();
    }, POLL_MS);
    return () => {
      source.close();
      clearInterval(poll);
      clearTimeout(soon);
    };
  }, [state.project, load]);

  const apply = (e: Event) => {
    e.preventDefault();
    const next = { ...draft, project: draft.project.trim() };
    setState(next);
    window.history.replaceState(null, '', `/ai${queryOf(next)}`);
  };

  return (
    <section class="ai" aria-labelledby="ai-title">
      <div class="page-head">
        <h1 id="ai-title">AI scoreboard</h1>
        <p class="live">
          {updated ? `Updated ${updated}` : 'Loading…'} · refreshes every 30 s and after pipeline events
        </p>
        <button type="button" class="secondary" onClick={() => void load()} disabled={busy}>
          Refresh
        </button>
      </div>
      <form class="filters" onSubmit={apply} aria-label="Scoreboard filters">
        <label>
          Window
          <select
            name="window"
            value={String(draft.window)}
            onChange={(e) => setDraft({ ...draft, window: Number(e.currentTarget.value) as ViewState['window'] })}
          >
            {WINDOWS.map((w) => (
              <option key={w} value={String(w)}>
                last {w} days
              </option>
            ))}
          </select>
        </label>
        <label>
          Project
          <input
            name="project"
            value={draft.project}
            placeholder="every project"
            onInput={(e) => setDraft({ ...draft, project: e.currentTarget.value })}
          />
        </label>
        <button type="submit">Apply</button>
      </form>
      {error && (
        <p role="alert" class="ai-error">
          {error}
        </p>
      )}
      {board && (
        <>
          <h2>By provider and prompt version</h2>
          {board.truncated && (
            <p class="muted">Too many provider and prompt version pairs: the last ones are left out.</p>
          )}
          <div class="ai-scroll">
            <table class="scoreboard" aria-busy={busy}>
              <caption>
                Proposals of the last {board.days.length} days (UTC, from {board.days[0]}
                {state.project ? ` · ${state.project}` : ''}). Shares with their 95% interval in brackets.
              </caption>
              <thead>
                <tr>
                  <th scope="col">Provider · prompt version</th>
                  <th scope="col">Proposals</th>
                  <th scope="col">Scored</th>
                  <th scope="col">Precision</th>
                  <th scope="col">Green after a fix</th>
                  <th scope="col">Retry precision</th>
                  <th scope="col">Feedback</th>
                </tr>
              </thead>
              <tbody>
                {board.rows.map((r) => (
                  <Row key={`${r.provider}\u0000${r.prompt_version}`} r={r} />
                ))}
              </tbody>
            </table>
          </div>
          <details class="ai-help">
            <summary>How these figures are made</summary>
            <dl>
              <dt>Scored</dt>
              <dd>Proposals the scorer has labelled correct, incorrect or expired (24 h without an outcome).</dd>
              <dt>Precision</dt>
              <dd>Correct of correct + incorrect; expired ones are left out. Shadow-mode proposals count.</dd>
              <dt>Green after a fix</dt>
              <dd>
                Of the fix proposals (not "retry") the scorer decided by what happened next, those whose next pipeline
                on the same ref went green on a new commit. Whether that commit followed the proposal is not recorded,
                and a proposal with feedback is scored by the feedback instead.
              </dd>
              <dt>Retry precision</dt>
              <dd>Of the "retry" proposals scored, those whose retry passed (the failure was flaky or transient).</dd>
              <dt>Feedback</dt>
              <dd>Accepted and rejected verdicts given on the job page or through the API.</dd>
              <dt>Interval</dt>
              <dd>
                The 95% Wilson score interval: with few proposals it is wide, so compare a model with the baseline only
                where the intervals do not overlap.
              </dd>
            </dl>
          </details>
          <h2 id="ai-chart-title">Over time</h2>
          <label class="ai-metric">
            Show
            <select value={metric} onChange={(e) => setMetric(e.currentTarget.value as Metric)}>
              {(Object.keys(METRICS) as Metric[]).map((m) => (
                <option key={m} value={m}>
                  {METRICS[m].label}
                </option>
              ))}
            </select>
          </label>
          <Chart board={board} metric={metric} />
        </>
      )}
    </section>
  );
}
