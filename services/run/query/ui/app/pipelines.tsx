// The pipelines page: the list of GET /v1/pipelines with its filters and cursor paging, kept live by
// GET /v1/stream (pipelines-live.tsx): a status change is applied from the event at once, then the row is
// refetched (the read model may trail the event by a moment) and replaced in place; a new pipeline that matches
// the filters appears at the top of the first page. No reload, no polling. Scrolled away from the top (or on an
// older page), new pipelines are not pushed in under the reader's eyes: they and the changes of the rows shown
// are counted, and a button brings the newest back.
import { useCallback, useEffect, useRef, useState } from 'preact/hooks';
import {
  filterParams,
  listPipelines,
  NO_FILTERS,
  SessionEnded,
  STATUSES,
  SYSTEMS,
  type Filters,
  type Pipeline,
} from './api.js';
import { LiveIndicator } from './live.js';
import { FIRST_ROWS_MARK } from './marks.js';
import { isNewer } from './list-order.js';
import { usePipelinesLive } from './pipelines-live.js';
import { StatusBadge, SystemBadge } from './status.js';

/** Rows per page: `?limit=` (1 to 100, as the API allows by default), else 50. */
function pageSizeFromUrl(): number {
  const n = Number(new URLSearchParams(window.location.search).get('limit'));
  return Number.isInteger(n) && n >= 1 && n <= 100 ? n : 50;
}

/** The page's URL for these filters (and a page size other than the default). */
function urlOf(f: Filters, pageSize: number): string {
  const q = filterParams(f);
  if (pageSize !== 50) q.set('limit', String(pageSize));
  const s = q.toString();
  return s ? `/?${s}` : '/';
}

function filtersFromUrl(): Filters {
  const q = new URLSearchParams(window.location.search);
  return {
    project: q.get('project') ?? '',
    ref: q.get('ref') ?? '',
    status: q.get('status') ?? '',
    source: q.get('source') ?? '',
    system: q.get('system') ?? '',
  };
}

export function duration(ms: number | null): string {
  if (ms === null || ms < 0) return '—';
  const s = Math.round(ms / 1000);
  if (s < 60) return `${s}s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m}m ${String(s % 60).padStart(2, '0')}s`;
  return `${Math.floor(m / 60)}h ${String(m % 60).padStart(2, '0')}m`;
}

export function ago(iso: string, now: number): string {
  const s = Math.max(0, Math.round((now - Date.parse(iso)) / 1000));
  if (s < 60) return `${s}s ago`;
  if (s < 3600) return `${Math.floor(s / 60)} min ago`;
  if (s < 86_400) return `${Math.floor(s / 3600)} h ago`;
  return `${Math.floor(s / 86_400)} d ago`;
}

/** How long a pipeline waited before its first job started; still waiting: so far, if it is not finished. */
export function queued(p: Pipeline, now: number): string {
  const created = Date.parse(p.created_at);
  if (p.started_at) return duration(Date.parse(p.started_at) - created);
  return p.finished_at ? '—' : `${duration(now - created)}…`;
}

let firstRowsMarked = false;

/** Scrolled this far down (px), the reader is away from the top of the list. */
const AWAY_PX = 120;

