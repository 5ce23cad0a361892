import { loadConfig } from '../../platform/config.js';
import { runMigrations } from '../../platform/db/migrate.js';

export async function migrateCommand(): Promise<number> {
  const { applied } = await runMigrations(loadConfig().databaseUrl);
  console.log(applied === 0 ? 'migrations: up to date' : `migrations: applied ${applied}`);
  return 0;
}
