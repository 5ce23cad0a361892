// The Operations page (docs/DASHBOARD.md, "Operations"): consumer lag and stalled partitions per group, the
// dead letters with their reasons and a Replay button, the read-model versions and rebuild progress.
// It polls (every REFRESH_MS while the tab is visible, not at all while hidden): offsets and checkpoints have no
// event stream to listen to (GET /v1/stream carries pipeline events), and the API reuses its broker reads for
// 3 s, so a faster page would not see more. A session whose token is scoped to projects gets 403 from these
// routes: the page says why instead of showing empty tables.
import { useCallback, useEffect, useRef, useState } from 'preact/hooks';
import { SessionEnded } from '../api.js';
import {
  Forbidden,
  loadConsumers,
  loadDeadLetters,
  loadReadModels,
  type Consumers,
  type DeadLetters,
  type ReadModels,
} from './api.js';
import { ConsumersSection } from './consumers.js';
import { DeadLettersSection } from './dead-letters.js';
import { nextRefresh, REFRESH_MS } from './format.js';
import { ReadModelsSection } from './read-models.js';

function ForbiddenNote() {
  return (
    <section class="ops-forbidden" aria-labelledby="ops-forbidden">
      <h2 id="ops-forbidden">
        <span aria-hidden="true">⚠</span> Not for this session
      </h2>
      <p>
        This page needs a token for every project (<code>*</code>). Consumers, dead letters and read models belong to
        the whole system — a dead letter holds the record of whichever project it came from — so the operations routes
        answer 403 to a token scoped to projects.
      </p>
      <p>
        Log out and log in with a read token whose projects are <code>*</code> to see them.
      </p>
    </section>
  );
}

export default function OperationsPage() {
  const [consumers, setConsumers] = useState<Consumers>();
  const [deadLetters, setDeadLetters] = useState<DeadLetters>();
  const [readModels, setReadModels] = useState<ReadModels>();
  const [forbidden, setForbidden] = useState(false);
  const [errors, setErrors] = useState<string[]>([]);
  const [updated, setUpdated] = useState<number>();
  const timer = useRef<number | undefined>(undefined);
  const mounted = useRef(true);
  const loading = useRef(false);

  const load = useCallback(async () => {
    if (loading.current) return;
    loading.current = true;
    window.clearTimeout(timer.current);
    const [c, d, m] = await Promise.allSettled([loadConsumers(), loadDeadLetters(), loadReadModels()]);
    loading.current = false;
    if (!mounted.current) return;
    const failures = [c, d, m].flatMap((r) => (r.status === 'rejected' ? [r.reason as Error] : []));
    if (failures.some((e) => e instanceof SessionEnded)) return; // on the way to the login page
    if (failures.some((e) => e instanceof Forbidden)) return void setForbidden(true); // no further polls
    if (c.status === 'fulfilled') setConsumers(c.value);
    if (d.status === 'fulfilled') setDeadLetters(d.value);
    if (m.status === 'fulfilled') setReadModels(m.value);
    setErrors(failures.map((e) => e.message));
    setUpdated(Date.now());
    const next = nextRefresh(document.visibilityState === 'visible', Date.now());
    if (next !== null) timer.current = window.setTimeout(() => void load(), next - Date.now());
  }, []);

  useEffect(() => {
    mounted.current = true;
    void load();
    const onVisibility = () => {
      if (document.visibilityState === 'visible') void load();
      else window.clearTimeout(timer.current);
    };
    document.addEventListener('visibilitychange', onVisibility);
    return () => {
      mounted.current = false;
      window.clearTimeout(timer.current);
      document.removeEventListener('visibilitychange', onVisibility);
    };
  }, [load]);

  const now = updated ?? Date.now();
  return (
    <section class="ops">
      <div class="page-head">
        <h1>Operations</h1>
        {forbidden ? null : (
          <>
            <p class="live ops-updated">
              {updated === undefined
                ? 'Loading…'
                : `Updated ${new Date(updated).toLocaleTimeString('en-GB')} · refreshes every ${REFRESH_MS / 1000} s while this tab is visible`}
            </p>
            <button type="button" class="secondary" onClick={() => void load()}>
              Refresh now
            </button>
          </>
        )}
      </div>
      {forbidden ? (
        <ForbiddenNote />
      ) : (
        <>
          {errors.length > 0 ? (
            <p class="error" role="alert">
              Could not read everything: {errors.join('; ')}. Showing the last answers.
            </p>
          ) : null}
          <ConsumersSection data={consumers} />
          <DeadLettersSection data={deadLetters} now={now} onReplayed={() => void load()} />
          <ReadModelsSection data={readModels} />
        </>
      )}
    </section>
  );
}
