// `verity replay --into <name> [--from X] [--to Y] [--reset]`: a recorded window into an isolated sink.
// Commander checks the options (a malformed bound: exit 2); services/tools/replay's parseReplayArgs turns
// them into the replay's arguments (the name, the window), as it always did.
import { Option, type Command } from 'commander';
import type { Invoke } from '../invoke.js';
import { refusing } from '../parsers.js';
import { createPool } from '../../../lib/platform/db/client.js';
import { createLogger } from '../../../lib/platform/log.js';
import { loadProjectorConfig } from '../../../run/projector/index.js';
import { terminalProgress } from '../../../lib/platform/progress-bar.js';
import { parseBound, parseReplayArgs, replay, type ReplayReport } from '../../replay/index.js';

export interface ReplayOptions {
  into: string;
  /** Bounds as given (checked by parseBound). */
  from: string | undefined;
  to: string | undefined;
  reset: boolean;
}

const DETAILS = `
Feeds a recorded window of ci.pipeline.events.v1 (and of ci.remediation.events.v1, same time window)
into an isolated sink for experiments: schema replay_<name>, created from the read-model DDL, with
checkpoints under projection replay:<name> and consumer group verity-replay-<name> (both scoped by
VERITY_TOPIC_PREFIX like the topics). It never writes the production read model (the rm views, the
rm_v<N> schemas) nor any topic: an undecodable record is skipped and recorded in projection_dead_letters
under projection replay:<name>, never written to a dead-letter topic.

<bound> is one of
  an ISO time with a zone     2026-11-28T10:00:00Z (a date alone is 00:00 UTC): per partition, the
                              first record at or after it (record timestamps)
  offsets per partition       0:100,1:250 (partitions not listed take the default)
  one offset                  100: that offset on every partition
Offset bounds apply to ci.pipeline.events.v1 only: for ci.remediation.events.v1 such a bound is its
default (earliest / end). Time bounds apply to both topics.

A window that starts after the earliest record meets pipelines mid-stream: the first event seen of a
pipeline is taken as its start (a placeholder row with ref, sha, source 'unknown' stands for what came
before; status from the events that follow); a seq gap after that first event stops the replay (exit 1).
Shows a progress bar with rate and ETA on a terminal; when every partition reached --to, prints a
summary and exits 0. An invalid name, or --to not after --from, exits 1.`;

/** A bound option: checked by parseBound, kept as given. */
const bound = (flags: string, description: string) =>
  new Option(flags, description).argParser(refusing((v: string) => (parseBound(flags.split(' ')[0]!, v), v)));

export function registerReplay(program: Command, invoke: Invoke): void {
  program
    .command('replay')
    .description('feed a recorded window into an isolated sink (schema replay_<name>), never the read model')
    .requiredOption('--into <name>', "required: the replay's name, a lower-case letter then up to 40 of a-z 0-9 _")
    .addOption(bound('--from <bound>', 'start of the window, inclusive (default: the earliest offsets)'))
    .addOption(bound('--to <bound>', 'end of the window, exclusive (default: the end offsets when the replay starts)'))
    .option('--reset', 'drop and recreate the sink (default: a sink that already holds a replay is refused)')
    .addHelpText('after', DETAILS)
    .action((o: Partial<ReplayOptions> & { into: string }) =>
      invoke('replay', { into: o.into, from: o.from, to: o.to, reset: o.reset === true }, replayCommand),
    );
}

export function formatReport(r: ReplayReport): string {
  const rate = r.ms > 0 ? Math.round((r.events / r.ms) * 1000) : r.events;
  const windows = Object.entries(r.windows)
    .map(
      ([topic, ws]) =>
        `  ${topic}: ${ws.map((w) => `[${w.partition}] ${w.from}..${w.to}`).join(', ') || 'no partitions'}`,
    )
    .join('\n');
  return [
    `replayed into schema ${r.schema}: ${r.events} events (${r.applied} applied, ${r.ignored} ignored${r.undecodable ? `, ${r.undecodable} undecodable records skipped` : ''}) in ${(r.ms / 1000).toFixed(1)} s (${rate} events/s)`,
    `window (offsets, end exclusive; ${r.records} records):`,
    windows,
    `checkpoints: projection ${r.projection}; consumer group ${r.group}${r.midStream ? '; started mid-stream (placeholder rows for pipelines begun before the window)' : ''}`,
  ].join('\n');
}

/** The replay of `opts` (the name and the window checked by the replay tool's parseReplayArgs). */
export async function replayCommand(opts: ReplayOptions): Promise<number> {
  const args = [`--into=${opts.into}`];
  if (opts.from !== undefined) args.push(`--from=${opts.from}`);
  if (opts.to !== undefined) args.push(`--to=${opts.to}`);
  if (opts.reset) args.push('--reset');
  let parsed;
  try {
    parsed = parseReplayArgs(args);
  } catch (err) {
    throw new Error(`${(err as Error).message}\n(verity replay --help: the options)`);
  }
  const config = loadProjectorConfig();
  const pool = createPool(config.databaseUrl, 4);
  const progress = terminalProgress(`replay ${parsed.name}`);
  try {
    const { name, from, to, reset } = parsed;
    const report = await replay(config, pool, createLogger('replay'), { name, from, to, reset, progress });
    if (process.stderr.isTTY) process.stderr.write('\n');
    console.log(formatReport(report));
    return 0;
  } catch (err) {
    if (process.stderr.isTTY) process.stderr.write('\n'); // after the progress bar
    throw err;
  } finally {
    await pool.end();
  }
}
