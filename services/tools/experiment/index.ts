// The experiment tool's public entry: what tools (the CLI, replay, experiments, the generator and the
// benchmarks) may use. Nothing else of services/tools/experiment is imported from outside it (.dependency-cruiser.cjs).
export { readDataset } from './dataset.js';
export { clampLabel, contextRecall, covers, evidenceHit } from './measures.js';
export { PROVIDER_NAMES, providerByName } from './providers.js';
export { comparisonTable, runExperiment, runFile } from './run-file.js';
export { windowCases } from './run-window.js';
export { runCv, type CvResult } from './cv.js';
export { cvReport } from './cv-report.js';
export { prepareLog, type LogInput, type Prediction, type TrainingLog, type Tunable } from './tunable.js';
export { TUNABLE_NAMES, tunableByName } from './tunables.js';
export { DEFAULT_LABELS, labelRecords } from './final-labels.js';
