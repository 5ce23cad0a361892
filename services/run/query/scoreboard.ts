// The query API's routes for the AI scoreboard's series — to be built (docs/DASHBOARD.md).
import type { Router } from 'express';
import type { QueryDeps } from './deps.js';

export function scoreboardRoutes(_router: Router, _deps: QueryDeps): void {}
