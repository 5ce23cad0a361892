import { Argument, type Command } from 'commander';
import type { Invoke } from '../invoke.js';
import { positiveNumber } from '../parsers.js';
import { loadConfig } from '../../../lib/platform/config/index.js';
import { waitReady, type Dependency } from '../../../lib/platform/health/wait-ready.js';

const ALL: Dependency[] = ['kafka', 'registry', 'postgres'];

export interface StackWaitOptions {
  timeout: number;
  deps: Dependency[];
}

/** `verity stack wait [--timeout s] [kafka registry postgres]`: wait until the services answer. */
export function registerStack(program: Command, invoke: Invoke): void {
  const stack = program
    .command('stack')
    .summary('wait [services...]: wait until Kafka, the registry and Postgres answer')
    .description('the services Verity runs on: Kafka, the schema registry, Postgres');
  stack
    .command('wait')
    .description('wait until the services answer (KAFKA_BROKERS, SCHEMA_REGISTRY_URL, DATABASE_URL)')
    .addArgument(new Argument('[services...]', 'the services to wait for (default: all three)').choices(ALL))
    .option('--timeout <seconds>', 'how long to wait before exit 1', positiveNumber, 180)
    .action((deps: Dependency[], o: { timeout: number }) =>
      invoke('stack wait', { timeout: o.timeout, deps }, stackWait),
    );
}

export async function stackWait({ timeout, deps }: StackWaitOptions): Promise<number> {
  const ready = await waitReady(loadConfig(), deps.length ? deps : ALL, timeout * 1000);
  for (const [dep, detail] of Object.entries(ready)) console.log(`ready  ${dep.padEnd(9)} ${detail}`);
  return 0;
}
