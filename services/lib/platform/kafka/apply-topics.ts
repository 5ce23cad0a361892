// Makes the broker match topicSpecs(): creates missing topics, raises partition counts, aligns configs.
// Idempotent: a second run changes nothing and says so.
import kafkajs, { type Admin } from 'kafkajs';
import type { TopicSpec } from './topics.js';

// kafkajs is CommonJS and Node's named-export detection misses this one.
const { ConfigResourceTypes } = kafkajs;

export interface TopicChange {
  topic: string;
  action: 'created' | 'partitions-increased' | 'configs-altered' | 'unchanged' | 'partitions-exceed-spec';
  detail?: string;
}

export async function applyTopics(
  admin: Admin,
  specs: TopicSpec[],
  opts: { partitions: number; replicationFactor: number },
): Promise<TopicChange[]> {
  const existing = new Set(await admin.listTopics());
  const changes: TopicChange[] = [];
  const missing = specs.filter((s) => !existing.has(s.name));
  if (missing.length > 0) {
    await admin.createTopics({
      waitForLeaders: true,
      topics: missing.map((s) => ({
        topic: s.name,
        numPartitions: opts.partitions,
        replicationFactor: opts.replicationFactor,
        configEntries: Object.entries(s.configs).map(([name, value]) => ({ name, value })),
      })),
    });
    for (const s of missing)
      changes.push({ topic: s.name, action: 'created', detail: `${opts.partitions} partitions` });
  }
  const present = specs.filter((s) => existing.has(s.name));
  if (present.length === 0) return changes;

  const meta = await admin.fetchTopicMetadata({ topics: present.map((s) => s.name) });
  const described = await admin.describeConfigs({
    includeSynonyms: false,
    resources: present.map((s) => ({ type: ConfigResourceTypes.TOPIC, name: s.name })),
  });
  for (const spec of present) {
    const count = meta.topics.find((t) => t.name === spec.name)?.partitions.length ?? 0;
    let changed = false;
    if (count < opts.partitions) {
      await admin.createPartitions({ topicPartitions: [{ topic: spec.name, count: opts.partitions }] });
      changes.push({ topic: spec.name, action: 'partitions-increased', detail: `${count} -> ${opts.partitions}` });
      changed = true;
    } else if (count > opts.partitions) {
      // Kafka cannot remove partitions; keys would move anyway. Report, never fail.
      changes.push({ topic: spec.name, action: 'partitions-exceed-spec', detail: `${count} > ${opts.partitions}` });
      changed = true;
    }
    const current = new Map(
      (described.resources.find((r) => r.resourceName === spec.name)?.configEntries ?? []).map((e) => [
        e.configName,
        e.configValue,
      ]),
    );
    const drift = Object.entries(spec.configs).filter(([k, v]) => current.get(k) !== v);
    if (drift.length > 0) {
      // alterConfigs replaces the topic's whole set of overrides, so send every spec'd config.
      await admin.alterConfigs({
        validateOnly: false,
        resources: [
          {
            type: ConfigResourceTypes.TOPIC,
            name: spec.name,
            configEntries: Object.entries(spec.configs).map(([name, value]) => ({ name, value })),
          },
        ],
      });
      changes.push({
        topic: spec.name,
        action: 'configs-altered',
        detail: drift.map(([k, v]) => `${k}=${v}`).join(' '),
      });
      changed = true;
    }
    if (!changed) changes.push({ topic: spec.name, action: 'unchanged' });
  }
  return changes;
}
