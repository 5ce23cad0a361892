import { providerByName, PROVIDER_NAMES } from '../../experiment/providers.js';
import { comparisonTable, runFile } from '../../experiment/run-file.js';

export const EXPERIMENT_SUMMARY = 'experiment --file <path.jsonl[.gz]> [--provider p] [--vs q] [--limit n] [--json] — compare remediation providers on labelled logs, offline';

const USAGE = [
  'usage: verity experiment --file <path.jsonl[.gz]> [--provider heuristic] [--vs tail] [--limit N] [--concurrency N] [--json]',
  '',
  '  --file         labelled failure logs, one JSON object a line (repo, build_id, log, chunk_start_line,',
  '                 chunk_end_line; optional category and retry_passed), gzip-compressed or not',
  `  --provider     the provider to measure (${PROVIDER_NAMES.join(', ')}); default heuristic`,
  '  --vs           the provider to compare it with; default tail (none when --provider is tail)',
  '  --limit        measure the first N logs only',
  '  --concurrency  logs measured at once; default 1 (raise for providers that wait on the network)',
  '  --json         print the results as JSON instead of a Markdown table',
].join('\n');

interface Args {
  file: string;
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
    if (arg === '--from' || arg === '--to' || arg.startsWith('--from=') || arg.startsWith('--to=')) return 'the Kafka-window mode (--from/--to) is not available yet; use --file';
    const [flag, inline] = arg.includes('=') ? [arg.slice(0, arg.indexOf('=')), arg.slice(arg.indexOf('=') + 1)] : [arg, undefined];
    if (!['--file', '--provider', '--vs', '--limit', '--concurrency'].includes(flag)) return `unknown argument ${arg}`;
    const value = inline ?? args[++i];
    if (value === undefined || value === '') return `${flag} needs a value`;
    values.set(flag, value);
  }
  const file = values.get('--file');
  if (file === undefined) return '--file is required';
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
  return { file, provider, vs, limit, concurrency, json };
}

/** `verity experiment --file …`: measure remediation providers side by side on a labelled file. */
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
  const result = await runFile(parsed.file, providers, { limit: parsed.limit, concurrency: parsed.concurrency });
  console.log(parsed.json ? JSON.stringify(result, null, 2) : comparisonTable(result));
  return 0;
}
