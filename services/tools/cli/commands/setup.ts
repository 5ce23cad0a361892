import { loadConfig } from '../../../lib/platform/config/index.js';
import { setupPlatform } from '../../../lib/platform/setup.js';

/** `verity setup [--timeout s]`: wait for Kafka, the registry and Postgres, then apply topics, schemas, migrations. */
export async function setupCommand(args: string[]): Promise<number> {
  const i = args.indexOf('--timeout');
  const timeout = i >= 0 ? Number(args[i + 1]) : 180;
  if (!Number.isFinite(timeout) || timeout <= 0) throw new Error('--timeout takes a positive number of seconds');
  const report = await setupPlatform(loadConfig(), timeout * 1000);
  for (const [dep, detail] of Object.entries(report.ready)) console.log(`ready     ${dep.padEnd(9)} ${detail}`);
  const changed = report.topics.filter((t) => t.action !== 'unchanged');
  console.log(`topics    ${report.topics.length} declared, ${changed.length} changed${changed.map((c) => `\n          ${c.action} ${c.topic}${c.detail ? ` (${c.detail})` : ''}`).join('')}`);
  console.log(`schemas   ${report.schemas.length} subjects registered (ids ${report.schemas.map((s) => s.id).join(',')})`);
  console.log(`migrate   ${report.migrationsApplied === 0 ? 'up to date' : `applied ${report.migrationsApplied}`}`);
  return 0;
}
