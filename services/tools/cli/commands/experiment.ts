// `verity experiment`: measure remediation providers side by side, on a labelled file or on the failures
// recorded in a window of ci.pipeline.events.v1 (read-only).
import { Option, type Command } from 'commander';
import type { Invoke } from '../invoke.js';
import { naturalNumber, positiveInteger, refusing } from '../parsers.js';
import { providerByName, PROVIDER_NAMES } from '../../experiment/index.js';
import { comparisonTable, runExperiment } from '../../experiment/index.js';
import { cvReport, prepareLog, readDataset, runCv, TUNABLE_NAMES, tunableByName } from '../../experiment/index.js';
import { windowCases } from '../../experiment/index.js';
import { DEFAULT_LABELS, labelRecords } from '../../experiment/index.js';
import { loadConfig } from '../../../lib/platform/config/index.js';
import { parseBound, type Bound } from '../../replay/index.js';

export interface ExperimentArgs {
  /** A labelled file, or a window of recorded failures. */
  file: string | undefined;
  window: { from: Bound; to: Bound } | undefined;
  provider: string;
  vs: string | undefined;
  limit: number | undefined;
  concurrency: number | undefined;
  json: boolean;
  /** Grouped cross-validation by repository instead of one pass: folds and seed. */
  cv?: { folds: number; seed: number };
  /** With --file: the failure-category label directory; false: none; absent: DEFAULT_LABELS if it exists. */
  labels?: string | false;
}

/** The options as commander parsed them. */
export interface ExperimentOptions {
  file?: string;
  from?: Bound;
  to?: Bound;
  provider: string;
  vs?: string;
  limit?: number;
  concurrency?: number;
  json?: boolean;
  cv?: number;
  seed?: number;
  labels?: string | boolean;
}

/** The experiment's arguments, or what is wrong with the options (what commander cannot check alone). */
export function experimentArgs(o: ExperimentOptions): ExperimentArgs | string {
  if (o.file === undefined && o.from === undefined) {
    return '--file (a labelled dataset) or --from (a window of recorded failures) is required';
  }
  const window = o.file === undefined ? { from: o.from!, to: o.to ?? { kind: 'default' as const } } : undefined;
  const vs = o.vs ?? (o.provider === 'tail' ? undefined : 'tail');
  const { file, provider, limit, concurrency } = o;
  const args: ExperimentArgs = { file, window, provider, vs, limit, concurrency, json: o.json === true };
  if (typeof o.labels === 'string') args.labels = o.labels;
  else if (o.labels === false) args.labels = false;
  // The fitted rankers and classifiers are measured by the grouped CV only (they are fitted on its folds).
  const cvOnly = [provider, vs].find((p) => p !== undefined && !PROVIDER_NAMES.includes(p));
  if (o.cv === undefined && cvOnly !== undefined)
    return `${cvOnly} is measured with --cv only (it is fitted on its folds)`;
  if (o.cv === undefined) return o.seed === undefined ? args : '--seed needs --cv';
  if (o.cv < 2) return '--cv needs at least 2 folds';
  const notTunable = [provider, vs].find((p) => p !== undefined && !TUNABLE_NAMES.includes(p));
  if (notTunable !== undefined) return `--cv measures ${TUNABLE_NAMES.join(' and ')}, not ${notTunable}`;
  return { ...args, cv: { folds: o.cv, seed: o.seed ?? 1 } };
}

/** Every name --provider and --vs take: the providers, and what only the grouped CV measures. */
const CV_ONLY = TUNABLE_NAMES.filter((n) => !PROVIDER_NAMES.includes(n));
const ALL_NAMES = [...PROVIDER_NAMES, ...CV_ONLY];

const bound = (flags: string, description: string) =>
  new Option(flags, description)
    .argParser(refusing((v: string) => parseBound(flags.split(' ')[0]!, v)))
    .conflicts('file');

