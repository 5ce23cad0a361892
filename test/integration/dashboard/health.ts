// Dashboard scenarios: the project health page — to be written with the page.
import type { DashboardContext } from './context.js';

export function healthScenarios(_ctx: DashboardContext): void {}
