// The load generator's public entry: realistic, seeded CI traffic for the demo, the benchmarks and the
// tests. Nothing else of services/tools/generator is imported from outside it (.dependency-cruiser.cjs).
export { runGenerator, DEFAULT_LOGS, type GeneratorOptions, type Summary } from './main.js';
export type { Ledger, LedgerEntry, Progress } from './ledger.js';
export { fixedMix, type FixedMix } from './fixed-mix.js';