export function registerExperiment(program: Command, invoke: Invoke): void {
  const experiment = program
    .command('experiment')
    .description('compare remediation providers on labelled failure logs or on recorded failures; writes nothing')
    .option(
      '--file <path.jsonl[.gz]>',
      'labelled failure logs, one JSON object a line (repo, build_id, log, chunk_start_line, chunk_end_line; ' +
        'optional category and retry_passed), gzip-compressed or not',
    )
    .addOption(
      bound(
        '--from <bound>',
        'instead of a file: the failures (JobFailed) recorded from this bound of ci.pipeline.events.v1, each ' +
          'with the context the remediator would assemble and the recorded outcome of its retry ' +
          '(bounds as for verity replay)',
      ),
    )
    .addOption(bound('--to <bound>', 'end of that window, exclusive (default: the end offsets)'))
    .addOption(
      new Option('--provider <name>', `the provider to measure (${CV_ONLY.join(', ')}: with --cv only)`)
        .choices(ALL_NAMES)
        .default('heuristic'),
    )
    .addOption(
      new Option(
        '--vs <name>',
        'the provider to compare it with (default: tail; none when --provider is tail)',
      ).choices(ALL_NAMES),
    )
    .option('--limit <n>', 'measure the first n logs only (default: all)', positiveInteger)
    .option(
      '--concurrency <n>',
      'logs measured at once (default: 1; raise it for providers that wait on the network)',
      positiveInteger,
    )
    .option('--json', 'print the results as JSON (default: a Markdown table)')
    .addOption(
      new Option(
        '--cv <folds>',
        'grouped cross-validation by repository with that many folds (5 in docs/AI-EVALUATION.md): the mean over ' +
          'the held-out folds with a 95% cluster-bootstrap interval, the fit beside it and the gap, then the ' +
          `per-format table and the 20 worst logs; ${TUNABLE_NAMES.join(', ')} only`,
      )
        .argParser(positiveInteger)
        .conflicts('from'),
    )
    .option('--seed <n>', 'with --cv: seeds the folds and the bootstrap (default: 1)', naturalNumber)
    .option(
      '--labels <dir>',
      `with --file: failure-category labels joined into each log's category by repo#build_id (passes A and B ` +
        `where they agree, else the adjudicated label; default: ${DEFAULT_LABELS} when the directory exists)`,
    )
    .option('--no-labels', 'with --file: no failure-category labels but those the file carries')
    .action((o: ExperimentOptions) => {
      const args = experimentArgs(o);
      if (typeof args === 'string') return experiment.error(`error: ${args}`, { exitCode: 2 });
      return invoke('experiment', args, experimentCommand);
    });
}

/** `verity experiment`: measure remediation providers side by side on a labelled file or on recorded failures. */
export async function experimentCommand(parsed: ExperimentArgs): Promise<number> {
  const labelled = async () => {
    const { records, note } = labelRecords(await readDataset(parsed.file!, parsed.limit), parsed.labels);
    (parsed.json ? console.error : console.log)(note);
    return records;
  };
  if (parsed.cv !== undefined) {
    const tunables = [parsed.provider, ...(parsed.vs === undefined ? [] : [parsed.vs])].map(tunableByName);
    const logs = (await labelled()).map(prepareLog);
    const cv = runCv(logs, tunables, { folds: parsed.cv.folds, seed: parsed.cv.seed });
    console.log(parsed.json ? JSON.stringify(cv, null, 2) : cvReport(cv));
    return 0;
  }
  const providers = [parsed.provider, ...(parsed.vs === undefined ? [] : [parsed.vs])].map(providerByName);
  const opts = { limit: parsed.limit, concurrency: parsed.concurrency };
  const result = parsed.window
    ? await runExperiment(await windowCases(loadConfig(), parsed.window, parsed.limit), providers, opts)
    : await runExperiment(await labelled(), providers, opts);
  console.log(parsed.json ? JSON.stringify(result, null, 2) : comparisonTable(result));
  return 0;
}
