// The query API's routes for a project's health beyond /stats — to be built (docs/DASHBOARD.md).
import type { Router } from 'express';
import type { QueryDeps } from './deps.js';

export function healthRoutes(_router: Router, _deps: QueryDeps): void {}
