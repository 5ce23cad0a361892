// The remediator service's public entry: what tools (the CLI, replay, experiments, the generator and the
// benchmarks) may use. Nothing else of services/run/remediator is imported from outside it (.dependency-cruiser.cjs).
export { loadRemediatorConfig } from './config.js';
export { ContextSource } from './context.js';
export { createProvider } from './providers/index.js';
export { startRemediator, type RunningRemediator } from './main.js';
export { remediatorConfigSpec } from './config.js';