export function PipelinesPage() {
  const [filters, setFilters] = useState<Filters>(filtersFromUrl);
  const [pageSize] = useState(pageSizeFromUrl);
  const [draft, setDraft] = useState<Filters>(filters);
  /** The cursors of the pages before this one; the current page's cursor (null: the first page). */
  const [back, setBack] = useState<(string | null)[]>([]);
  const [cursor, setCursor] = useState<string | null>(null);
  const [rows, setRows] = useState<Pipeline[]>([]);
  const [next, setNext] = useState<string | null>(null);
  const [loading, setLoading] = useState(true);
  const [error, setError] = useState<string | null>(null);
  const [now, setNow] = useState(Date.now());
  /** Pipelines that appeared, and rows that changed, while the reader was away from the top. */
  const [unseen, setUnseen] = useState<{ added: Set<string>; changed: Set<string> }>({
    added: new Set(),
    changed: new Set(),
  });
  const away = useRef(false);
  /** The newest pipeline a first page showed under these filters: only a newer one is new (see ListState). */
  const frontier = useRef<Pipeline | null>(null);
  const state = useRef({ filters, cursor, rows });
  state.current = { filters, cursor, rows };
  away.current = cursor !== null || (typeof window !== 'undefined' && window.scrollY > AWAY_PX);

  const note = (kind: 'added' | 'changed', id: string) =>
    setUnseen((u) => {
      if (u[kind].has(id)) return u;
      const next = new Set(u[kind]).add(id);
      return { ...u, [kind]: next.size > 999 ? new Set([...next].slice(-999)) : next };
    });

  const load = useCallback(async () => {
    setLoading(true);
    try {
      const page = await listPipelines(filters, cursor, pageSize);
      if (cursor === null && page.items[0] && !(frontier.current && !isNewer(page.items[0], frontier.current)))
        frontier.current = page.items[0];
      setRows(page.items);
      setNext(page.next_cursor);
      setError(null);
    } catch (err) {
      if (!(err instanceof SessionEnded)) setError((err as Error).message);
    } finally {
      setLoading(false);
    }
  }, [filters, cursor, pageSize]);

  // Other filters, another list: its own newest pipeline.
  useEffect(() => {
    frontier.current = null;
  }, [filters]);

  useEffect(() => {
    void load();
  }, [load]);

  // After the render that put the first rows on screen (effects run after the DOM is updated).
  useEffect(() => {
    if (firstRowsMarked || loading || rows.length === 0) return;
    firstRowsMarked = true;
    requestAnimationFrame(() => performance.mark(FIRST_ROWS_MARK));
  }, [loading, rows]);

  // Back at the top of the first page: what changed meanwhile is in view now.
  useEffect(() => {
    const onScroll = () => {
      away.current = state.current.cursor !== null || window.scrollY > AWAY_PX;
      if (!away.current) setUnseen((u) => (u.changed.size ? { ...u, changed: new Set() } : u));
    };
    window.addEventListener('scroll', onScroll, { passive: true });
    return () => window.removeEventListener('scroll', onScroll);
  }, []);

  useEffect(() => {
    const tick = setInterval(() => setNow(Date.now()), 15_000);
    return () => clearInterval(tick);
  }, []);

  const live = usePipelinesLive(filters.project, load, pageSize, setRows, state, away, note, frontier);

  const apply = (e: Event) => {
    e.preventDefault();
    const f = { ...draft, project: draft.project.trim(), ref: draft.ref.trim() };
    setFilters(f);
    setBack([]);
    setCursor(null);
    window.history.replaceState(null, '', urlOf(f, pageSize));
  };
  const showNewest = () => {
    setUnseen({ added: new Set(), changed: new Set() });
    setBack([]);
    if (cursor === null) void load();
    setCursor(null);
    window.scrollTo({ top: 0 });
    document.getElementById('pipelines-title')?.focus();
  };
  const clear = () => {
    setDraft(NO_FILTERS);
    setFilters(NO_FILTERS);
    setBack([]);
    setCursor(null);
    window.history.replaceState(null, '', urlOf(NO_FILTERS, pageSize));
  };
  const older = () => {
    if (!next) return;
    setBack([...back, cursor]);
    setCursor(next);
  };
  const newer = () => {
    if (back.length === 0) return;
    setCursor(back[back.length - 1]!);
    setBack(back.slice(0, -1));
  };
  const field = (k: keyof Filters) => ({
    value: draft[k],
    onInput: (e: Event) => setDraft({ ...draft, [k]: (e.currentTarget as HTMLInputElement).value }),
  });

  return (
    <section aria-labelledby="pipelines-title">
      <div class="page-head">
        <h1 id="pipelines-title" tabIndex={-1}>
          Pipelines
        </h1>
        <LiveIndicator live={live} />
      </div>
      <form class="filters" onSubmit={apply} aria-label="Filter pipelines">
        <label>
          Project
          <input name="project" type="text" placeholder="group/project" autocomplete="off" {...field('project')} />
        </label>
        <label>
          Ref
          <input name="ref" type="text" placeholder="main" autocomplete="off" {...field('ref')} />
        </label>
        <label>
          Status
          <select name="status" {...field('status')}>
            <option value="">any</option>
            {STATUSES.map((s) => (
              <option value={s}>{s}</option>
            ))}
          </select>
        </label>
        <label>
          Source
          <input name="source" type="text" placeholder="push" autocomplete="off" {...field('source')} />
        </label>
        <label>
          System
          <select name="system" {...field('system')}>
            <option value="">any</option>
            {SYSTEMS.map((s) => (
              <option value={s}>{s}</option>
            ))}
          </select>
        </label>
        <button type="submit">Apply</button>
        <button type="button" class="secondary" onClick={clear}>
          Clear
        </button>
      </form>
      {error && (
        <p class="error" role="alert">
          Could not load the pipelines: {error}
        </p>
      )}
      <div class="unseen" role="status" aria-live="polite">
        {(unseen.added.size > 0 || unseen.changed.size > 0) && (
          <>
            <span class="unseen-count">
              While you were away: {unseen.added.size} new {unseen.added.size === 1 ? 'pipeline' : 'pipelines'},{' '}
              {unseen.changed.size} changed
            </span>{' '}
            <button type="button" onClick={showNewest}>
              Show newest
            </button>
          </>
        )}
      </div>
      <table class="pipelines" aria-busy={loading}>
        <caption class="visually-hidden">Pipelines, newest first</caption>
        <thead>
          <tr>
            <th scope="col">Status</th>
            <th scope="col">Pipeline</th>
            <th scope="col">Commit</th>
            <th scope="col">Source</th>
            <th scope="col">Duration</th>
            <th scope="col">Queued</th>
            <th scope="col">Started by</th>
            <th scope="col">Created</th>
          </tr>
        </thead>
        <tbody>
          {rows.map((p) => (
            <tr key={p.pipeline_id} data-pipeline-id={p.pipeline_id} data-status={p.status}>
              <td>
                <StatusBadge status={p.status} />
              </td>
              <td>
                <div class="project">
                  {p.project_id}
                  <SystemBadge system={p.system} />
                </div>
                <div class="muted">
                  <span class="ref">{p.ref}</span> ·{' '}
                  <a
                    href={`/pipelines/${p.pipeline_id}`}
                    title={p.pipeline_id}
                    aria-label={`pipeline ${p.pipeline_id}`}
                  >
                    #{p.pipeline_id.slice(0, 8)}
                  </a>{' '}
                  ·{' '}
                  <a href={`/projects/${encodeURIComponent(p.project_id)}`} aria-label={`health of ${p.project_id}`}>
                    health
                  </a>
                  {p.name && <> · {p.name}</>}
                </div>
              </td>
              <td>
                <code title={p.sha}>{p.sha.slice(0, 8)}</code>
              </td>
              <td>{p.source}</td>
              <td>{duration(p.duration_ms)}</td>
              <td>{queued(p, now)}</td>
              <td>{p.user ?? '—'}</td>
              <td>
                <time dateTime={p.created_at} title={p.created_at}>
                  {ago(p.created_at, now)}
                </time>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      {!loading && rows.length === 0 && !error && <p class="empty">No pipelines match.</p>}
      <nav class="pager" aria-label="Pages">
        <button type="button" onClick={newer} disabled={back.length === 0}>
          ← Newer
        </button>
        <button type="button" onClick={older} disabled={!next}>
          Older →
        </button>
      </nav>
    </section>
  );
}
