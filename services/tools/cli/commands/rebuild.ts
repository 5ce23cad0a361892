import type { Command } from 'commander';
import type { Invoke } from '../invoke.js';
import { createPool } from '../../../lib/platform/db/client.js';
import { createLogger } from '../../../lib/platform/log.js';
import { loadProjectorConfig } from '../../../run/projector/index.js';
import { terminalProgress } from '../../../lib/platform/progress-bar.js';
import { rebuild } from '../../../run/projector/index.js';

/** `verity rebuild [--keep-old]`: build the next read-model version from offset 0, swap, drop the old one. */
export function registerRebuild(program: Command, invoke: Invoke): void {
  program
    .command('rebuild')
    .summary('rebuild the read model into a new version from offset 0, swap with zero downtime')
    .description(
      'rebuild the read model into a new version from offset 0 (PROJECTOR_* variables), ' +
        'swap the rm views to it with zero downtime, drop the old version',
    )
    .option('--keep-old', "keep the old version's schema (default: drop it)")
    .action((o: { keepOld?: boolean }) => invoke('rebuild', { keepOld: o.keepOld === true }, rebuildCommand));
}

export async function rebuildCommand({ keepOld }: { keepOld: boolean }): Promise<number> {
  const config = loadProjectorConfig();
  const pool = createPool(config.databaseUrl, 4);
  try {
    const progress = terminalProgress('rebuild');
    const report = await rebuild(config, pool, createLogger('rebuild'), { progress, keepOld });
    process.stderr.write('\n');
    const rate = Math.round((report.events / report.ms) * 1000);
    console.log(
      `rebuilt read model v${report.from} → v${report.to}: ${report.events} events in ` +
        `${(report.ms / 1000).toFixed(1)} s (${rate} events/s); old version ${report.dropped ? 'dropped' : 'kept'}`,
    );
    return 0;
  } finally {
    await pool.end();
  }
}
