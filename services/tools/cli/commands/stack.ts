import { loadConfig } from '../../../lib/platform/config/index.js';
import { waitReady, type Dependency } from '../../../lib/platform/health/wait-ready.js';

const ALL: Dependency[] = ['kafka', 'registry', 'postgres'];

export async function stackCommand(args: string[]): Promise<number> {
  if (args[0] !== 'wait') {
    console.error('usage: verity stack wait [--timeout seconds] [kafka|registry|postgres ...]');
    return 2;
  }
  let timeout = 180;
  const deps: Dependency[] = [];
  for (let i = 1; i < args.length; i++) {
    const a = args[i]!;
    if (a === '--timeout') timeout = Number(args[++i]);
    else if ((ALL as string[]).includes(a)) deps.push(a as Dependency);
    else throw new Error(`unknown argument "${a}"`);
  }
  if (!Number.isFinite(timeout) || timeout <= 0) throw new Error('--timeout takes a positive number of seconds');
  const ready = await waitReady(loadConfig(), deps.length ? deps : ALL, timeout * 1000);
  for (const [dep, detail] of Object.entries(ready)) console.log(`ready  ${dep.padEnd(9)} ${detail}`);
  return 0;
}
