// The ingest service's public entry: what tools (the CLI, replay, experiments, the generator and the
// benchmarks) may use. Nothing else of services/run/ingest is imported from outside it (.dependency-cruiser.cjs).
export { bulkLineHead } from './api-schemas.js';
export { loadIngestConfig } from './config.js';
export {
  type ApiCreatePipeline,
  type ApiJob,
  commandRecord,
  createPipelineRecord,
  jobReportRecord,
  type RecordContext,
} from './intake-records.js';
export { excerptFor, type IngestDeps, validators } from './deps.js';
export { startIngest, type RunningIngest } from './main.js';
export { ingestConfigSpec } from './config.js';
