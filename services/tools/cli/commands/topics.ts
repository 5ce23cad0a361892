import { loadConfig } from '../../../lib/platform/config/index.js';
import { applyTopics } from '../../../lib/platform/kafka/apply-topics.js';
import { createKafka } from '../../../lib/platform/kafka/client.js';
import { topicSpecs } from '../../../lib/platform/kafka/topics.js';

export async function topicsCommand(args: string[]): Promise<number> {
  const config = loadConfig();
  const specs = topicSpecs(config.topicReplicationFactor);
  const sub = args[0] ?? 'list';
  if (sub === 'list') {
    for (const s of specs) console.log(`${s.name.padEnd(30)} ${s.description}\n${' '.repeat(31)}${Object.entries(s.configs).map(([k, v]) => `${k}=${v}`).join(' ')}`);
    return 0;
  }
  if (sub !== 'apply') {
    console.error('usage: verity topics apply|list');
    return 2;
  }
  const admin = createKafka(config, 'verity-topics').admin();
  await admin.connect();
  try {
    const changes = await applyTopics(admin, specs, { partitions: config.topicPartitions, replicationFactor: config.topicReplicationFactor });
    for (const c of changes) console.log(`${c.action.padEnd(22)} ${c.topic}${c.detail ? `  (${c.detail})` : ''}`);
    return 0;
  } finally {
    await admin.disconnect();
  }
}
