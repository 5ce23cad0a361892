// The load generator's command line:
//
//   npx tsx services/tools/generator/cli.ts --seed 42 --rate 500 --duration 60 [--mode http|kafka]
//       [--url http://127.0.0.1:8090] [--token …] [--projects 50] [--max] [--pipelines N]
//       [--rate-unit reports|events] [--active N] [--in-flight N] [--batch N] [--no-drain]
//       [--clock sim|wall] [--logs PATH|none] [--failure-rate 0.1] [--cancel-rate 0.02] [--id-salt S] [--ids]
//
// Prints a progress bar (stderr, on a terminal) and a JSON summary (stdout); exits 1 if any op was
// refused (4xx) or failed (5xx), 2 on a bad argument.
import { terminalProgress } from '../../lib/platform/progress-bar.js';
import { runGenerator, type GeneratorOptions } from './main.js';
import { MODEL_DEFAULTS } from './projects.js';

const USAGE = `usage: npx tsx services/tools/generator/cli.ts [--seed 42] [--rate 500 | --max] [--duration 60] [--pipelines N]
    [--mode http|kafka] [--url http://127.0.0.1:8090] [--token T] [--projects ${MODEL_DEFAULTS.projects}] [--rate-unit reports|events]
    [--active N] [--in-flight N] [--batch N] [--no-drain] [--clock sim|wall] [--logs PATH|none]
    [--failure-rate ${MODEL_DEFAULTS.failureRate}] [--flaky-share ${MODEL_DEFAULTS.flakyShare}] [--cancel-rate ${MODEL_DEFAULTS.cancelRate}] [--play-rate ${MODEL_DEFAULTS.playRate}] [--dag-rate ${MODEL_DEFAULTS.dagRate}]
    [--id-salt S] [--ids]`;

function parseArgs(argv: string[]): GeneratorOptions {
  const o: GeneratorOptions = {};
  const num = (name: string, v: string | undefined, integer = false): number => {
    const n = Number(v);
    if (v === undefined || v === '' || !Number.isFinite(n) || n < 0 || (integer && !Number.isInteger(n)))
      throw new Error(
        `--${name} needs a ${integer ? 'non-negative integer' : 'non-negative number'}, got "${v ?? ''}"\n${USAGE}`,
      );
    return n;
  };
  const oneOf = <T extends string>(name: string, v: string | undefined, values: readonly T[]): T => {
    if (!values.includes(v as T))
      throw new Error(`--${name} is one of ${values.join(', ')}, got "${v ?? ''}"\n${USAGE}`);
    return v as T;
  };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    const [flag, inline] = arg.includes('=')
      ? [arg.slice(0, arg.indexOf('=')), arg.slice(arg.indexOf('=') + 1)]
      : [arg, undefined];
    const value = () => inline ?? argv[++i];
    switch (flag) {
      case '--seed':
        o.seed = num('seed', value(), true);
        break;
      case '--rate':
        o.rate = num('rate', value());
        break;
      case '--rate-unit':
        o.rateUnit = oneOf('rate-unit', value(), ['reports', 'events'] as const);
        break;
      case '--max':
        o.max = true;
        break;
      case '--duration':
        o.durationS = num('duration', value());
        break;
      case '--pipelines':
        o.pipelines = num('pipelines', value(), true);
        break;
      case '--mode':
        o.mode = oneOf('mode', value(), ['http', 'kafka'] as const);
        break;
      case '--url':
        o.url = value();
        break;
      case '--token':
        o.token = value();
        break;
      case '--projects':
        o.projects = num('projects', value(), true);
        break;
      case '--active':
        o.active = num('active', value(), true);
        break;
      case '--in-flight':
        o.maxInFlight = num('in-flight', value(), true);
        break;
      case '--batch':
        o.batchLines = num('batch', value(), true);
        break;
      case '--no-drain':
        o.drain = false;
        break;
      case '--clock':
        o.clock = oneOf('clock', value(), ['sim', 'wall'] as const);
        break;
      case '--logs': {
        const v = value();
        o.logs = v === 'none' ? null : v;
        break;
      }
      case '--failure-rate':
        o.failureRate = num('failure-rate', value());
        break;
      case '--flaky-share':
        o.flakyShare = num('flaky-share', value());
        break;
      case '--cancel-rate':
        o.cancelRate = num('cancel-rate', value());
        break;
      case '--play-rate':
        o.playRate = num('play-rate', value());
        break;
      case '--dag-rate':
        o.dagRate = num('dag-rate', value());
        break;
      case '--id-salt':
        o.idSalt = value();
        break;
      case '--ids':
        o.collectPipelineIds = true;
        break;
      case '--help':
      case '-h':
        throw new Error(USAGE);
      default:
        throw new Error(`unknown option ${arg}\n${USAGE}`);
    }
  }
  for (const k of ['projects', 'active', 'maxInFlight', 'batchLines'] as const)
    if (o[k] === 0) throw new Error(`${k} must be at least 1\n${USAGE}`);
  return o;
}

async function cli(): Promise<number> {
  let opts: GeneratorOptions;
  try {
    opts = parseArgs(process.argv.slice(2));
  } catch (err) {
    console.error((err as Error).message);
    return 2;
  }
  const abort = new AbortController();
  process.once('SIGINT', () => abort.abort());
  process.once('SIGTERM', () => abort.abort());
  const bar = terminalProgress('loadgen');
  const summary = await runGenerator({
    ...opts,
    signal: abort.signal,
    onProgress: (p) => {
      // Run phase: the bar is the time; drain: what is left to send.
      const rate = p.elapsed_ms > 0 ? p.reports / p.elapsed_ms : 0;
      const left = opts.drain === false ? 0 : p.remaining;
      const total =
        p.phase === 'run' && Number.isFinite(p.run_ms)
          ? p.reports + Math.max(0, p.run_ms - p.elapsed_ms) * rate + left
          : p.reports + left;
      bar(p.reports, Math.round(total), p.elapsed_ms);
    },
  });
  if (process.stderr.isTTY) process.stderr.write('\n');
  console.log(JSON.stringify(summary, null, 2));
  return summary.rejected_4xx + summary.errors_5xx > 0 ? 1 : 0;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  cli().then(
    (code) => process.exit(code),
    (err: unknown) => {
      console.error(err);
      process.exit(1);
    },
  );
}
