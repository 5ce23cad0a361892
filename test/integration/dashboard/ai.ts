// Dashboard scenarios: the AI scoreboard — to be written with the page.
import type { DashboardContext } from './context.js';

export function scoreboardScenarios(_ctx: DashboardContext): void {}
