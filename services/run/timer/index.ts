// The timer service's public entry: what tools (the CLI, the configuration reference) may use. Nothing else of
// services/run/timer is imported from outside it (.dependency-cruiser.cjs).
export { loadTimerConfig, timerConfigSpec } from './config.js';
export { startTimer, type RunningTimer } from './main.js';
