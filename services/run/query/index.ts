// The query service's public entry: what tools (the CLI, replay, experiments, the generator and the
// benchmarks) may use. Nothing else of services/run/query is imported from outside it (.dependency-cruiser.cjs).
export { loadQueryConfig } from './config.js';
export { encodeCursor } from './cursor.js';
export { startQuery, type RunningQuery } from './main.js';
export { queryConfigSpec } from './config.js';
export { FIRST_ROWS_MARK } from './ui/app/marks.js';
