// Dashboard scenarios: the pipeline page (DAG, timeline, trigger links, retries) — to be written with the page.
import type { DashboardContext } from './context.js';

export function pipelineScenarios(_ctx: DashboardContext): void {}
