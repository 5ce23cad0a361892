// The two composite reads of the operations routes: consumer lag (Kafka groups' committed offsets, and the
// projector's checkpoints in Postgres, against the topics' end offsets) and the read-model versions with the
// progress of each one's projection. The arithmetic is operations-lag.ts'; the I/O operations-kafka.ts' and
// operations-readmodels.ts'.
import type { Admin } from 'kafkajs';
import type { Db } from '../../lib/platform/db/client.js';
import { scopedId, TOPICS } from '../../lib/platform/kafka/topics.js';
import { PROJECTION, versionSchema } from '../../lib/readmodel/versions.js';
import {
  committed,
  describe,
  PROJECTOR_PREFIX,
  topicOffsets,
  verityGroups,
  verityTopics,
  type PartitionOffsets,
} from './operations-kafka.js';
import { progressOf, totals, type PartitionLag, type PartitionSnapshot, type PositionBook } from './operations-lag.js';
import { checkpoints, versionOf, versionState, type Checkpoint } from './operations-readmodels.js';

const PROJECTOR_TOPICS = [TOPICS.pipelineEvents, TOPICS.remediationEvents];

export interface ConsumerGroup {
  group: string;
  /** Where its positions are: the group's committed offsets, or the projector's checkpoints in Postgres. */
  positions_in: 'kafka' | 'postgres';
  /** The projection (`<name>@v<N>`) whose checkpoints these are; null for a Kafka group. */
  projection: string | null;
  state: string;
  members: number;
  lag: number;
  stalled: number;
  partitions: PartitionLag[];
}

/** The projector's group for a projection's topic (projection.ts: `<group>` and `<group>-remediations`). */
const projectorGroup = (projection: string, topic: string) =>
  scopedId(`verity-projector-${projection}`) + (topic === TOPICS.remediationEvents ? '-remediations' : '');

/** Projections written now: the active version's and the one being built (old kept versions and replays are not). */
function liveProjections(cps: Checkpoint[], live: number[]): string[] {
  const names = new Set(live.map((v) => `${PROJECTION}@v${v}`));
  for (const c of cps) {
    const v = versionOf(c.projection);
    if (v && live.includes(v.version)) names.add(c.projection);
  }
  return [...names].sort();
}

/** Position per partition of `topic` in a projection: its checkpoint, or the earliest offset (where it starts). */
const projectionSnapshots = (
  group: string,
  topic: string,
  offsets: PartitionOffsets[],
  cps: Map<string, bigint>,
): PartitionSnapshot[] =>
  offsets.map((o) => ({
    group,
    topic,
    partition: o.partition,
    position: cps.get(`${topic}[${o.partition}]`) ?? o.low,
    low: o.low,
    high: o.high,
  }));

export async function readConsumers(admin: Admin, db: Db, book: PositionBook, stallMs: number) {
  const now = Date.now();
  const offsets = await topicOffsets(admin, verityTopics());
  const existing = [...offsets.keys()];
  const { groups, truncated } = await verityGroups(admin);
  const plan: { info: Omit<ConsumerGroup, 'lag' | 'stalled' | 'partitions'>; snapshots: PartitionSnapshot[] }[] = [];
  for (const info of groups) {
    if (info.group.startsWith(PROJECTOR_PREFIX)) continue; // shown below, from its checkpoints
    const positions = await committed(admin, info.group, existing);
    const snapshots = [...positions].flatMap(([topic, byPartition]) =>
      (offsets.get(topic) ?? []).map((o) => ({
        group: info.group,
        topic,
        partition: o.partition,
        position: byPartition.get(o.partition) ?? null,
        low: o.low,
        high: o.high,
      })),
    );
    plan.push({ info: { ...info, positions_in: 'kafka', projection: null }, snapshots });
  }
  const state = await versionState(db);
  const cps = await checkpoints(db, PROJECTOR_TOPICS);
  const live = [state.active, state.building].filter((v): v is number => v !== null);
  const projections = liveProjections(cps, live);
  const ids = projections.flatMap((p) => PROJECTOR_TOPICS.map((t) => projectorGroup(p, t)));
  const described = await describe(admin, ids);
  for (const projection of projections) {
    const mine = new Map(
      cps.filter((c) => c.projection === projection).map((c) => [`${c.topic}[${c.partition}]`, c.position]),
    );
    for (const topic of PROJECTOR_TOPICS) {
      const group = projectorGroup(projection, topic);
      const info = described.get(group) ?? { group, state: 'Dead', members: 0 };
      const snapshots = projectionSnapshots(group, topic, offsets.get(topic) ?? [], mine);
      plan.push({ info: { ...info, positions_in: 'postgres', projection }, snapshots });
    }
  }
  const lags = book.observe(
    plan.flatMap((p) => p.snapshots),
    now,
    stallMs,
  );
  let at = 0;
  const out: ConsumerGroup[] = plan.map(({ info, snapshots }) => {
    const partitions = lags.slice(at, (at += snapshots.length));
    return { ...info, ...totals(partitions), partitions };
  });
  return { observed_at: new Date(now).toISOString(), stall_ms: stallMs, groups: out, truncated };
}

export interface VersionRow {
  version: number;
  schema: string;
  active: boolean;
  building: boolean;
  serving: boolean;
  /** Each projection writing this version, with how far it read the two topics. */
  projections: {
    projection: string;
    done: number;
    total: number;
    percent: number;
    topics: { topic: string; done: number; total: number; percent: number; checkpoints: number; partitions: number }[];
  }[];
}

export async function readVersions(admin: Admin, db: Db) {
  const state = await versionState(db);
  const offsets = await topicOffsets(admin, PROJECTOR_TOPICS);
  const cps = await checkpoints(db, PROJECTOR_TOPICS);
  const numbers = [...new Set([...state.versions, ...[state.active, state.building].filter((v) => v !== null)])];
  const versions: VersionRow[] = numbers
    .sort((a, b) => b - a)
    .map((version) => {
      const names = new Set([`${PROJECTION}@v${version}`]);
      for (const c of cps) if (versionOf(c.projection)?.version === version) names.add(c.projection);
      const projections = [...names].sort().map((projection) => {
        const mine = cps.filter((c) => c.projection === projection);
        const topics = PROJECTOR_TOPICS.map((topic) => {
          const parts = offsets.get(topic) ?? [];
          const at = new Map(mine.filter((c) => c.topic === topic).map((c) => [c.partition, c.position]));
          const ranges = parts.map((p) => ({ position: at.get(p.partition) ?? null, low: p.low, high: p.high }));
          return { topic, ...progressOf(ranges), checkpoints: at.size, partitions: parts.length, ranges };
        });
        const all = progressOf(topics.flatMap((t) => t.ranges));
        return { projection, ...all, topics: topics.map(({ ranges: _r, ...t }) => t) };
      });
      return {
        version,
        schema: versionSchema(version),
        active: version === state.active,
        building: version === state.building,
        serving: version === state.serving,
        projections,
      };
    });
  return {
    observed_at: new Date().toISOString(),
    active: state.active,
    building: state.building,
    serving: state.serving,
    versions,
  };
}
