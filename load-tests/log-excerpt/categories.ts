// Grouped cross-validation by repository of the failure-category classifier (issue 16) on the LogChunks
// dev split (Brandt, Panichella, Zaidman, Beller, "LogChunks: A Data Set for Build Log Analysis", MSR
// 2020, doi:10.1145/3379597.3387485, CC BY 4.0), with the final labels of data/failure-categories
// (passes A and B where they agree, else adjudicated).
//
//   npx tsx load-tests/log-excerpt/categories.ts [--folds 5] [--seed 1]
//
// The same harness as `verity experiment --file <dev.jsonl.gz> --cv 5 --labels data/failure-categories`
// (services/tools/experiment/cv.ts), category measures only: macro-F1 over the categories present (per
// held-out fold, then the mean over folds) and accuracy, with 95% cluster-bootstrap intervals over
// repositories (2,000 resamples), the fit beside them and the gap; F1 per category over the pooled
// held-out predictions. Four methods: the classifier (`category`, fitted on the training folds only),
// its rules alone (`category-rules`, the headline's baseline), the heuristic provider (heuristic-2: the
// classifier and the ranker fitted on the training folds, with its unknown rule) and the majority class
// of the training folds. Writes load-tests/results/log-excerpt-categories.{json,md}
// (load-tests/result-files.ts). LOGCHUNKS_PATH overrides the data set path.

import { dirname, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { cvReport, labelRecords, prepareLog, readDataset, runCv } from '../../services/tools/experiment/index.js';
import { tunableByName } from '../../services/tools/experiment/index.js';
import { intOption as option, machine } from '../lib.js';
import { writeResults } from '../result-files.js';

const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const dataPath = resolve(repoRoot, process.env.LOGCHUNKS_PATH ?? '../shared/data/logchunks/dev.jsonl.gz');
const labelDir = resolve(repoRoot, 'data/failure-categories');

async function main(): Promise<void> {
  const folds = option('--folds', 5);
  const seed = option('--seed', 1);
  const { records, note } = labelRecords(await readDataset(dataPath), labelDir);
  const logs = records.map(prepareLog);
  const tunables = ['category', 'category-rules', 'heuristic', 'majority'].map(tunableByName);
  // No context budgets: the category measures only.
  const cv = runCv(logs, tunables, { folds, seed, budgets: [] });
  // The headline, the per-category table; the per-format and worst-log tables are about evidence.
  const report = cvReport(cv).split('\n\nPer format')[0]!;
  const md = [
    note.replace(repoRoot + '/', ''),
    report,
    'Data: LogChunks (Brandt et al., MSR 2020, doi:10.1145/3379597.3387485), CC BY 4.0.',
  ].join('\n\n');
  const { tunables: results, formats: _formats, worst: _worst, ...rest } = cv;
  const json = {
    machine: machine('the benchmark'),
    command: ['npx tsx load-tests/log-excerpt/categories.ts', ...process.argv.slice(2)].join(' '),
    dataset: relative(repoRoot, dataPath),
    labels: note.replace(repoRoot + '/', ''),
    ...rest,
    tunables: results.map(({ scores: _scores, ...t }) => t),
  };
  writeResults('log-excerpt-categories', new Date().toISOString(), json, `${md}\n`);
}

await main();
