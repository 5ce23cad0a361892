// Keeps ingest's pipeline directory (directory.ts) complete from the canonical events: a consumer of
// ci.pipeline.events.v1 from the beginning (group `verity-ingest-directory`, shared by every ingest
// instance; the consumer runner in commit mode: the rows are written, then the offsets committed — at least
// once, and apply() is idempotent). It learns the pipelines created before the directory existed or written
// straight to ci.intake.v1, and every job attempt id the decider creates (retries included), so a producer
// can upload a log by attempt id. Only the events that carry owners or attempts are decoded.
import type { Kafka } from 'kafkajs';
import type { PipelineEvent } from '../../lib/core/events/generated.js';
import { ConsumerRunner } from '../../lib/platform/consumer/runner.js';
import { scopedId, TOPICS } from '../../lib/platform/kafka/topics.js';
import type { Logger } from '../../lib/platform/log.js';
import type { EventCodec } from '../../lib/platform/registry/codec.js';
import { directoryRows, type PipelineDirectory } from './directory.js';

/** The canonical events that add to the directory. */
const READ = new Set(['PipelineCreated', 'JobCreated', 'JobRetried']);

export function directoryConsumer(
  kafka: Kafka,
  codec: EventCodec<PipelineEvent>,
  directory: PipelineDirectory,
  log: Logger,
  stallMs: number,
): ConsumerRunner<PipelineEvent> {
  return new ConsumerRunner<PipelineEvent>(
    kafka,
    {
      service: 'ingest',
      groupId: scopedId('verity-ingest-directory'),
      topics: [TOPICS.pipelineEvents],
      codecs: new Map([[TOPICS.pipelineEvents, codec]]),
      mode: 'commit',
      fromBeginning: true,
      accept: (m) => {
        const type = m.headers?.['event-type']?.toString();
        return type === undefined || READ.has(type);
      },
      // The directory is ingest's, not the canonical topic's: poison here is logged and skipped (the
      // projector dead-letters the canonical topic's poison).
      deadLetters: false,
      stallMs,
    },
    { process: async (slice) => directory.apply(directoryRows(slice.records.map((r) => r.event))) },
    log,
  );
}
