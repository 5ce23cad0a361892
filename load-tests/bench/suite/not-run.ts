// The results of what the suite does not run but reports: the latest memory soak (`make soak`,
// bench/soak.ts) and the latest stack footprint line (load-tests/stack-footprint.sh stops and restarts the
// stack). Both are read from the repository's load-tests/results, even when BENCH_RESULTS_DIR is set.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { REPO_ROOT } from '../../../services/lib/platform/schemas/catalog.js';

/** Where the soak and stack footprint results this run reports are. */
const REPO_RESULTS = join(REPO_ROOT, 'load-tests/results');

/** The current soak result (`make soak` writes it; the suite does not run it). */
export function latestSoak(): { file: string; json: Record<string, unknown> } | null {
  const f = join(REPO_RESULTS, 'soak.json');
  if (!existsSync(f)) return null;
  return { file: 'load-tests/results/soak.json', json: JSON.parse(readFileSync(f, 'utf8')) as Record<string, unknown> };
}

/** The last line load-tests/stack-footprint.sh recorded. */
export function latestFootprint(): Record<string, unknown> | null {
  const f = join(REPO_RESULTS, 'stack-footprint.jsonl');
  if (!existsSync(f)) return null;
  const last = readFileSync(f, 'utf8').trim().split('\n').filter(Boolean).at(-1);
  return last ? (JSON.parse(last) as Record<string, unknown>) : null;
}
