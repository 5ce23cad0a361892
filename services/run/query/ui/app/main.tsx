// The dashboard's entry (docs/DASHBOARD.md): the app shell's #app, the pipelines page.
import { render } from 'preact';
import { PipelinesPage } from './pipelines.js';
import './style.css';

function App() {
  return (
    <>
      <a class="skip" href="#main">
        Skip to content
      </a>
      <header class="top">
        <span class="brand">Verity</span>
        <nav aria-label="Sections">
          <a href="/" aria-current="page">
            Pipelines
          </a>
        </nav>
        <form method="post" action="/session/logout">
          <button type="submit" class="secondary">
            Log out
          </button>
        </form>
      </header>
      <main id="main" tabIndex={-1}>
        <PipelinesPage />
      </main>
    </>
  );
}

render(<App />, document.getElementById('app')!);
