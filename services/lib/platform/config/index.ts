// Configuration shared by every service, read from environment variables with documented defaults
// (README.md, "Configuration"). Bad values fail at start-up with the variable's name.

export interface PlatformConfig {
  kafkaBrokers: string[];
  kafkaClientId: string;
  schemaRegistryUrl: string;
  databaseUrl: string;
  topicPartitions: number;
  topicReplicationFactor: number;
  logLevel: string;
  /** A consumer's partition behind and not moving for this long is stalled: /readyz answers 503 naming it. */
  stallMs: number;
}

type Env = Record<string, string | undefined>;

export class ConfigError extends Error {}

export function intFromEnv(env: Env, name: string, fallback: number, min = 1, max = Number.MAX_SAFE_INTEGER): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < min || n > max) {
    throw new ConfigError(`${name} must be an integer in [${min}, ${max}], got "${raw}"`);
  }
  return n;
}

export function loadConfig(env: Env = process.env): PlatformConfig {
  const brokers = (env.KAFKA_BROKERS ?? '127.0.0.1:9092').split(',').map((b) => b.trim()).filter(Boolean);
  if (brokers.length === 0) throw new ConfigError('KAFKA_BROKERS must list at least one host:port');
  return {
    kafkaBrokers: brokers,
    kafkaClientId: env.KAFKA_CLIENT_ID ?? 'verity',
    schemaRegistryUrl: (env.SCHEMA_REGISTRY_URL ?? 'http://127.0.0.1:8081/apis/ccompat/v7').replace(/\/+$/, ''),
    databaseUrl: env.DATABASE_URL ?? 'postgres://verity:verity@127.0.0.1:54329/verity',
    topicPartitions: intFromEnv(env, 'VERITY_TOPIC_PARTITIONS', 12, 1, 1000),
    topicReplicationFactor: intFromEnv(env, 'VERITY_TOPIC_REPLICATION_FACTOR', 1, 1, 5),
    logLevel: env.LOG_LEVEL ?? 'info',
    stallMs: intFromEnv(env, 'STALL_SECONDS', 60, 1, 86_400) * 1000,
  };
}
