import { createPool } from '../../../lib/platform/db/client.js';
import { createLogger } from '../../../lib/platform/log.js';
import { loadProjectorConfig } from '../../../run/projector/index.js';
import { terminalProgress } from '../../../lib/platform/progress-bar.js';
import { rebuild } from '../../../run/projector/index.js';

/** `verity rebuild [--keep-old]`: build the next read-model version from offset 0, swap, drop the old one. */
export async function rebuildCommand(args: string[]): Promise<number> {
  const unknown = args.filter((a) => a !== '--keep-old');
  if (unknown.length > 0) throw new Error(`unknown argument ${unknown[0]}; usage: verity rebuild [--keep-old]`);
  const config = loadProjectorConfig();
  const pool = createPool(config.databaseUrl, 4);
  try {
    const report = await rebuild(config, pool, createLogger('rebuild'), { progress: terminalProgress('rebuild'), keepOld: args.includes('--keep-old') });
    process.stderr.write('\n');
    console.log(`rebuilt read model v${report.from} → v${report.to}: ${report.events} events in ${(report.ms / 1000).toFixed(1)} s (${Math.round((report.events / report.ms) * 1000)} events/s); old version ${report.dropped ? 'dropped' : 'kept'}`);
    return 0;
  } finally {
    await pool.end();
  }
}
