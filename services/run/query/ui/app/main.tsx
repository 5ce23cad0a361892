// The dashboard's entry (docs/DASHBOARD.md): the app shell and its pages, routed in the browser
// (preact-iso; the query service answers the same shell on each of these paths: dashboard.ts APP_PATHS).
// The pipelines list is in the first page's script; every other page loads its own chunk when opened.
import { render } from 'preact';
import { ErrorBoundary, lazy, LocationProvider, Route, Router, useLocation } from 'preact-iso';
import { PipelinesPage } from './pipelines.js';
import './style.css';
import './pipeline/pipeline.css';
import './job/job.css';
import './ai/ai.css';
import './health/health.css';
import './operations/operations.css';

const PipelinePage = lazy(() => import('./pipeline/page.js'));
const JobPage = lazy(() => import('./job/page.js'));
const ScoreboardPage = lazy(() => import('./ai/page.js'));
const HealthPage = lazy(() => import('./health/page.js'));
const OperationsPage = lazy(() => import('./operations/page.js'));

const SECTIONS: [string, string, (path: string) => boolean][] = [
  ['/', 'Pipelines', (p) => p === '/' || p.startsWith('/pipelines/') || p.startsWith('/jobs/')],
  ['/ai', 'AI scoreboard', (p) => p === '/ai'],
  ['/operations', 'Operations', (p) => p === '/operations'],
];

function Nav() {
  const { path } = useLocation();
  return (
    <nav aria-label="Sections">
      {SECTIONS.map(([href, label, current]) => (
        <a key={href} href={href} aria-current={current(path) ? 'page' : undefined}>
          {label}
        </a>
      ))}
    </nav>
  );
}

function NotFound() {
  return (
    <section>
      <h1>Not found</h1>
      <p>
        No page here. <a href="/">Pipelines</a>
      </p>
    </section>
  );
}

function App() {
  return (
    <LocationProvider>
      <a class="skip" href="#main">
        Skip to content
      </a>
      <header class="top">
        <span class="brand">Verity</span>
        <Nav />
        <form method="post" action="/session/logout">
          <button type="submit" class="secondary">
            Log out
          </button>
        </form>
      </header>
      <main id="main" tabIndex={-1}>
        <ErrorBoundary>
          <Router>
            <Route path="/" component={PipelinesPage} />
            <Route path="/pipelines/:id" component={PipelinePage} />
            <Route path="/jobs/:id" component={JobPage} />
            <Route path="/ai" component={ScoreboardPage} />
            <Route path="/projects/:project" component={HealthPage} />
            <Route path="/operations" component={OperationsPage} />
            <Route default component={NotFound} />
          </Router>
        </ErrorBoundary>
      </main>
    </LocationProvider>
  );
}

render(<App />, document.getElementById('app')!);
