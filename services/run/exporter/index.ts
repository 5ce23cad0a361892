// The exporter service's public entry: what tools (the CLI, the supervisor, the configuration reference) may use.
// Nothing else of services/run/exporter is imported from outside it (.dependency-cruiser.cjs).
export { exporterConfigSpec, loadExporterConfig } from './config.js';
export { startExporter, type RunningExporter } from './main.js';
