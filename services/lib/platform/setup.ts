// What `make up` and the test fixtures do once the services answer: topics, schemas, migrations.
// Each step is idempotent, so this runs on every start.
import type { PlatformConfig } from './config/index.js';
import { runMigrations } from './db/migrate.js';
import { waitReady } from './health/wait-ready.js';
import { applyTopics, type TopicChange } from './kafka/apply-topics.js';
import { createKafka } from './kafka/client.js';
import { topicSpecs } from './kafka/topics.js';
import { applySchemas, type AppliedSchema } from './registry/apply-schemas.js';
import { loadCatalog } from './schemas/catalog.js';

export interface SetupReport {
  ready: Record<string, string>;
  topics: TopicChange[];
  schemas: AppliedSchema[];
  migrationsApplied: number;
}

export async function setupPlatform(config: PlatformConfig, timeoutMs = 180_000): Promise<SetupReport> {
  const ready = await waitReady(config, ['kafka', 'registry', 'postgres'], timeoutMs);
  const admin = createKafka(config, 'verity-setup').admin();
  await admin.connect();
  let topics: TopicChange[];
  try {
    topics = await applyTopics(admin, topicSpecs(config.topicReplicationFactor), {
      partitions: config.topicPartitions,
      replicationFactor: config.topicReplicationFactor,
    });
  } finally {
    await admin.disconnect();
  }
  const schemas = await applySchemas(config.schemaRegistryUrl, loadCatalog());
  const { applied } = await runMigrations(config.databaseUrl);
  return { ready, topics, schemas, migrationsApplied: applied };
}
