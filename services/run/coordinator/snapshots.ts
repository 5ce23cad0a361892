// The coordinator's changelog, ci.coordination.state.v1: one CoordinationSnapshot per key a batch changed (a
// tombstone for a key now empty), and the restore of newly assigned partitions from it (the decider's
// mechanism, restoreChangelog: after the fence, read_committed up to the high watermark).
import type { Admin, Kafka, Message } from 'kafkajs';
import { COORDINATION_STATE_VERSION, type CoordinationState } from '../../lib/core/coordination/index.js';
import type { CoordinationSnapshot } from '../../lib/core/events/generated.js';
import { restoreChangelog } from '../../lib/platform/consumer/restore-changelog.js';
import { TOPICS } from '../../lib/platform/kafka/topics.js';
import type { Logger } from '../../lib/platform/log.js';
import type { EventCodec, TypedEvent } from '../../lib/platform/registry/codec.js';

/**
 * The registry codec of ci.coordination.state.v1. Its records are keyed by coordination key, not by pipeline, so
 * they are not TypedEvents (whose pipeline_id toMessage keys by): only encode and decode are used.
 */
export interface SnapshotCodec {
  encode(snapshot: CoordinationSnapshot): Promise<Buffer>;
  decode(value: Buffer): Promise<{ event: CoordinationSnapshot }>;
}

export const snapshotCodec = (codec: EventCodec<TypedEvent>): SnapshotCodec => codec as unknown as SnapshotCodec;

/** The changelog records of the keys a batch changed: a snapshot, or a tombstone for a key now empty. */
export async function snapshotMessages(
  codec: SnapshotCodec,
  touched: ReadonlyMap<string, CoordinationState | null>,
  recordedAt: ReadonlyMap<string, string>,
): Promise<Message[]> {
  return Promise.all(
    [...touched].map(async ([key, state]): Promise<Message> => {
      if (state === null) return { key, value: null };
      const snapshot: CoordinationSnapshot = {
        type: 'CoordinationSnapshot',
        key,
        project_id: state.project_id,
        recorded_at: recordedAt.get(key)!,
        state_version: COORDINATION_STATE_VERSION,
        state: state as unknown as CoordinationSnapshot['state'],
      };
      return {
        key,
        value: await codec.encode(snapshot),
        headers: { 'event-type': snapshot.type, producer: 'coordinator' },
      };
    }),
  );
}

export function restoreStates(
  kafka: Kafka,
  admin: Admin,
  codec: SnapshotCodec,
  partitions: number[],
  timeoutMs: number,
  log: Logger,
): Promise<{ states: Map<number, Map<string, CoordinationState>>; skipped: number }> {
  return restoreChangelog(
    kafka,
    admin,
    {
      changelog: TOPICS.coordinationState,
      input: TOPICS.coordination,
      groupPrefix: 'verity-coordinator-restore',
      keyName: 'key',
      decode: async (value) => (await codec.decode(value)).event,
      toState: (event, key) => {
        if (event.state_version !== COORDINATION_STATE_VERSION)
          throw new Error(
            `snapshot of ${key} has state_version ${event.state_version}; this coordinator knows ${COORDINATION_STATE_VERSION}`,
          );
        return event.state as unknown as CoordinationState;
      },
    },
    partitions,
    timeoutMs,
    log,
  );
}
