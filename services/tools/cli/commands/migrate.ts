import type { Command } from 'commander';
import type { Invoke } from '../invoke.js';
import { loadConfig } from '../../../lib/platform/config/index.js';
import { runMigrations } from '../../../lib/platform/db/migrate.js';

/** `verity migrate`: apply the committed Postgres migrations. */
export function registerMigrate(program: Command, invoke: Invoke): void {
  program
    .command('migrate')
    .description('apply the committed Postgres migrations (DATABASE_URL)')
    .action(() => invoke('migrate', {}, migrateCommand));
}

export async function migrateCommand(): Promise<number> {
  const { applied } = await runMigrations(loadConfig().databaseUrl);
  console.log(applied === 0 ? 'migrations: up to date' : `migrations: applied ${applied}`);
  return 0;
}
