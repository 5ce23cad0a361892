// The query API's routes for operations (consumer lag, stalled partitions, dead letters, read-model versions) — to be built (docs/DASHBOARD.md).
import type { Router } from 'express';
import type { QueryDeps } from './deps.js';

export function operationsRoutes(_router: Router, _deps: QueryDeps): void {}
