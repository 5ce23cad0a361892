import type { Command } from 'commander';
import type { Invoke } from '../invoke.js';
import { positiveNumber } from '../parsers.js';
import { loadConfig } from '../../../lib/platform/config/index.js';
import { setupPlatform } from '../../../lib/platform/setup.js';

/** `verity setup [--timeout s]`: wait for Kafka, the registry and Postgres, then apply topics, schemas, migrations. */
export function registerSetup(program: Command, invoke: Invoke): void {
  program
    .command('setup')
    .summary('wait for the services, then topics + schemas + migrations')
    .description(
      'wait for Kafka, the schema registry and Postgres, then apply the topics, the schemas and the migrations',
    )
    .option('--timeout <seconds>', 'how long to wait for the three to answer', positiveNumber, 180)
    .action((o: { timeout: number }) => invoke('setup', { timeout: o.timeout }, setupCommand));
}

export async function setupCommand({ timeout }: { timeout: number }): Promise<number> {
  const report = await setupPlatform(loadConfig(), timeout * 1000);
  for (const [dep, detail] of Object.entries(report.ready)) console.log(`ready     ${dep.padEnd(9)} ${detail}`);
  const changed = report.topics.filter((t) => t.action !== 'unchanged');
  const changes = changed.map((c) => `\n          ${c.action} ${c.topic}${c.detail ? ` (${c.detail})` : ''}`).join('');
  console.log(`topics    ${report.topics.length} declared, ${changed.length} changed${changes}`);
  console.log(
    `schemas   ${report.schemas.length} subjects registered (ids ${report.schemas.map((s) => s.id).join(',')})`,
  );
  console.log(`migrate   ${report.migrationsApplied === 0 ? 'up to date' : `applied ${report.migrationsApplied}`}`);
  return 0;
}
