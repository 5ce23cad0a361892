// The projector service's public entry: what tools (the CLI, replay, experiments, the generator and the
// benchmarks) may use. Nothing else of services/run/projector is imported from outside it (.dependency-cruiser.cjs).
export { loadProjectorConfig, type ProjectorConfig } from './config.js';
export { foldEvents } from './fold.js';
export { startProjector, type RunningProjector } from './main.js';
export { projectWindow, type WindowReport, type WindowRun } from './project-window.js';
export { runProjection, type ProjectionTarget } from './projection.js';
export { Projector } from './projector.js';
export { rebuild } from './rebuild.js';
export { RemediationStore } from './remediation-store.js';
export { type ProjectionSink, ProjectionStore } from './store.js';
export { type ProjectionWindow } from './window.js';
export { projectorConfigSpec } from './config.js';
