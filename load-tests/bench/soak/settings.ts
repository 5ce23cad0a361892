// The soak's settings: its length and rate from the environment (see soak.ts), the sampling and tick
// periods, what counts as flat, the heap snapshots, and the names that isolate this run (topic prefix,
// scratch database).
import { join } from 'node:path';
import { REPO_ROOT } from '../../../services/lib/platform/schemas/catalog.js';

export const MINUTES = Number(process.env.BENCH_SOAK_MINUTES ?? (process.env.BENCH_PROFILE === 'quick' ? 2 : 10));
export const RATE = Number(process.env.BENCH_SOAK_RATE ?? 300);
export const SAMPLE_MS = 5000;
export const TICK_MS = 200;
/** Issue 17's memory target: an RSS slope under 1 MiB per 10 minutes after warm-up (the first half). */
export const FLAT_MIB_PER_MIN = 0.1;
/** When, as a fraction of the soak, the first heap snapshot of every service is taken (the second at the end). */
export const SNAPSHOT_AT = 0.25;
/** BENCH_SOAK_HEAP_SNAPSHOTS=0 skips the snapshots (each pauses a service for a few seconds). */
export const SNAPSHOTS = process.env.BENCH_SOAK_HEAP_SNAPSHOTS !== '0';
export const RETENTION_MS = Number(process.env.DECIDER_FINISHED_RETENTION_MS || 24 * 60 * 60 * 1000);
export const TOKEN = 'soak-token-0123456789abcdef';
const RUN_ID = Date.now();
export const PREFIX = `soak-${RUN_ID}.`;
export const DB_NAME = `verity_bench_soak_${RUN_ID}`;
/** Where this run's heap snapshots go (large; not in the results, removed at the next soak's start). */
export const SNAPSHOT_DIR = join(REPO_ROOT, '.data', 'soak-heap');

/** Throws unless the length is positive and the rate at least one pipeline (7 reports) a second. */
export function checkSettings(): void {
  if (!Number.isFinite(MINUTES) || MINUTES <= 0)
    throw new Error(`BENCH_SOAK_MINUTES must be a positive number, got ${process.env.BENCH_SOAK_MINUTES}`);
  if (!Number.isFinite(RATE) || RATE < 7)
    throw new Error(`BENCH_SOAK_RATE must be ≥ 7 reports/s, got ${process.env.BENCH_SOAK_RATE}`);
}
