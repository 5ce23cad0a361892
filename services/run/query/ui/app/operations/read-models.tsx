// Read-model versions on the operations page: each rm_v<N> with its roles (active, served by the `rm` views,
// being built) in words and icons, and how far its projection read the two topics (a progress bar with its
// text): for a version `verity rebuild` is building, that is the rebuild's progress.
import type { ReadModels, Version } from './api.js';
import { count, percentText } from './format.js';

function Roles({ v }: { v: Version }) {
  const roles: [string, string, string][] = [];
  if (v.active) roles.push(['active', '✔', 'active']);
  if (v.serving) roles.push(['serving', '◉', 'served by the rm views']);
  if (v.building) roles.push(['building', '⟳', 'being built']);
  if (roles.length === 0) roles.push(['kept', '–', 'kept (not written)']);
  return (
    <>
      {roles.map(([key, icon, label]) => (
        <span key={key} class={`ops-role ops-role-${key}`} data-role={key}>
          <span aria-hidden="true">{icon}</span> {label}
        </span>
      ))}
    </>
  );
}

export function ReadModelsSection({ data }: { data: ReadModels | undefined }) {
  return (
    <section class="ops-section" aria-labelledby="ops-read-models">
      <h2 id="ops-read-models">Read models</h2>
      {data === undefined ? (
        <p class="muted">Loading…</p>
      ) : (
        <>
          <p class="ops-summary">
            The <code>rm</code> views serve version {data.serving ?? '—'}; the projector writes version{' '}
            {data.active ?? '—'}.{' '}
            {data.building !== null
              ? `Version ${data.building} is being built by verity rebuild: its progress is below.`
              : 'No rebuild is running: each version shows how far its projection read the topics (a version being built shows its progress the same way).'}
          </p>
          <table class="ops-table ops-versions">
            <caption class="visually-hidden">Read-model versions</caption>
            <thead>
              <tr>
                <th scope="col">Version</th>
                <th scope="col">Role</th>
                <th scope="col">Projection</th>
                <th scope="col">Progress</th>
              </tr>
            </thead>
            <tbody>
              {data.versions.map((v) =>
                v.projections.map((p, i) => (
                  <tr key={`${v.version}:${p.projection}`} data-version={v.version} data-active={String(v.active)}>
                    {i === 0 ? (
                      <>
                        <th scope="row" rowSpan={v.projections.length}>
                          <code>{v.schema}</code>
                        </th>
                        <td rowSpan={v.projections.length}>
                          <Roles v={v} />
                        </td>
                      </>
                    ) : null}
                    <td>
                      <code>{p.projection}</code>
                    </td>
                    <td class="ops-progress">
                      <progress max={100} value={p.percent} aria-label={`Progress of ${p.projection}`} />{' '}
                      <span>
                        {percentText(p.percent)} — {count(p.done)} of {count(p.total)} events
                      </span>
                      <div class="muted">
                        {p.topics
                          .map(
                            (t) =>
                              `${t.topic}: ${percentText(t.percent)}, ${t.checkpoints}/${t.partitions} partitions checkpointed`,
                          )
                          .join(' · ')}
                      </div>
                    </td>
                  </tr>
                )),
              )}
            </tbody>
          </table>
        </>
      )}
    </section>
  );
}
