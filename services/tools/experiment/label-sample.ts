// The logs to label with failure categories (docs/FAILURE-CATEGORIES.md), in a fixed order: at most
// `perRepo` logs of every repository, interleaved round by round (one log of each repository, then a
// second of each, …; repositories and each repository's logs in a seeded shuffle), so every prefix of the
// list is spread over the repositories. Deterministic from the seed and the set of logs (not their
// order). `stratifiedOrder` is pure; `main` writes the list:
//   npx tsx services/tools/experiment/label-sample.ts <dataset.jsonl.gz> [out.json]

import { writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { readDataset } from './dataset.js';
import { seededRandom, shuffled } from './random.js';

/** The seed of data/failure-categories/sample.json. */
export const SAMPLE_SEED = 16;
/** At most this many logs of one repository. */
export const PER_REPO = 12;

/** The id of a log: `repo#build_id`. */
export const logId = (log: { repo: string; build_id: string }): string => `${log.repo}#${log.build_id}`;

/** Ids of `logs` (unique ids), at most `perRepo` of each repository, interleaved by repository. */
export function stratifiedOrder(
  logs: readonly { repo: string; id: string }[],
  perRepo: number,
  seed: number,
): string[] {
  const byRepo = new Map<string, string[]>();
  for (const log of logs) {
    const list = byRepo.get(log.repo);
    if (list === undefined) byRepo.set(log.repo, [log.id]);
    else list.push(log.id);
  }
  const random = seededRandom(seed);
  // Sorted first, so only the seed decides the order.
  const repos = shuffled([...byRepo.keys()].sort(), random);
  const lists = repos.map((repo) => shuffled([...new Set(byRepo.get(repo))].sort(), random).slice(0, perRepo));
  const out: string[] = [];
  for (let round = 0; lists.some((l) => round < l.length); round++) {
    for (const list of lists) if (round < list.length) out.push(list[round]!);
  }
  return out;
}

async function main(argv: readonly string[]): Promise<void> {
  const [dataset, out = 'data/failure-categories/sample.json'] = argv;
  if (dataset === undefined) {
    console.error('usage: label-sample.ts <dataset.jsonl[.gz]> [out.json]');
    process.exitCode = 2;
    return;
  }
  const logs = await readDataset(dataset);
  const ids = stratifiedOrder(
    logs.map((l) => ({ repo: l.repo, id: logId(l) })),
    PER_REPO,
    SAMPLE_SEED,
  );
  writeFileSync(out, `[\n${ids.map((id) => `  ${JSON.stringify(id)}`).join(',\n')}\n]\n`);
  const repos = new Set(logs.map((l) => l.repo)).size;
  console.log(`${out}: ${ids.length} of ${logs.length} logs, ${repos} repositories, at most ${PER_REPO} each`);
}

if (process.argv[1] && fileURLToPath(import.meta.url) === resolve(process.argv[1])) await main(process.argv.slice(2));
