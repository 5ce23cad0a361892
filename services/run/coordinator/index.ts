// The coordinator service's public entry: what tools (the CLI, the configuration reference) may use. Nothing
// else of services/run/coordinator is imported from outside it (.dependency-cruiser.cjs).
export { coordinatorConfigSpec, loadCoordinatorConfig } from './config.js';
export { startCoordinator, type RunningCoordinator } from './main.js';
