// Dashboard scenarios: the operations page — to be written with the page.
import type { DashboardContext } from './context.js';

export function operationsScenarios(_ctx: DashboardContext): void {}
