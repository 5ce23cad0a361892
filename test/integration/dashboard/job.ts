// Dashboard scenarios: the job page (log viewer, evidence, proposal, feedback) — to be written with the page.
import type { DashboardContext } from './context.js';

export function jobScenarios(_ctx: DashboardContext): void {}
