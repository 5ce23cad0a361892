// The operations routes' reads of the broker (admin requests only): Verity's consumer groups with their state,
// members and committed positions, and the offsets of Verity's topics. One admin connection per read, closed
// after it (operations.ts caches the results for a few seconds), so an idle query service holds none.
import type { Admin, Kafka } from 'kafkajs';
import { unavailable } from '../../lib/platform/http/problem.js';
import { scopedId, topicSpecs } from '../../lib/platform/kafka/topics.js';

/** Every consumer group of this Verity starts so (the topic prefix scopes them like its topics). */
export const GROUP_PREFIX = scopedId('verity-');
/** The projector's groups: its positions are checkpoints in Postgres, beside its rows, not group offsets. */
export const PROJECTOR_PREFIX = scopedId('verity-projector-');
/** The group `verity dlq redrive <topic>` remembers how far it got in (redrive.ts). */
export const redriveGroup = (topic: string): string => scopedId(`verity-dlq-redrive-${topic}`);
/**
 * Groups of one process or one run, not the system's consumers: a query instance's live stream, ingest's
 * verdict waits, changelog restores, `verity topics tail`, experiments, replays, redrives (shown with their
 * dead letters), this file's own dead-letter reads.
 */
const TRANSIENT = [
  'verity-query-stream-',
  'verity-ingest-verdicts-',
  'verity-decider-restore-',
  'verity-coordinator-restore-',
  'verity-tail-',
  'verity-experiment-',
  'verity-replay-',
  'verity-dlq-redrive-',
  'verity-query-dlq-peek-',
].map(scopedId);
/** At most this many groups are described (a cluster shared by many Verity prefixes lists them all). */
export const MAX_GROUPS = 100;
const ADMIN_DEADLINE_MS = 10_000;

export interface PartitionOffsets {
  partition: number;
  low: bigint;
  high: bigint;
}

export interface GroupInfo {
  group: string;
  /** Kafka's group state (Stable, Empty, PreparingRebalance, …; Dead: no such group now). */
  state: string;
  members: number;
}

/** Verity's topics (the declarative list, topics.ts), the dead-letter topics among them. */
export const verityTopics = (): string[] => topicSpecs(1).map((s) => s.name);

/** Runs `read` with a connected admin, disconnected after; a broker that does not answer in time is a 503. */
export async function withAdmin<T>(kafka: Kafka | undefined, read: (admin: Admin) => Promise<T>): Promise<T> {
  if (!kafka) throw unavailable('operations need Kafka, and this instance runs without it', 30);
  const admin = kafka.admin();
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(unavailable('Kafka did not answer in time', 5)), ADMIN_DEADLINE_MS);
  });
  const work = (async () => {
    await admin.connect();
    return read(admin);
  })();
  try {
    return await Promise.race([work, deadline]);
  } catch (err) {
    if (err instanceof Error && err.name.startsWith('KafkaJS')) throw unavailable(`Kafka: ${err.message}`, 5);
    throw err;
  } finally {
    clearTimeout(timer);
    work.catch(() => undefined);
    await admin.disconnect().catch(() => undefined);
  }
}

/** Offsets of those of `topics` that exist (a missing one is left out), partitions in order. */
export async function topicOffsets(admin: Admin, topics: string[]): Promise<Map<string, PartitionOffsets[]>> {
  const existing = new Set(await admin.listTopics());
  const out = new Map<string, PartitionOffsets[]>();
  for (const topic of topics) {
    if (!existing.has(topic)) continue;
    const offsets = await admin.fetchTopicOffsets(topic);
    out.set(
      topic,
      offsets
        .map((o) => ({ partition: o.partition, low: BigInt(o.low), high: BigInt(o.high) }))
        .sort((a, b) => a.partition - b.partition),
    );
  }
  return out;
}

/** Verity's long-lived consumer groups (transient ones left out), described; at most MAX_GROUPS. */
export async function verityGroups(admin: Admin): Promise<{ groups: GroupInfo[]; truncated: boolean }> {
  const ids = (await admin.listGroups()).groups
    .map((g) => g.groupId)
    .filter((id) => id.startsWith(GROUP_PREFIX) && !TRANSIENT.some((t) => id.startsWith(t)))
    .sort();
  const described = await describe(admin, ids.slice(0, MAX_GROUPS));
  return { groups: ids.slice(0, MAX_GROUPS).map((id) => described.get(id)!), truncated: ids.length > MAX_GROUPS };
}

/** State and member count of each group (Dead, 0 members for one the broker does not know). */
export async function describe(admin: Admin, ids: string[]): Promise<Map<string, GroupInfo>> {
  const out = new Map<string, GroupInfo>(ids.map((group) => [group, { group, state: 'Dead', members: 0 }]));
  if (ids.length === 0) return out;
  for (const g of (await admin.describeGroups(ids)).groups)
    out.set(g.groupId, { group: g.groupId, state: g.state, members: g.members.length });
  return out;
}

/** A group's committed positions in `topics` (partitions without one left out), by topic then partition. */
export async function committed(
  admin: Admin,
  group: string,
  topics: string[],
): Promise<Map<string, Map<number, bigint>>> {
  const out = new Map<string, Map<number, bigint>>();
  if (topics.length === 0) return out;
  for (const t of await admin.fetchOffsets({ groupId: group, topics })) {
    const positions = new Map<number, bigint>();
    for (const p of t.partitions) if (BigInt(p.offset) >= 0n) positions.set(p.partition, BigInt(p.offset));
    if (positions.size > 0) out.set(t.topic, positions);
  }
  return out;
}

/** The topics consumers dead-letter from (each has a `<topic>.dlq`, topics.ts), in the declared order. */
export const deadLetterSources = (): string[] =>
  verityTopics()
    .filter((t) => t.endsWith('.dlq'))
    .map((t) => t.slice(0, -'.dlq'.length));
