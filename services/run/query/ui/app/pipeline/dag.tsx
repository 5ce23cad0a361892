// The pipeline's graph: stages as columns, each job a node (a link to its attempt's page, or to the pipeline
// it triggered), `needs` as arrows, laid out by dagre (dag-layout.ts). A node shows its status as colour,
// icon and word; a retried job shows its earlier attempts as cards stacked behind it. The layout depends
// only on the jobs' names, stages and needs, so a status change redraws the nodes in place.
import { useMemo } from 'preact/hooks';
import { useLocation } from 'preact-iso';
import { duration } from '../pipelines.js';
import { nodeText } from './format.js';
import { STATUS_ICONS, statusLabel } from '../status-names.js';
import type { Attempt, Job, Stage } from './api.js';
import { edgePath, layoutDag, type LayoutJob } from './dag-layout.js';

/** Cards drawn behind a retried job (more earlier attempts still say so in words). */
const MAX_STACK = 3;
const STACK_OFFSET = 4;

/** The job's duration: as reported once finished, so far while it runs. */
export function runningMs(job: Pick<Job, 'duration_ms' | 'started_at' | 'finished_at'>, now: number): number | null {
  if (job.duration_ms !== null) return job.duration_ms;
  if (job.started_at && !job.finished_at) return Math.max(0, now - Date.parse(job.started_at));
  return null;
}

/** A link inside the SVG: preact-iso routes only HTML <a> clicks, so route these in place too (no reload). */
function useSvgLink(): (e: MouseEvent) => void {
  const { route } = useLocation();
  return (e) => {
    if (e.button !== 0 || e.ctrlKey || e.metaKey || e.altKey || e.shiftKey || e.defaultPrevented) return;
    const href = (e.currentTarget as Element).getAttribute('href');
    if (!href?.startsWith('/')) return;
    e.preventDefault();
    route(href);
  };
}

export function Dag({
  stages,
  jobs,
  attempts,
  now,
}: {
  stages: Stage[];
  jobs: Job[];
  attempts: ReadonlyMap<string, Attempt[]>;
  now: number;
}) {
  const shape = JSON.stringify([stages.map((s) => s.name), jobs.map((j) => [j.name, j.stage, j.needs])]);
  const layout = useMemo(() => {
    const [order, list] = JSON.parse(shape) as [string[], [string, string, string[] | null][]];
    return layoutDag(
      order,
      list.map(([name, stage, needs]): LayoutJob => ({ name, stage, needs })),
    );
  }, [shape]);
  const byName = new Map(jobs.map((j) => [j.name, j]));
  const follow = useSvgLink();
  const stageStatus = new Map(stages.map((s) => [s.name, s.status]));
  // Room for the stacked cards right and below, and for the columns' margin left.
  const pad = STACK_OFFSET * MAX_STACK + 4;
  const left = 8;
  const width = layout.width + pad + left;
  const height = layout.height + pad;

  return (
    <div class="dag-scroll">
      <svg
        class="dag"
        width={width}
        height={height}
        viewBox={`${-left} 0 ${width} ${height}`}
        role="group"
        aria-label={`Jobs by stage, ${layout.edges.length} needs drawn as arrows`}
      >
        <defs>
          <marker id="dag-arrow" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" markerHeight="7" orient="auto">
            <path d="M0,0 L10,5 L0,10 z" class="dag-arrow" />
          </marker>
        </defs>
        {layout.columns.map((c) => {
          const status = stageStatus.get(c.name);
          return (
            <g class="dag-column" key={c.name} data-stage={c.name}>
              <rect x={c.x - 8} y={0} width={c.width + 16 + pad} height={height} rx={6} />
              <text x={c.x} y={18} class="dag-stage">
                <title>{status ? `stage ${c.name}: ${statusLabel(status)}` : `stage ${c.name}`}</title>
                {status && <tspan aria-hidden="true">{STATUS_ICONS[status] ?? '•'} </tspan>}
                {c.name}
              </text>
            </g>
          );
        })}
        {layout.edges.map((e) => (
          <path
            key={`${e.from}>${e.to}`}
            class="dag-edge"
            data-from={e.from}
            data-to={e.to}
            d={edgePath(e.points)}
            marker-end="url(#dag-arrow)"
          />
        ))}
        {layout.nodes.map((n) => {
          const job = byName.get(n.name)!;
          const ms = runningMs(job, now);
          const text = nodeText(job, ms === null ? null : duration(ms));
          const earlier = attempts.get(job.job_id)?.filter((a) => a.job_id !== job.job_id);
          const stacked = Math.min(MAX_STACK, job.attempt - 1);
          const href = job.downstream_pipeline_id ? `/pipelines/${job.downstream_pipeline_id}` : `/jobs/${job.job_id}`;
          return (
            <g key={n.name} class="dag-job" data-status={job.status}>
              {/* A tooltip for the whole node, outside the link: the link's name is what it shows. */}
              <title>
                {earlier && earlier.length > 0
                  ? `${job.name} — earlier: ${earlier.map((a) => `attempt ${a.attempt} ${statusLabel(a.status)}`).join(', ')}`
                  : job.name}
              </title>
              {Array.from({ length: stacked }, (_, i) => {
                const k = stacked - i;
                return (
                  <rect
                    class="dag-stack"
                    x={n.x + k * STACK_OFFSET}
                    y={n.y + k * STACK_OFFSET}
                    width={n.width}
                    height={n.height}
                    rx={6}
                  />
                );
              })}
              {/* The spaces after each text: a screen reader (and axe) joins the texts of the link without one. */}
              <a
                href={href}
                class="dag-node"
                data-job={job.name}
                data-job-id={job.job_id}
                data-status={job.status}
                data-attempt={job.attempt}
                aria-label={text.label}
                onClick={follow}
              >
                <rect class="dag-box" x={n.x} y={n.y} width={n.width} height={n.height} rx={6} />
                <text x={n.x + 34} y={n.y + 20} class="dag-name">
                  {text.name}{' '}
                </text>
                <text x={n.x + 10} y={n.y + 38} class="dag-meta">
                  {text.meta}{' '}
                </text>
                <text x={n.x + 10} y={n.y + 55} class="dag-meta">
                  {text.extra}{' '}
                </text>
              </a>
              {/* The status icon, outside the link: its accessible name is its words (status in words). */}
              <text x={n.x + 10} y={n.y + 20} class="dag-icon" aria-hidden="true">
                {STATUS_ICONS[job.status] ?? '•'}
              </text>
            </g>
          );
        })}
      </svg>
    </div>
  );
}
