import type { Command } from 'commander';
import type { Invoke } from '../invoke.js';
import { loadConfig } from '../../../lib/platform/config/index.js';
import { createKafka } from '../../../lib/platform/kafka/client.js';
import { redrive } from '../../../lib/platform/kafka/redrive.js';

/** `verity dlq redrive <topic>`: re-publish `<topic>.dlq` to `<topic>` after a fix. */
export function registerDlq(program: Command, invoke: Invoke): void {
  const dlq = program
    .command('dlq')
    .summary('redrive <topic>: re-publish the dead letters of <topic>.dlq after a fix')
    .description('dead-letter topics (<topic>.dlq): re-publish them after a fix');
  dlq
    .command('redrive')
    .description(
      're-publish the dead letters of <topic>.dlq to <topic>, each once (a consumer group remembers how far it got), ' +
        'without their dlq-* headers',
    )
    .argument('<topic>', 'the topic whose dead letters to re-publish (e.g. ci.intake.v1; not ci.pipeline.events.v1)')
    .action((topic: string) => invoke('dlq redrive', { topic }, dlqRedrive));
}

export async function dlqRedrive({ topic }: { topic: string }): Promise<number> {
  const report = await redrive(createKafka(loadConfig(), 'verity-dlq'), topic);
  console.log(`redriven ${report.redriven} record(s) from ${topic}.dlq to ${topic}`);
  return 0;
}
