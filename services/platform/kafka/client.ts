// One place that builds kafkajs clients: brokers and client id from config, kafkajs logs routed to pino.
import { Kafka, logLevel as KafkaLogLevel, type LogEntry } from 'kafkajs';
import type { PlatformConfig } from '../config.js';
import { createLogger } from '../log.js';

const levels: Record<number, 'error' | 'warn' | 'info' | 'debug'> = {
  [KafkaLogLevel.ERROR]: 'error',
  [KafkaLogLevel.WARN]: 'warn',
  [KafkaLogLevel.INFO]: 'info',
  [KafkaLogLevel.DEBUG]: 'debug',
};

export function createKafka(config: Pick<PlatformConfig, 'kafkaBrokers' | 'kafkaClientId'>, clientId?: string): Kafka {
  const log = createLogger('kafkajs');
  return new Kafka({
    clientId: clientId ?? config.kafkaClientId,
    brokers: config.kafkaBrokers,
    connectionTimeout: 3000,
    requestTimeout: 30000,
    retry: { retries: 8, initialRetryTime: 200, maxRetryTime: 5000 },
    logLevel: KafkaLogLevel.WARN,
    logCreator:
      () =>
      ({ namespace, level, log: entry }: LogEntry) => {
        const { message, ...rest } = entry;
        log[levels[level] ?? 'info']({ namespace, ...rest }, message);
      },
  });
}
