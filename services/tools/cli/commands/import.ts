// `verity import gitlab|github --project <p> --since <when> [--connection <name>] [--no-logs]`: a connection's
// past pipelines into Verity as the webhooks would have brought them (services/tools/import), written to
// ci.intake.v1 with report ids that make a second run change nothing. Ctrl-C stops after the pipeline in hand;
// the same command again goes on from there.
import { Argument, type Command } from 'commander';
import type { IntakeEvent } from '../../../lib/core/events/generated.js';
import type { ConnectionSystem } from '../../../lib/platform/connections/connection.js';
import { loadConnections } from '../../../lib/platform/connections/load.js';
import { loadConfig } from '../../../lib/platform/config/index.js';
import { createDb, createPool } from '../../../lib/platform/db/client.js';
import { createKafka } from '../../../lib/platform/kafka/client.js';
import { TOPICS } from '../../../lib/platform/kafka/topics.js';
import { PgLogStore } from '../../../lib/platform/logstore/pg-log-store.js';
import { DEFAULT_POLICY } from '../../../lib/platform/producer-api/request.js';
import { RateLimits } from '../../../lib/platform/producer-api/token-bucket.js';
import { terminalProgress } from '../../../lib/platform/progress-bar.js';
import { EventCodec } from '../../../lib/platform/registry/codec.js';
import { chooseConnection, parseSince, runImport, stateFile, type ImportReport } from '../../import/index.js';
import type { Invoke } from '../invoke.js';
import { positiveNumber, refusing } from '../parsers.js';

export interface ImportCommandOptions {
  system: 'gitlab' | 'github';
  project: string;
  /** As given (an ISO time or 7d, 12h, 30m, 2w). */
  since: string;
  connection: string | undefined;
  logs: boolean;
  rate: number;
}

const DETAILS = `
The connection comes from the producer tokens file (INGEST_TOKENS_FILE, "connections"): the one of the
system and --project, or the one --connection names. It must name one project there (external_project,
not * or owner/*) and have an api_token (GitLab: read_api; GitHub: actions:read).

GitLab: the project's pipelines updated since --since, oldest update first, with every job (retried ones
included). GitHub: the repository's workflow runs created since --since (GitHub lists at most 1,000 runs
for one query), with the jobs of every attempt. Each pipeline becomes ObservePipeline records on
ci.intake.v1; each failed job's log is fetched, stored and attached (AttachJobLog), unless --no-logs.
Report ids are derived from the connection, the pipeline and its updated_at: running the import twice
writes the same reports, which the decider keeps once.

Progress is saved after every pipeline in .data/verity/import/<connection>.json; Ctrl-C stops after the
pipeline in hand (exit 130) and the same command goes on from there. A second Ctrl-C stops at once.`;

export function registerImport(program: Command, invoke: Invoke): void {
  program
    .command('import')
    .description("import a connection's past pipelines from GitLab or GitHub (as its webhooks would have)")
    .addArgument(new Argument('<system>', 'the CI to read').choices(['gitlab', 'github']))
    .requiredOption('--project <project>', 'required: the Verity project the pipelines belong to')
    .requiredOption(
      '--since <when>',
      'required: an ISO time (a date alone is 00:00 UTC) or a span back from now (7d, 12h, 30m, 2w)',
      refusing((v: string) => (parseSince(v), v)),
    )
    .option('--connection <name>', 'the connection to use, when the project has several for the system')
    .option('--no-logs', "do not fetch failed jobs' logs (the fetcher service fetches them as their events pass)")
    .option('--rate <requests/s>', "requests per second to the CI's API, at most", positiveNumber, 5)
    .addHelpText('after', DETAILS)
    .action(
      (
        system: 'gitlab' | 'github',
        o: { project: string; since: string; connection?: string; logs: boolean; rate: number },
      ) =>
        invoke(
          'import',
          { system, project: o.project, since: o.since, connection: o.connection, logs: o.logs, rate: o.rate },
          importCommand,
        ),
    );
}

export function formatImport(r: ImportReport, connection: string): string {
  const logs = r.logs + r.fetchErrors > 0 ? `; ${r.logs} logs attached, ${r.fetchErrors} fetch errors` : '';
  const resumed = r.resumedFrom ? ` (went on from an interrupted run: ${r.skipped} pipelines already done)` : '';
  const state = r.interrupted ? `\nstopped; run the same command again to go on` : '';
  return `imported ${r.pipelines} pipelines from ${connection}: ${r.records} records written${logs}${resumed}${state}`;
}

export async function importCommand(opts: ImportCommandOptions): Promise<number> {
  const file = process.env.INGEST_TOKENS_FILE;
  if (!file) throw new Error('INGEST_TOKENS_FILE is not set: the connections are in the producer tokens file');
  const connection = chooseConnection(loadConnections(file), {
    system: opts.system as ConnectionSystem,
    project: opts.project,
    name: opts.connection,
  });
  const config = loadConfig();
  const kafka = createKafka(config, 'verity-import');
  const producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
  const codec = await EventCodec.forTopic<IntakeEvent>(config.schemaRegistryUrl, TOPICS.intake);
  const pool = opts.logs ? createPool(config.databaseUrl, 2) : null;
  const stop = new AbortController();
  const onSignal = () => {
    if (stop.signal.aborted) process.exit(130);
    stop.abort();
    process.stderr.write('\nstopping after the pipeline in hand (Ctrl-C again to stop now)\n');
  };
  process.on('SIGINT', onSignal);
  await producer.connect();
  try {
    const report = await runImport({
      connection,
      since: opts.since,
      after: parseSince(opts.since),
      policy: DEFAULT_POLICY,
      limits: new RateLimits(opts.rate),
      logStore: pool ? new PgLogStore(createDb(pool)) : null,
      write: async (records) => {
        const messages = await Promise.all(records.map((r) => codec.toMessage(r, r.producer)));
        await producer.send({ topic: TOPICS.intake, acks: -1, messages });
      },
      stateFile: stateFile(connection.name),
      progress: terminalProgress(`import ${connection.name}`),
      stop: stop.signal,
    });
    if (process.stderr.isTTY) process.stderr.write('\n');
    console.log(formatImport(report, connection.name));
    return report.interrupted ? 130 : 0;
  } finally {
    process.off('SIGINT', onSignal);
    await producer.disconnect().catch(() => undefined);
    await pool?.end();
  }
}
