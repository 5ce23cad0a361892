// The scorer service's public entry: what tools (the CLI, replay, experiments, the generator and the
// benchmarks) may use. Nothing else of services/run/scorer is imported from outside it (.dependency-cruiser.cjs).
export { loadScorerConfig } from './config.js';
export { retryOutcome } from './outcomes.js';
export { startScorer, type RunningScorer } from './main.js';
export { scorerConfigSpec } from './config.js';
