import { loadConfig } from '../../../lib/platform/config/index.js';
import { runMigrations } from '../../../lib/platform/db/migrate.js';

export async function migrateCommand(): Promise<number> {
  const { applied } = await runMigrations(loadConfig().databaseUrl);
  console.log(applied === 0 ? 'migrations: up to date' : `migrations: applied ${applied}`);
  return 0;
}
