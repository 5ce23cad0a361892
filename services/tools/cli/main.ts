// The `verity` command line: one entry for every operational task (bin/verity runs it).
import { topicsCommand } from './commands/topics.js';
import { schemasCommand } from './commands/schemas.js';
import { migrateCommand } from './commands/migrate.js';
import { stackCommand } from './commands/stack.js';
import { setupCommand } from './commands/setup.js';
import { serveCommand } from './commands/serve.js';
import { rebuildCommand } from './commands/rebuild.js';
import { dlqCommand } from './commands/dlq.js';
import { replayCommand, REPLAY_SUMMARY } from './commands/replay.js';
import { upCommand } from './commands/up.js';
import { statusCommand, STATUS_SUMMARY } from './commands/status.js';
import { demoCommand } from './commands/demo.js';
import { experimentCommand, EXPERIMENT_SUMMARY } from './commands/experiment.js';

const commands: Record<string, { summary: string; run: (args: string[]) => Promise<number> }> = {
  topics: { summary: 'topics apply|list — create and align the topics of ARCHITECTURE.md', run: topicsCommand },
  schemas: { summary: 'schemas apply|check — register event schemas; check compatibility with history', run: schemasCommand },
  migrate: { summary: 'migrate — apply the committed Postgres migrations', run: migrateCommand },
  demo: { summary: 'demo [--seconds N] [--rate R] — seeded demo traffic through the running services, live summary, where to look', run: demoCommand },
  up: { summary: 'up [--only a,b] — every Verity service in its own process under a supervisor (restarts, logs, ops port 8089) until SIGTERM', run: upCommand },
  status: { summary: STATUS_SUMMARY, run: statusCommand },
  ingest: { summary: 'ingest — run the producer API (INGEST_* variables)', run: serveCommand('ingest') },
  decider: { summary: 'decider — run the decider, the single writer of canonical events (DECIDER_* variables)', run: serveCommand('decider') },
  projector: { summary: 'projector — run the projector: canonical events → Postgres read models (PROJECTOR_* variables)', run: serveCommand('projector') },
  query: { summary: 'query — run the read-model API (QUERY_* variables)', run: serveCommand('query') },
  remediator: { summary: 'remediator — run the remediator: failures → remediation proposals (REMEDIATOR_*, OPENAI_* variables)', run: serveCommand('remediator') },
  scorer: { summary: 'scorer — run the scorer: proposals × outcomes → scores (SCORER_* variables)', run: serveCommand('scorer') },
  rebuild: { summary: 'rebuild [--keep-old] — rebuild the read model into a new version from offset 0, swap with zero downtime', run: rebuildCommand },
  replay: { summary: REPLAY_SUMMARY, run: replayCommand },
  experiment: { summary: EXPERIMENT_SUMMARY, run: experimentCommand },
  dlq: { summary: 'dlq redrive <topic> — re-publish the dead letters of <topic>.dlq after a fix', run: dlqCommand },
  setup: { summary: 'setup [--timeout s] — wait for the services, then topics + schemas + migrations', run: setupCommand },
  stack: { summary: 'stack wait [--timeout s] [kafka registry postgres] — wait until the services answer', run: stackCommand },
};

function usage(): string {
  return ['usage: verity <command> [args]', '', ...Object.entries(commands).map(([n, c]) => `  ${n.padEnd(9)} ${c.summary}`)].join('\n');
}

const [name, ...args] = process.argv.slice(2);
const command = name ? commands[name] : undefined;
if (!command) {
  console.error(name && name !== '--help' && name !== '-h' ? `verity: unknown command "${name}"\n\n${usage()}` : usage());
  process.exit(name === '--help' || name === '-h' ? 0 : 2);
}
try {
  process.exitCode = await command.run(args);
} catch (err) {
  console.error(`verity ${name}: ${(err as Error).message}`);
  process.exitCode = 1;
}
