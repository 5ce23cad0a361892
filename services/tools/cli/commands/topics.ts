// `verity topics list|apply|tail`: the topics declared in services/lib/platform/kafka/topics.ts.
import type { Command } from 'commander';
import type { Invoke } from '../invoke.js';
import { loadConfig } from '../../../lib/platform/config/index.js';
import { applyTopics } from '../../../lib/platform/kafka/apply-topics.js';
import { createKafka } from '../../../lib/platform/kafka/client.js';
import { topicSpecs } from '../../../lib/platform/kafka/topics.js';
import { registerTail } from './topics-tail.js';

export function registerTopics(program: Command, invoke: Invoke): void {
  const topics = program
    .command('topics')
    .summary('list|apply|tail: the Kafka topics — list them, create and align them, print the records of one')
    .description('the Kafka topics of ARCHITECTURE.md: list them (the default), create and align them, tail one');
  topics
    .command('list', { isDefault: true })
    .description('the declared topics, each with its description and configs')
    .action(() => invoke('topics list', {}, listTopics));
  topics
    .command('apply')
    .description(
      'create the missing topics and align configs and partition counts ' +
        '(VERITY_TOPIC_PARTITIONS, VERITY_TOPIC_REPLICATION_FACTOR; names prefixed by VERITY_TOPIC_PREFIX)',
    )
    .action(() => invoke('topics apply', {}, applyTopicsCommand));
  registerTail(topics, invoke);
}

export async function listTopics(): Promise<number> {
  const specs = topicSpecs(loadConfig().topicReplicationFactor);
  for (const s of specs) {
    const configs = Object.entries(s.configs).map(([k, v]) => `${k}=${v}`);
    console.log(`${s.name.padEnd(30)} ${s.description}\n${' '.repeat(31)}${configs.join(' ')}`);
  }
  return 0;
}

export async function applyTopicsCommand(): Promise<number> {
  const config = loadConfig();
  const specs = topicSpecs(config.topicReplicationFactor);
  const admin = createKafka(config, 'verity-topics').admin();
  await admin.connect();
  try {
    const changes = await applyTopics(admin, specs, {
      partitions: config.topicPartitions,
      replicationFactor: config.topicReplicationFactor,
    });
    for (const c of changes) console.log(`${c.action.padEnd(22)} ${c.topic}${c.detail ? `  (${c.detail})` : ''}`);
    return 0;
  } finally {
    await admin.disconnect();
  }
}
