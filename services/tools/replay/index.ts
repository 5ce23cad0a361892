// The replay tool's public entry: what tools (the CLI, replay, experiments, the generator and the
// benchmarks) may use. Nothing else of services/tools/replay is imported from outside it (.dependency-cruiser.cjs).
export { atTime, offsetsOf, replay, type ReplayReport } from './replay.js';
export { type Bound, parseBound, parseReplayArgs, resolveWindow, windowSize } from './window.js';
