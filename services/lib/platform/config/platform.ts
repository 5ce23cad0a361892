// Configuration shared by every service (docs/CONFIGURATION.md, "Every service"), read from environment
// variables with documented defaults. Bad values fail at start-up with the variable's name.
import { ConfigError, type Env, int, list, oneOf, readEnv, str, url } from './env-spec.js';

export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;

export const platformConfigSpec = {
  KAFKA_BROKERS: list('bootstrap brokers (host:port), at least one', { default: ['127.0.0.1:9092'] }),
  KAFKA_CLIENT_ID: str('kafkajs client id', { default: 'verity' }),
  SCHEMA_REGISTRY_URL: url('Confluent-compatible schema registry API', {
    default: 'http://127.0.0.1:8081/apis/ccompat/v7',
  }),
  DATABASE_URL: str("Postgres (read models, ingest's own tables, stored logs); when set, `make up` starts none", {
    default: 'postgres://verity:verity@127.0.0.1:54329/verity',
  }),
  VERITY_TOPIC_PARTITIONS: int('partitions of every topic (`verity topics apply` raises, never lowers)', {
    default: 12,
    min: 1,
    max: 1000,
  }),
  VERITY_TOPIC_REPLICATION_FACTOR: int('1 in dev/CI, 3 in production (`min.insync.replicas` follows: 1, then 2)', {
    default: 1,
    min: 1,
    max: 5,
  }),
  LOG_LEVEL: oneOf('pino level; logs are JSON on stderr', { values: LOG_LEVELS, default: 'info' }),
  STALL_SECONDS: int("a consumer's partition behind and not moving for this long is stalled: `/readyz` answers 503", {
    default: 60,
    min: 1,
    max: 86_400,
  }),
};

/** VERITY_INSTANCE_ID of a service's instance: `<service>-<pid>` unless set. */
export function instanceIdVar(service: string) {
  return str("this instance's name (Kafka client id `verity-<id>`)", {
    default: `${service}-${process.pid}`,
    defaultText: `\`${service}-<pid>\``,
  });
}

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

export function loadConfig(env: Env = process.env): PlatformConfig {
  const v = readEnv(platformConfigSpec, env);
  if (v.KAFKA_BROKERS.length === 0) throw new ConfigError('KAFKA_BROKERS must list at least one host:port');
  return {
    kafkaBrokers: v.KAFKA_BROKERS,
    kafkaClientId: v.KAFKA_CLIENT_ID,
    schemaRegistryUrl: v.SCHEMA_REGISTRY_URL,
    databaseUrl: v.DATABASE_URL,
    topicPartitions: v.VERITY_TOPIC_PARTITIONS,
    topicReplicationFactor: v.VERITY_TOPIC_REPLICATION_FACTOR,
    logLevel: v.LOG_LEVEL,
    stallMs: v.STALL_SECONDS * 1000,
  };
}
