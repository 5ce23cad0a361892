// The project health page's tables: the window's figures, the slowest stages, the failures by reason and by the
// remediator's category, the most flaky jobs, and a chart's data (its text alternative, beside it).
import type { ProjectHealth, ProjectStats } from './api.js';
import { ago, dayLabel, duration, percent, share, type ChartSpec } from './series.js';

/** The window's figures at a glance (from /stats, and the failed-job total of /health). */
export function Figures({ stats, health }: { stats: ProjectStats; health: ProjectHealth }) {
  const items: [string, string, string, string][] = [
    ['pipelines', 'Pipelines', String(stats.pipelines), `${stats.finished} finished`],
    [
      'success-rate',
      'Success rate',
      percent(stats.success_rate),
      `${stats.succeeded} of ${stats.finished} finished succeeded`,
    ],
    [
      'duration',
      'Pipeline duration',
      duration(stats.duration_ms.p50),
      `median; p95 ${duration(stats.duration_ms.p95)}`,
    ],
    [
      'queue-time',
      'Queue time',
      duration(stats.queue_time_ms.p50),
      `median of ${stats.queue_time_ms.jobs} jobs; p95 ${duration(stats.queue_time_ms.p95)}`,
    ],
    ['failed-jobs', 'Failed jobs', String(health.failed_jobs), 'attempts, retried ones too'],
    ['flaky-jobs', 'Flaky jobs', String(stats.flaky_jobs), 'failed, then passed on retry'],
  ];
  return (
    <dl class="health-figures">
      {items.map(([key, label, value, detail]) => (
        <div key={key} class="health-figure" data-figure={key}>
          <dt>{label}</dt>
          <dd>
            <span class="health-value">{value}</span>
            <span class="muted">{detail}</span>
          </dd>
        </div>
      ))}
    </dl>
  );
}

/** A chart's data as a table: one row per day, one column per series. */
export function ChartTable({ spec }: { spec: ChartSpec }) {
  return (
    <table class="health-table">
      <caption class="visually-hidden">{spec.title} per day</caption>
      <thead>
        <tr>
          <th scope="col">Day</th>
          {spec.series.map((s) => (
            <th scope="col" key={s.name}>
              {s.name}
            </th>
          ))}
        </tr>
      </thead>
      <tbody>
        {spec.days.map((day, i) => (
          <tr key={day}>
            <th scope="row">{dayLabel(day)}</th>
            {spec.series.map((s) => (
              <td key={s.name}>{s.text[i]}</td>
            ))}
          </tr>
        ))}
      </tbody>
    </table>
  );
}

export function SlowestStages({ health, days }: { health: ProjectHealth; days: number }) {
  if (health.slowest_stages.length === 0)
    return <p class="empty">No finished pipeline with jobs in the last {days} days.</p>;
  return (
    <table class="health-table" id="slowest-stages">
      <caption>Slowest first, by the p95 of the stage's wall time (first job start to last job end)</caption>
      <thead>
        <tr>
          <th scope="col">Stage</th>
          <th scope="col">Wall time p50</th>
          <th scope="col">Wall time p95</th>
          <th scope="col">Job p50</th>
          <th scope="col">Job p95</th>
          <th scope="col">Pipelines</th>
          <th scope="col">Job attempts</th>
        </tr>
      </thead>
      <tbody>
        {health.slowest_stages.map((s) => (
          <tr key={s.stage} data-stage={s.stage}>
            <th scope="row">{s.stage}</th>
            <td>{duration(s.wall_ms.p50)}</td>
            <td>{duration(s.wall_ms.p95)}</td>
            <td>{duration(s.job_duration_ms.p50)}</td>
            <td>{duration(s.job_duration_ms.p95)}</td>
            <td>{s.runs}</td>
            <td>{s.jobs}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

export function FailureReasons({ health, days }: { health: ProjectHealth; days: number }) {
  if (health.failures_by_reason.length === 0) return <p class="empty">No failed job in the last {days} days.</p>;
  return (
    <table class="health-table" id="failure-reasons">
      <caption>Failed job attempts by the CI's failure reason ({health.failed_jobs} in all)</caption>
      <thead>
        <tr>
          <th scope="col">Failure reason</th>
          <th scope="col">Failed jobs</th>
          <th scope="col">Share</th>
          <th scope="col">Allowed to fail</th>
        </tr>
      </thead>
      <tbody>
        {health.failures_by_reason.map((r) => (
          <tr key={r.failure_reason ?? ''} data-reason={r.failure_reason ?? ''}>
            <th scope="row">
              <code>{r.failure_reason ?? 'none reported'}</code>
            </th>
            <td>{r.jobs}</td>
            <td>{share(r.jobs, health.failed_jobs)}</td>
            <td>{r.allowed_to_fail}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

export function FailureCategories({ health, days }: { health: ProjectHealth; days: number }) {
  if (health.failures_by_category.length === 0)
    return <p class="empty">No remediation proposal in the last {days} days.</p>;
  return (
    <table class="health-table" id="failure-categories">
      <caption>Failed jobs by the category the remediator gave them (its proposals, shadow ones aside)</caption>
      <thead>
        <tr>
          <th scope="col">Category</th>
          <th scope="col">Failed jobs</th>
          <th scope="col">Proposals</th>
        </tr>
      </thead>
      <tbody>
        {health.failures_by_category.map((c) => (
          <tr key={c.category} data-category={c.category}>
            <th scope="row">
              <code>{c.category}</code>
            </th>
            <td>{c.failed_jobs}</td>
            <td>{c.proposals}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

export function FlakyJobs({ health, days, now }: { health: ProjectHealth; days: number; now: number }) {
  if (health.flaky_jobs.length === 0) return <p class="empty">No flaky job in the last {days} days.</p>;
  return (
    <table class="health-table" id="flaky-jobs">
      <caption>Jobs that failed, then passed on retry with the same commit — most often first</caption>
      <thead>
        <tr>
          <th scope="col">Job</th>
          <th scope="col">Times flaky</th>
          <th scope="col">Last seen</th>
        </tr>
      </thead>
      <tbody>
        {health.flaky_jobs.map((f) => (
          <tr key={f.name} data-job={f.name}>
            <th scope="row">{f.name}</th>
            <td>{f.flaky}</td>
            <td>
              <time dateTime={f.last_detected_at} title={f.last_detected_at}>
                {ago(f.last_detected_at, now)}
              </time>
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
