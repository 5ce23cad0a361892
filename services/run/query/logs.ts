// The query API's routes for a job's whole stored log (GET /v1/jobs/{id}/log) — to be built (docs/DASHBOARD.md).
import type { Router } from 'express';
import type { QueryDeps } from './deps.js';

export function logRoutes(_router: Router, _deps: QueryDeps): void {}
