// Dead letters on the operations page: per dead-letter topic its count, the newest records with why they died
// (the dlq-* headers), where from and a masked text preview (never the value), and the Replay button (a
// confirm step, then POST …/redrive, then its result); and the poison events the projector recorded in Postgres.
import { useRef, useState } from 'preact/hooks';
import { Forbidden, redrive, type DeadLetter, type DeadLetters, type DeadLetterTopic } from './api.js';
import { ago, bytes, count, plural } from './format.js';

type ReplayState =
  | { step: 'idle' }
  | { step: 'confirm' }
  | { step: 'running' }
  | { step: 'done'; redriven: number }
  | { step: 'failed'; why: string };

function Replay({ t, onDone }: { t: DeadLetterTopic; onDone: () => void }) {
  const [state, setState] = useState<ReplayState>({ step: 'idle' });
  const confirmRef = useRef<HTMLButtonElement>(null);
  const ask = () => {
    setState({ step: 'confirm' });
    setTimeout(() => confirmRef.current?.focus(), 0);
  };
  const run = async () => {
    setState({ step: 'running' });
    try {
      const r = await redrive(t.topic);
      setState({ step: 'done', redriven: r.redriven });
      onDone();
    } catch (err) {
      const why =
        err instanceof Forbidden
          ? 'this session may not replay (it needs a token for every project)'
          : (err as Error).message;
      setState({ step: 'failed', why });
    }
  };
  return (
    <div class="ops-replay">
      {state.step === 'confirm' ? (
        <div role="group" aria-label={`Confirm the replay of ${t.dlq}`} class="ops-confirm">
          <p>
            Re-publish the {t.exact ? '' : 'up to '}
            {plural(t.pending, 'dead letter')} of <code>{t.dlq}</code> not replayed yet to <code>{t.topic}</code>, each
            once, without their dlq-* headers?
          </p>
          <button type="button" ref={confirmRef} onClick={() => void run()}>
            Replay now
          </button>{' '}
          <button type="button" class="secondary" onClick={() => setState({ step: 'idle' })}>
            Cancel
          </button>
        </div>
      ) : (
        <button type="button" onClick={ask} disabled={state.step === 'running' || t.pending === 0} data-topic={t.topic}>
          {state.step === 'running' ? 'Replaying…' : t.pending === 0 ? 'Nothing to replay' : `Replay ${t.dlq}…`}
        </button>
      )}
      <p role="status" class="ops-replay-result">
        {state.step === 'done' ? `Replayed ${plural(state.redriven, 'record')} to ${t.topic}.` : ''}
        {state.step === 'failed' ? <span class="error">Replay failed: {state.why}</span> : null}
      </p>
    </div>
  );
}

function Record({ r, now }: { r: DeadLetter; now: number }) {
  const from =
    r.source_topic === null ? '—' : `${r.source_topic}[${r.source_partition ?? '?'}] @ ${r.source_offset ?? '?'}`;
  return (
    <tr data-offset={r.offset} data-partition={r.partition}>
      <td>
        <time dateTime={r.timestamp} title={r.timestamp}>
          {ago(r.timestamp, now)}
        </time>
      </td>
      <td class="num">
        {r.partition} @ {r.offset}
      </td>
      <td>
        <code>{r.key ?? '—'}</code>
      </td>
      <td class="ops-reason">
        <strong>{r.reason ?? 'no reason recorded'}</strong>
        {r.error_class && r.error_class !== r.reason ? <div class="muted">{r.error_class}</div> : null}
        {r.error ? <div class="ops-error">{r.error}</div> : null}
        {r.redriven_from ? <div class="muted">died again after a replay of {r.redriven_from}</div> : null}
      </td>
      <td>
        <code>{from}</code>
        {r.consumer_group ? <div class="muted">by {r.consumer_group}</div> : null}
      </td>
      <td>
        {r.kind === 'none' ? 'no value' : `${r.kind}, ${bytes(r.bytes)}`}
        {r.kind === 'avro' && r.schema_id !== null ? <div class="muted">schema {r.schema_id}</div> : null}
        {r.preview !== null ? <code class="ops-preview">{r.preview}</code> : null}
      </td>
    </tr>
  );
}

