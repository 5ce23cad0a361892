import { loadConfig } from '../../../lib/platform/config/index.js';
import { createKafka } from '../../../lib/platform/kafka/client.js';
import { redrive } from '../../../lib/platform/kafka/redrive.js';

/** `verity dlq redrive <topic>`: re-publish `<topic>.dlq` to `<topic>` after a fix. */
export async function dlqCommand(args: string[]): Promise<number> {
  const [sub, topic] = args;
  if (sub !== 'redrive' || !topic) {
    console.error('usage: verity dlq redrive <topic>   (e.g. ci.intake.v1)');
    return 2;
  }
  const report = await redrive(createKafka(loadConfig(), 'verity-dlq'), topic);
  console.log(`redriven ${report.redriven} record(s) from ${topic}.dlq to ${topic}`);
  return 0;
}
