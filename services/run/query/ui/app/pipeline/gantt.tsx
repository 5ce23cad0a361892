// The pipeline's timeline: a row per job, grouped by stage, with a bar for the time it waited in the queue
// (hatched) and one for the time it ran (solid), on an axis of time since the first job was enqueued. Each
// bar says what it is in words too (its title, and text a screen reader reads), never by colour alone.
import { duration } from '../pipelines.js';
import { StatusBadge } from '../status.js';
import type { Job, Stage } from './api.js';
import { ganttScale, jobBars, type Bar } from './gantt-scale.js';

const pct = (v: number) => `${(v * 100).toFixed(3)}%`;

function barText(b: Bar): string {
  return `${b.kind === 'queued' ? 'queued' : 'ran'} ${duration(b.ms)}${b.open ? ' so far' : ''}`;
}

export function Gantt({ stages, jobs, now }: { stages: Stage[]; jobs: Job[]; now: number }) {
  const scale = ganttScale(jobs, now);
  if (!scale) return <p class="empty">No job has been enqueued yet.</p>;
  return (
    <div class="gantt-wrap">
      <p class="gantt-legend" aria-hidden="true">
        <span class="gantt-bar gantt-queued gantt-key" /> queued <span class="gantt-bar gantt-running gantt-key" />{' '}
        running
      </p>
      <table class="gantt">
        <caption class="visually-hidden">
          Jobs by stage: time queued and time running, from the first job enqueued (
          {new Date(scale.start).toLocaleTimeString()})
        </caption>
        <thead>
          <tr>
            <th scope="col">Job</th>
            <th scope="col">
              <span class="visually-hidden">Time since the first job was enqueued</span>
              <div class="gantt-axis" aria-hidden="true">
                {scale.ticks.map((t) => (
                  <span key={t.offsetMs} class="gantt-tick" style={{ left: pct(t.at) }}>
                    {t.label}
                  </span>
                ))}
              </div>
            </th>
          </tr>
        </thead>
        {stages.map((s) => (
          <tbody key={s.name}>
            <tr class="gantt-stage">
              <th scope="colgroup" colSpan={2}>
                {s.name} <StatusBadge status={s.status} />
              </th>
            </tr>
            {jobs
              .filter((j) => j.stage === s.name)
              .map((j) => {
                const bars = jobBars(j, scale, now);
                return (
                  <tr key={j.name} class="gantt-row" data-job={j.name} data-status={j.status}>
                    <th scope="row">
                      <a href={`/jobs/${j.job_id}`}>{j.name}</a>
                      {j.attempt > 1 && <span class="muted"> (attempt {j.attempt})</span>}{' '}
                      <StatusBadge status={j.status} />
                    </th>
                    <td>
                      <div class="gantt-track">
                        {scale.ticks.map((t) => (
                          <span key={t.offsetMs} class="gantt-grid" style={{ left: pct(t.at) }} />
                        ))}
                        {bars.map((b) => (
                          <span
                            key={b.kind}
                            class={`gantt-bar gantt-${b.kind}${b.open ? ' gantt-open' : ''}`}
                            style={{ left: pct(b.left), width: pct(b.width) }}
                            title={barText(b)}
                          />
                        ))}
                        <span class={bars.length ? 'visually-hidden' : 'gantt-none'}>
                          {bars.length ? bars.map(barText).join(', ') : 'not enqueued'}
                        </span>
                      </div>
                    </td>
                  </tr>
                );
              })}
          </tbody>
        ))}
      </table>
    </div>
  );
}
