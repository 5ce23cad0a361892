// Auto-cancel of redundant pipelines: a new pipeline on a (project, ref) makes the older pipelines alive on
// that ref with a different sha redundant (GitLab's Ci::PipelineCreation::CancelRedundantPipelinesService,
// run when a pipeline is created). The coordinator only decides WHO is redundant: each of them gets an
// AutoCancel and cancels what its own workflow:auto_cancel:on_new_commit allows. Pure:
//   opened   a pipeline not yet open: AutoCancel to every open pipeline created before it (by created_at,
//            then pipeline id) with another sha, then it joins the open set. One that arrives after a newer
//            pipeline with another sha (deciders of different pipelines are not ordered) is redundant itself:
//            AutoCancel to it, by the oldest such newer pipeline. Re-opened by a retry, it joins without
//            canceling anyone (GitLab runs the canceler at creation only). Already open: nothing.
//   closed   it leaves the open set (a finished pipeline is never canceled).
// The open set is bounded (REF_OPEN_MAX): past it the oldest pipelines are dropped and reported, so the
// shell can log and count them; a dropped pipeline is no longer auto-canceled.
import type { RefPipelineClosed, RefPipelineOpened } from '../events/generated.js';
import { comparePipelineAge } from './order.js';
import type { CoordinationReport, Outcome, RefPipeline, RefState } from './state.js';

/** Most pipelines alive on one ref the coordinator keeps (GitLab looks at a bounded number as well). */
export const REF_OPEN_MAX = 1000;

export function openPipeline(state: RefState | null, opened: RefPipelineOpened, max = REF_OPEN_MAX): Outcome<RefState> {
  const current: RefState = state ?? { kind: 'ref', project_id: opened.project_id, ref: opened.ref, open: [] };
  if (current.open.some((p) => p.pipeline_id === opened.pipeline_id)) return { state, reports: [], dropped: [] };
  const entry: RefPipeline = { pipeline_id: opened.pipeline_id, sha: opened.sha, created_at: opened.created_at };
  const reports: CoordinationReport[] = [];
  if (!opened.reopened) {
    const cancel = (p: RefPipeline, by: RefPipeline) =>
      reports.push({
        type: 'AutoCancel',
        pipeline_id: p.pipeline_id,
        project_id: current.project_id,
        by_pipeline_id: by.pipeline_id,
      });
    for (const p of current.open) if (p.sha !== entry.sha && comparePipelines(p, entry) < 0) cancel(p, entry);
    // Pipelines of one ref come from different deciders (keyed by pipeline id), so a pipeline can arrive
    // after a newer one: it was alive when that one was created, so it is redundant already.
    const newer = current.open.find((p) => p.sha !== entry.sha && comparePipelines(entry, p) < 0);
    if (newer) cancel(entry, newer);
  }
  const at = current.open.findIndex((p) => comparePipelines(entry, p) < 0);
  const all = at < 0 ? [...current.open, entry] : [...current.open.slice(0, at), entry, ...current.open.slice(at)];
  const cut = Math.max(0, all.length - max);
  return { state: { ...current, open: all.slice(cut) }, reports, dropped: all.slice(0, cut) };
}

export function closePipeline(state: RefState | null, closed: RefPipelineClosed): Outcome<RefState> {
  if (state === null || !state.open.some((p) => p.pipeline_id === closed.pipeline_id))
    return { state, reports: [], dropped: [] };
  const open = state.open.filter((p) => p.pipeline_id !== closed.pipeline_id);
  return { state: open.length === 0 ? null : { ...state, open }, reports: [], dropped: [] };
}

const comparePipelines = (a: RefPipeline, b: RefPipeline): number =>
  comparePipelineAge(a.created_at, a.pipeline_id, b.created_at, b.pipeline_id);
