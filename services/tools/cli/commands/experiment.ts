import { providerByName, PROVIDER_NAMES } from '../../experiment/index.js';
import { comparisonTable, runExperiment, runFile } from '../../experiment/index.js';
import { windowCases } from '../../experiment/index.js';
import { loadConfig } from '../../../lib/platform/config/index.js';
import { parseBound, type Bound } from '../../replay/index.js';

export const EXPERIMENT_SUMMARY = 'experiment --file <path.jsonl[.gz]> | --from X [--to Y] [--provider p] [--vs q] [--limit n] [--json] — compare remediation providers on labelled logs or recorded failures';

const USAGE = [
  'usage: verity experiment (--file <path.jsonl[.gz]> | --from <bound> [--to <bound>]) [--provider heuristic] [--vs tail] [--limit N] [--concurrency N] [--json]',
  '',
  '  --file         labelled failure logs, one JSON object a line (repo, build_id, log, chunk_start_line,',
  '                 chunk_end_line; optional category and retry_passed), gzip-compressed or not',
  '  --from/--to    instead of a file: the failures (JobFailed) recorded in that window of ci.pipeline.events.v1',
  '                 (bounds as for verity replay: an ISO time, offsets 0:100,1:250, or one offset), each with the',
  '                 context the remediator would assemble and the recorded outcome of its retry (retry precision);',
  '                 read-only: nothing is written anywhere',
  `  --provider     the provider to measure (${PROVIDER_NAMES.join(', ')}); default heuristic`,
  '  --vs           the provider to compare it with; default tail (none when --provider is tail)',
  '  --limit        measure the first N logs only',
  '  --concurrency  logs measured at once; default 1 (raise for providers that wait on the network)',
  '  --json         print the results as JSON instead of a Markdown table',
].join('\n');

interface Args {
  /** A labelled file, or a window of recorded failures. */
  file: string | undefined;
  window: { from: Bound; to: Bound } | undefined;
  provider: string;
  vs: string | undefined;
  limit: number | undefined;
  concurrency: number | undefined;
  json: boolean;
}

/** The arguments, or a message saying what is wrong with them. */
export function parseExperimentArgs(args: readonly string[]): Args | string {
  const values = new Map<string, string>();
  let json = false;
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!;
    if (arg === '--json') {
      json = true;
      continue;
    }
    const [flag, inline] = arg.includes('=') ? [arg.slice(0, arg.indexOf('=')), arg.slice(arg.indexOf('=') + 1)] : [arg, undefined];
    if (!['--file', '--from', '--to', '--provider', '--vs', '--limit', '--concurrency'].includes(flag)) return `unknown argument ${arg}`;
    const value = inline ?? args[++i];
    if (value === undefined || value === '') return `${flag} needs a value`;
    values.set(flag, value);
  }
  const file = values.get('--file');
  const windowed = values.has('--from') || values.has('--to');
  if (file !== undefined && windowed) return 'either --file or --from/--to, not both';
  if (file === undefined && !values.has('--from')) return '--file (a labelled dataset) or --from (a window of recorded failures) is required';
  let window: Args['window'];
  if (file === undefined) {
    try {
      window = { from: parseBound('--from', values.get('--from')), to: parseBound('--to', values.get('--to')) };
    } catch (err) {
      return (err as Error).message;
    }
  }
  const count = (flag: string): number | undefined | string => {
    const v = values.get(flag);
    if (v === undefined) return undefined;
    return /^[1-9]\d*$/.test(v) ? Number(v) : `${flag} must be a positive integer`;
  };
  const limit = count('--limit');
  const concurrency = count('--concurrency');
  if (typeof limit === 'string') return limit;
  if (typeof concurrency === 'string') return concurrency;
  const provider = values.get('--provider') ?? 'heuristic';
  const vs = values.get('--vs') ?? (provider === 'tail' ? undefined : 'tail');
  for (const name of [provider, vs]) if (name !== undefined && !PROVIDER_NAMES.includes(name)) return `unknown provider "${name}" (known: ${PROVIDER_NAMES.join(', ')})`;
  return { file, window, provider, vs, limit, concurrency, json };
}

/** `verity experiment`: measure remediation providers side by side on a labelled file or on recorded failures. */
export async function experimentCommand(args: string[]): Promise<number> {
  if (args.includes('--help') || args.includes('-h')) {
    console.log(USAGE);
    return 0;
  }
  const parsed = parseExperimentArgs(args);
  if (typeof parsed === 'string') {
    console.error(`verity experiment: ${parsed}\n\n${USAGE}`);
    return 2;
  }
  const providers = [parsed.provider, ...(parsed.vs === undefined ? [] : [parsed.vs])].map(providerByName);
  const opts = { limit: parsed.limit, concurrency: parsed.concurrency };
  const result = parsed.window
    ? await runExperiment(await windowCases(loadConfig(), parsed.window, parsed.limit), providers, opts)
    : await runFile(parsed.file!, providers, opts);
  console.log(parsed.json ? JSON.stringify(result, null, 2) : comparisonTable(result));
  return 0;
}
