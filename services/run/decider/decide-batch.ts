// Functional core of the decider's loop: a batch of intake reports, the states they address →
// canonical events, rejections and the new states. No I/O; the shell (consumer.ts) commits the
// result in one Kafka transaction and only then adopts the new states.
import type { IntakeEvent, PipelineEvent, ReportRejected } from '../../lib/core/events/generated.js';
import { decide, evolveAll, type DecideContext, type PipelineState } from '../../lib/core/pipeline/index.js';

export interface BatchResult {
  events: PipelineEvent[];
  rejections: ReportRejected[];
  /** New state of every pipeline the batch changed (copy-on-write: the input map is untouched). */
  touched: Map<string, PipelineState>;
}

export function decideBatch(
  states: ReadonlyMap<string, PipelineState>,
  reports: IntakeEvent[],
  ctx: DecideContext,
): BatchResult {
  const touched = new Map<string, PipelineState>();
  const events: PipelineEvent[] = [];
  const rejections: ReportRejected[] = [];
  for (const report of reports) {
    const state = touched.get(report.pipeline_id) ?? states.get(report.pipeline_id) ?? null;
    const decision = decide(state, report, ctx);
    if (decision.kind === 'accepted') {
      const next = evolveAll(state, decision.events);
      if (next) touched.set(report.pipeline_id, next);
      events.push(...decision.events);
    } else {
      rejections.push({
        type: 'ReportRejected',
        report_id: report.report_id,
        pipeline_id: report.pipeline_id,
        project_id: report.project_id,
        recorded_at: ctx.now,
        correlation_id: report.correlation_id,
        report_type: report.type,
        code: decision.code,
        message: decision.message,
        details: decision.details,
      });
    }
  }
  return { events, rejections, touched };
}
