// The decider service's public entry: what tools (the CLI, replay, experiments, the generator and the
// benchmarks) may use. Nothing else of services/run/decider is imported from outside it (.dependency-cruiser.cjs).
export { loadDeciderConfig } from './config.js';
export { decideBatch } from './decide-batch.js';
export { startDecider, type RunningDecider } from './main.js';
export { deciderConfigSpec } from './config.js';
