// The fetcher service's public entry: what tools (the CLI, the configuration reference) may use. Nothing else of
// services/run/fetcher is imported from outside it (.dependency-cruiser.cjs).
export { fetcherConfigSpec, loadFetcherConfig, type FetcherConfig } from './config.js';
export { startFetcher, type RunningFetcher } from './main.js';