function Topic({ t, now, onReplayed }: { t: DeadLetterTopic; now: number; onReplayed: () => void }) {
  return (
    <section class="ops-dlq" data-topic={t.topic} aria-labelledby={`dlq-${t.dlq}`}>
      <h3 id={`dlq-${t.dlq}`}>
        <code>{t.dlq}</code>
      </h3>
      <p class="ops-dlq-count">
        {t.exact ? '' : 'up to '}
        {plural(t.count, 'dead letter')} · {t.exact ? '' : 'up to '}
        {count(t.pending)} not replayed yet
        {t.complete ? '' : ' · the read stopped at its deadline: the newest may be missing'}
      </p>
      {t.redrivable ? (
        <Replay t={t} onDone={onReplayed} />
      ) : (
        <p class="muted">
          Not replayed from here: <code>{t.topic}</code> is written by the decider alone. Fix the projector, then run{' '}
          <code>verity rebuild</code> (it projects every event again from offset 0).
        </p>
      )}
      {t.records.length > 0 ? (
        <table class="ops-table">
          <caption class="visually-hidden">Newest dead letters of {t.dlq}</caption>
          <thead>
            <tr>
              <th scope="col">When</th>
              <th scope="col">Partition @ offset</th>
              <th scope="col">Key</th>
              <th scope="col">Reason</th>
              <th scope="col">From</th>
              <th scope="col">Value</th>
            </tr>
          </thead>
          <tbody>
            {t.records.map((r) => (
              <Record key={`${r.partition}:${r.offset}`} r={r} now={now} />
            ))}
          </tbody>
        </table>
      ) : null}
    </section>
  );
}

export function DeadLettersSection(props: { data: DeadLetters | undefined; now: number; onReplayed: () => void }) {
  const { data, now, onReplayed } = props;
  const poison = data?.projections;
  return (
    <section class="ops-section" aria-labelledby="ops-dead-letters">
      <h2 id="ops-dead-letters">Dead letters</h2>
      {data === undefined ? <p class="muted">Loading…</p> : null}
      {data?.topics.map((t) =>
        t.count === 0 ? (
          <p key={t.topic} class="ops-dlq-empty" data-topic={t.topic}>
            <code>{t.dlq}</code> <span class="muted">— empty</span>
          </p>
        ) : (
          <Topic key={t.topic} t={t} now={now} onReplayed={onReplayed} />
        ),
      )}
      {poison && poison.counts.length > 0 ? (
        <section class="ops-dlq" aria-labelledby="ops-poison">
          <h3 id="ops-poison">Poison events the projector recorded (Postgres)</h3>
          <p class="muted">
            {poison.counts.map((c) => `${c.projection} ${c.topic}: ${count(c.count)}`).join(' · ')}. The projector moved
            past them; after a fix, <code>verity rebuild</code> projects them again.
          </p>
          <table class="ops-table">
            <caption class="visually-hidden">Newest poison events of the projections</caption>
            <thead>
              <tr>
                <th scope="col">When</th>
                <th scope="col">Projection</th>
                <th scope="col">Where</th>
                <th scope="col">Pipeline</th>
                <th scope="col">Reason</th>
              </tr>
            </thead>
            <tbody>
              {poison.newest.map((p) => (
                <tr key={`${p.projection}:${p.topic}:${p.partition}:${p.offset}`}>
                  <td>{ago(p.recorded_at, now)}</td>
                  <td>
                    <code>{p.projection}</code>
                  </td>
                  <td>
                    <code>
                      {p.topic}[{p.partition}] @ {p.offset}
                    </code>
                  </td>
                  <td>
                    <code>{p.pipeline_id ?? '—'}</code>
                  </td>
                  <td class="ops-reason">
                    <strong>{p.reason}</strong>
                    <div class="ops-error">{p.error}</div>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </section>
      ) : null}
    </section>
  );
}
