// Grouped cross-validation by repository of the log analysis on the LogChunks dev split (Brandt,
// Panichella, Zaidman, Beller, "LogChunks: A Data Set for Build Log Analysis", MSR 2020,
// doi:10.1145/3379597.3387485, CC BY 4.0), and the per-log time of each method beside a plain tail.
//
//   npx tsx load-tests/log-excerpt/cv.ts [--folds 5] [--seed 1]
//
// The figures are those of `verity experiment --file <dev.jsonl.gz> --cv 5` (services/tools/experiment/cv.ts):
// per measure, the mean over the held-out folds with a 95% cluster-bootstrap interval over repositories
// (2,000 resamples), the fit (fitted on all, measured on all) beside it and the gap; the per-format table
// and the 20 worst logs of the first method. Two methods: the heuristic (heuristic-2: the evidence and the
// excerpt of the learned ranker, services/lib/core/remediation/ranker/, fitted on the training folds only)
// and the tail. Time per log: each method's prediction (fitted on all logs beforehand; the heuristic's
// proposeHeuristic: evidence and category) plus its 16,000-byte excerpt, against the tail's (the last 20 lines and the last 16,000 bytes), on the
// sanitised, redacted lines (their preparation is timed apart); median and max over the
// logs, and on the largest log (1.77 MB) and on it twice over (3.5 MB, the size of the worst
// case), median of 5 runs each. Writes load-tests/results/log-excerpt-cv.{json,md} (load-tests/result-files.ts:
// the current result, and a row of HISTORY.md). LOGCHUNKS_PATH overrides the data set path.

import { dirname, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  cvReport,
  labelRecords,
  prepareLog,
  readDataset,
  runCv,
  tunableByName,
} from '../../services/tools/experiment/index.js';
import type { TrainingLog, Tunable } from '../../services/tools/experiment/index.js';
import { intOption as option, machine } from '../lib.js';
import { writeResults } from '../result-files.js';

const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const dataPath = resolve(repoRoot, process.env.LOGCHUNKS_PATH ?? '../shared/data/logchunks/dev.jsonl.gz');
const labelDir = resolve(repoRoot, 'data/failure-categories');
const BUDGET = 16000;

const median = (xs: readonly number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
};
const round = (x: number) => Number(x.toFixed(2));

/**
 * Milliseconds to predict one log and build its context at BUDGET, with `model` fitted beforehand. The
 * lines are copied first (not timed), so nothing a Tunable caches per log array is reused.
 */
function timeOnce(t: Tunable, model: unknown, log: TrainingLog): number {
  const fresh: TrainingLog = { ...log, lines: [...log.lines] };
  const started = performance.now();
  t.predict(model, fresh).context(BUDGET);
  return performance.now() - started;
}

async function main(): Promise<void> {
  const folds = option('--folds', 5);
  const seed = option('--seed', 1);
  // The heuristic's classifier is fitted on the final category labels (data/failure-categories).
  const { records, note } = labelRecords(await readDataset(dataPath), labelDir);
  const prepareMs: number[] = [];
  const logs = records.map((r) => {
    const started = performance.now();
    const log = prepareLog(r);
    prepareMs.push(performance.now() - started);
    return log;
  });
  const tunables = [tunableByName('heuristic'), tunableByName('tail')];
  const cv = runCv(logs, tunables, { folds, seed });

  const largest = records.reduce((a, r, i) => (r.log.length > records[a]!.log.length ? i : a), 0);
  const largestBytes = Buffer.byteLength(records[largest]!.log, 'utf8');
  // The worst case is a 3.4 MB log; the largest here is smaller, so it is also timed twice over.
  const big = logs[largest]!;
  const doubled: TrainingLog = { ...big, lines: [...big.lines, ...big.lines] };
  const doubledBytes = Buffer.byteLength(doubled.lines.join('\n'), 'utf8');
  const timing = tunables.map((t) => {
    const model = t.fit(logs);
    const perLog = logs.map((l) => timeOnce(t, model, l));
    const five = (log: TrainingLog) => round(median(Array.from({ length: 5 }, () => timeOnce(t, model, log))));
    return {
      tunable: t.name,
      median_ms: round(median(perLog)),
      max_ms: round(Math.max(...perLog)),
      largest_ms: five(big),
      doubled_ms: five(doubled),
    };
  });
  const prepare = { median_ms: round(median(prepareMs)), max_ms: round(Math.max(...prepareMs)) };

  const timeTable = [
    `Time per log (${logs.length} logs; the largest ${records[largest]!.repo} ${records[largest]!.build_id}, ${(largestBytes / 1e6).toFixed(2)} MB, ${logs[largest]!.lines.length} lines): prediction and the ${BUDGET}-byte context, on the sanitised, redacted lines.`,
    '',
    `| method | median | max | largest log (median of 5) | largest log twice over, ${(doubledBytes / 1e6).toFixed(2)} MB |`,
    '| --- | ---: | ---: | ---: | ---: |',
    ...timing.map(
      (t) => `| ${t.tunable} | ${t.median_ms} ms | ${t.max_ms} ms | ${t.largest_ms} ms | ${t.doubled_ms} ms |`,
    ),
    `| (sanitise and redact, before either) | ${prepare.median_ms} ms | ${prepare.max_ms} ms | — | — |`,
  ].join('\n');
  const md = [
    note.replace(repoRoot + '/', ''),
    cvReport(cv),
    timeTable,
    'Data: LogChunks (Brandt et al., MSR 2020, doi:10.1145/3379597.3387485), CC BY 4.0.',
  ].join('\n\n');

  const { tunables: results, ...rest } = cv;
  const json = {
    machine: machine('the benchmark'),
    command: ['npx tsx load-tests/log-excerpt/cv.ts', ...process.argv.slice(2)].join(' '),
    dataset: relative(repoRoot, dataPath),
    labels: note.replace(repoRoot + '/', ''),
    ...rest,
    tunables: results.map(({ scores: _scores, ...t }) => t),
    timing: {
      budget: BUDGET,
      largest: { repo: records[largest]!.repo, build_id: records[largest]!.build_id, bytes: largestBytes },
      prepare,
      methods: timing,
    },
  };
  writeResults('log-excerpt-cv', new Date().toISOString(), json, `${md}\n`);
}

await main();
