// `verity topics tail <topic>`: prints the records of a topic, one JSON line each (record-json.ts), the
// values decoded by the registry codec (dead-letter topics: raw bytes and headers). A throwaway consumer
// group (a random id, no offsets committed, deleted afterwards) reads from the end, or from the earliest
// offset kept, and follows until --max records, --timeout seconds, or SIGINT/SIGTERM: exit 0.
import { randomUUID } from 'node:crypto';
import type { Command } from 'commander';
import type { KafkaMessage } from 'kafkajs';
import type { Invoke } from '../invoke.js';
import { naturalNumber, positiveInteger, positiveNumber } from '../parsers.js';
import { loadConfig, type PlatformConfig } from '../../../lib/platform/config/index.js';
import { createKafka } from '../../../lib/platform/kafka/client.js';
import { logicalTopic, scopedId, topicSpecs } from '../../../lib/platform/kafka/topics.js';
import { EventCodec, EventDecodeError, EventValidationError } from '../../../lib/platform/registry/codec.js';
import { rawValue, recordLine } from './record-json.js';

export interface TailOptions {
  /** A topic's logical name (ci.pipeline.events.v1, ci.intake.v1.dlq, …); VERITY_TOPIC_PREFIX is added. */
  topic: string;
  fromBeginning: boolean;
  max: number | undefined;
  partition: number | undefined;
  /** Seconds. */
  timeout: number | undefined;
}

/** The logical names of the declared topics. */
const known = (): string[] => topicSpecs(1).map((s) => logicalTopic(s.name));

export function registerTail(topics: Command, invoke: Invoke): void {
  topics
    .command('tail')
    .description(
      'print the records of a topic, one JSON line each: topic, partition, offset, key, timestamp, headers, value',
    )
    .argument('<topic>', `the topic's logical name (VERITY_TOPIC_PREFIX is added): ${known().join(', ')}`)
    .option('--from-beginning', 'start at the earliest offset kept (default: at the end, only new records)')
    .option('--max <n>', 'stop after n records (default: no limit)', positiveInteger)
    .option('--partition <p>', 'read this partition only (default: every partition)', naturalNumber)
    .option('--timeout <seconds>', 'stop after this many seconds (default: follow until SIGINT)', positiveNumber)
    .addHelpText(
      'after',
      [
        '',
        'Values are decoded with the schema registry codec; a dead-letter topic (<topic>.dlq) holds raw',
        'bytes, shown as {"base64", "utf8"} (utf8 null when not text), and a record the codec refuses is',
        'shown the same way with "error". The consumer group is a throwaway one (verity-tail-<uuid>):',
        'no offsets are committed and the group is deleted on exit.',
      ].join('\n'),
    )
    .action((topic: string, o: Partial<TailOptions>) => {
      const { max, partition, timeout } = o;
      const fromBeginning = o.fromBeginning === true;
      return invoke('topics tail', { topic, fromBeginning, max, partition, timeout }, tailTopic);
    });
}

/** The physical name of a declared topic, by its logical (or physical) name. */
export function resolveTopic(name: string, replicationFactor = 1): string {
  const spec = topicSpecs(replicationFactor).find((s) => logicalTopic(s.name) === name || s.name === name);
  if (!spec) throw new Error(`unknown topic "${name}"; the topics are: ${known().join(', ')}`);
  return spec.name;
}

type Decode = (m: KafkaMessage) => Promise<{ value: unknown; error?: string }>;

async function decoderFor(config: PlatformConfig, topic: string): Promise<Decode> {
  if (topic.endsWith('.dlq')) return async (m) => ({ value: rawValue(m.value) });
  const codec = await EventCodec.forTopic(config.schemaRegistryUrl, topic);
  return async (m) => {
    if (m.value === null) return { value: null }; // a tombstone of the compacted state topic
    try {
      return { value: (await codec.decode(m.value)).event };
    } catch (err) {
      const refused = err instanceof EventDecodeError || err instanceof EventValidationError;
      if (refused) return { value: rawValue(m.value), error: err.message };
      throw err; // the registry unreachable: stop, exit 1
    }
  };
}

const toStdout = (line: string) => process.stdout.write(`${line}\n`);

export async function tailTopic(o: TailOptions, write: (line: string) => void = toStdout): Promise<number> {
  const config = loadConfig();
  const topic = resolveTopic(o.topic, config.topicReplicationFactor);
  const kafka = createKafka(config, 'verity-tail');
  const admin = kafka.admin();
  await admin.connect();
  try {
    if (!(await admin.listTopics()).includes(topic)) {
      throw new Error(`topic ${topic} does not exist (verity topics apply creates it)`);
    }
    const partitions = (await admin.fetchTopicOffsets(topic)).map((p) => p.partition).sort((a, b) => a - b);
    if (o.partition !== undefined && !partitions.includes(o.partition)) {
      const has = `it has ${partitions.length}: 0..${partitions.length - 1}`;
      throw new Error(`${topic} has no partition ${o.partition} (${has})`);
    }
    const decode = await decoderFor(config, topic);
    const groupId = scopedId(`verity-tail-${randomUUID()}`);
    try {
      await consume(kafka, topic, groupId, o, partitions, decode, write);
    } finally {
      await admin.deleteGroups([groupId]).catch((err: Error) => {
        console.error(`verity topics tail: could not delete the consumer group ${groupId}: ${err.message}`);
      });
    }
    return 0;
  } finally {
    await admin.disconnect();
  }
}

async function consume(
  kafka: ReturnType<typeof createKafka>,
  topic: string,
  groupId: string,
  o: TailOptions,
  partitions: number[],
  decode: Decode,
  write: (line: string) => void,
): Promise<void> {
  let stopping = false;
  let failure: Error | undefined;
  let stop!: () => void;
  const stopped = new Promise<void>((resolve) => (stop = resolve));
  const halt = (err?: Error) => {
    failure ??= err;
    stopping = true;
    stop();
  };
  const onSignal = () => halt();
  const onStdoutError = (err: NodeJS.ErrnoException) => halt(err.code === 'EPIPE' ? undefined : err); // | head
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  process.stdout.on('error', onStdoutError);
  const timer = o.timeout === undefined ? undefined : setTimeout(() => halt(), o.timeout * 1000);
  const others = partitions.filter((p) => o.partition !== undefined && p !== o.partition);
  const consumer = kafka.consumer({ groupId, maxWaitTimeInMs: 250, allowAutoTopicCreation: false });
  let printed = 0;
  consumer.on(consumer.events.CRASH, ({ payload }) => {
    if (!payload.restart) halt(payload.error);
  });
  try {
    await consumer.connect();
    await consumer.subscribe({ topic, fromBeginning: o.fromBeginning });
    await consumer.run({
      autoCommit: false,
      eachBatch: async ({ batch }) => {
        if (others.includes(batch.partition)) return consumer.pause([{ topic, partitions: [batch.partition] }]);
        for (const m of batch.messages) {
          if (stopping) return;
          try {
            const { value, error } = await decode(m);
            write(JSON.stringify(recordLine(topic, batch.partition, m, value, error)));
          } catch (err) {
            return halt(err as Error);
          }
          if (o.max !== undefined && ++printed >= o.max) return halt();
        }
      },
    });
    if (others.length > 0) consumer.pause([{ topic, partitions: others }]);
    await stopped;
  } finally {
    clearTimeout(timer);
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
    process.stdout.off('error', onStdoutError);
    await consumer.disconnect();
  }
  if (failure) throw failure;
}
