// Restores the decider state of newly assigned partitions from the compacted changelog
// ci.pipeline.state.v1 (same key and partition count as ci.intake.v1, so partition p holds the
// snapshots of intake partition p), through the consumer library's restoreChangelog: after the partition's
// transactional producer fenced a zombie, read_committed up to the high watermark. An undecodable snapshot is
// skipped (that pipeline is forgotten: its later reports are rejected as unknown_pipeline); a snapshot of
// another state version stops the restore.
import type { Admin, Kafka } from 'kafkajs';
import type { PipelineSnapshot } from '../../lib/core/events/generated.js';
import { STATE_VERSION, type PipelineState } from '../../lib/core/pipeline/index.js';
import type { Logger } from '../../lib/platform/log.js';
import { TOPICS } from '../../lib/platform/kafka/topics.js';
import type { EventCodec } from '../../lib/platform/registry/codec.js';
import { restoreChangelog } from '../../lib/platform/consumer/restore-changelog.js';

export async function restorePartitions(
  kafka: Kafka,
  admin: Admin,
  codec: EventCodec<PipelineSnapshot>,
  partitions: number[],
  timeoutMs: number,
  log: Logger,
): Promise<{ states: Map<number, Map<string, PipelineState>>; skipped: number }> {
  return restoreChangelog(
    kafka,
    admin,
    {
      changelog: TOPICS.pipelineState,
      input: TOPICS.intake,
      groupPrefix: 'verity-decider-restore',
      keyName: 'pipeline',
      decode: async (value) => (await codec.decode(value)).event,
      toState: (event, key) => {
        if (event.state_version !== STATE_VERSION)
          throw new Error(
            `snapshot of ${key} has state_version ${event.state_version}; this decider knows ${STATE_VERSION}`,
          );
        return event.state as unknown as PipelineState;
      },
    },
    partitions,
    timeoutMs,
    log,
  );
}
