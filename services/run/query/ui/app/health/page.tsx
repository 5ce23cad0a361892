// The Project health page (/projects/:project, docs/DASHBOARD.md): over a window of 7, 30 or 90 UTC days
// (?window=7d|30d|90d, so a view can be bookmarked), the project's figures, four charts (success rate, pipelines
// per day, pipeline duration and job queue time percentiles) each with its data as a table, the slowest stages,
// the failures by the CI's reason and by the remediator's category, and the most flaky jobs. It reads /stats and
// /health and refetches them, at most every few seconds, when the live stream reports a change in the project.
// ECharts loads with the first chart (chart.tsx), after the tables.
import { useEffect, useRef, useState } from 'preact/hooks';
import { useLocation } from 'preact-iso';
import { SessionEnded } from '../api.js';
import { loadHealth, type HealthAnswer } from './api.js';
import { useLazyChart } from '../charts/lazy-chart.js';
import { chartSpecs, dailySeries, parseWindow, WINDOWS, type ChartSpec } from './series.js';
import { ChartTable, FailureCategories, FailureReasons, Figures, FlakyJobs, SlowestStages } from './tables.js';

/** The events after which the figures may have changed; proposals are not streamed (the next refetch shows them). */
const CHANGES = ['PipelineCreated', 'PipelineFinished', 'PipelineObserved', 'JobFailed', 'JobSucceeded', 'JobObserved'];
/** At most one refetch per this many ms, however busy the project. */
const REFETCH_MS = 3000;

function Chart({ spec }: { spec: ChartSpec }) {
  const { el, failed } = useLazyChart(() => import('./chart.js'), spec);

  const titleId = `chart-${spec.id}-title`;
  return (
    <figure class="health-chart" id={`chart-${spec.id}`} aria-labelledby={titleId}>
      <figcaption>
        <h3 id={titleId}>{spec.title}</h3>
      </figcaption>
      {failed ? (
        <p class="error">The chart could not be loaded; its data is in the table below.</p>
      ) : (
        <div class="health-canvas" ref={el} role="img" aria-label={spec.summary} />
      )}
      <details>
        <summary>{spec.title}: data as a table</summary>
        <ChartTable spec={spec} />
      </details>
    </figure>
  );
}

function WindowPicker({ project, days }: { project: string; days: number }) {
  return (
    <nav class="health-window" aria-label="Window">
      <span class="muted">Last</span>
      {WINDOWS.map((w) => (
        <a
          key={w}
          href={`/projects/${encodeURIComponent(project)}?window=${w}d`}
          aria-current={w === days ? 'true' : undefined}
        >
          {w} days
        </a>
      ))}
    </nav>
  );
}

export default function Page({ project }: { project: string }) {
  const { query } = useLocation();
  const days = parseWindow(query.window);
  const [answer, setAnswer] = useState<HealthAnswer | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [loading, setLoading] = useState(true);
  const [now, setNow] = useState(Date.now());
  const latest = useRef(0);

  const load = async () => {
    const ticket = ++latest.current; // an older answer arriving late never replaces a newer one
    setLoading(true);
    try {
      const a = await loadHealth(project, days);
      if (ticket !== latest.current) return;
      setAnswer(a);
      setError(null);
      setNow(Date.now());
    } catch (err) {
      if (ticket === latest.current && !(err instanceof SessionEnded)) setError((err as Error).message);
    } finally {
      if (ticket === latest.current) setLoading(false);
    }
  };

  useEffect(() => {
    setAnswer(null);
    void load();
    // load reads project and days, the effect's dependencies.
  }, [project, days]);

  // Live: a change in the project refetches both reads, throttled.
  useEffect(() => {
    let timer: ReturnType<typeof setTimeout> | undefined;
    const soon = () => {
      timer ??= setTimeout(() => {
        timer = undefined;
        void load();
      }, REFETCH_MS);
    };
    const source = new EventSource(`/v1/stream?project=${encodeURIComponent(project)}`);
    for (const type of CHANGES) source.addEventListener(type, soon);
    source.addEventListener('reset', soon);
    return () => {
      source.close();
      if (timer) clearTimeout(timer);
    };
  }, [project, days]);

  useEffect(() => {
    document.title = `${project} · Project health · Verity`;
  }, [project]);

  const found = answer?.found ? answer : null;
  const specs = found ? chartSpecs(dailySeries(found.stats, now)) : [];
  return (
    <section class="health" aria-busy={loading} aria-labelledby="health-title">
      <div class="page-head">
        <h1 id="health-title">Project health</h1>
        <p class="health-project">
          <code>{project}</code>
        </p>
        <WindowPicker project={project} days={days} />
      </div>
      <p class="muted">
        The last {days} UTC days, today included: pipelines by the day they were created.{' '}
        <a href={`/?project=${encodeURIComponent(project)}`}>Pipelines of this project</a>
      </p>
      {error && (
        <p class="error" role="alert">
          Could not load the project's health: {error}
        </p>
      )}
      {answer && !answer.found && (
        <p class="empty health-missing" role="status">
          Project <code>{project}</code> not found: it does not exist, or this session may not read it.
        </p>
      )}
      {!answer && loading && <p class="muted">Loading…</p>}
      {found && (
        <>
          <h2 class="visually-hidden">Figures of the window</h2>
          <Figures stats={found.stats} health={found.health} />
          <section aria-labelledby="health-over-time">
            <h2 id="health-over-time">Over time</h2>
            <div class="health-charts">
              {specs.map((s) => (
                <Chart key={s.id} spec={s} />
              ))}
            </div>
          </section>
          <section aria-labelledby="health-stages">
            <h2 id="health-stages">Slowest stages</h2>
            <SlowestStages health={found.health} days={days} />
          </section>
          <section aria-labelledby="health-failures">
            <h2 id="health-failures">Failures by category</h2>
            <div class="health-pair">
              <div>
                <h3>By failure reason</h3>
                <FailureReasons health={found.health} days={days} />
              </div>
              <div>
                <h3>By the remediator's category</h3>
                <FailureCategories health={found.health} days={days} />
              </div>
            </div>
          </section>
          <section aria-labelledby="health-flaky">
            <h2 id="health-flaky">Most flaky jobs</h2>
            <FlakyJobs health={found.health} days={days} now={now} />
          </section>
        </>
      )}
    </section>
  );
}
