// A projection: the two projectors (pipeline events, remediation events) writing one target through the
// consumer runner — a read-model version rm_v<N> (the service, `verity rebuild`) or a replay's schema
// replay_<name> (`verity replay`). The target names the tables' schema, the checkpoints and the groups.
import type pg from 'pg';
import type { PipelineEvent, RemediationEvent } from '../../lib/core/events/generated.js';
import { createDb } from '../../lib/platform/db/client.js';
import { createKafka } from '../../lib/platform/kafka/client.js';
import { scopedId, TOPICS } from '../../lib/platform/kafka/topics.js';
import type { Logger } from '../../lib/platform/log.js';
import { EventCodec } from '../../lib/platform/registry/codec.js';
import { missingColumns, missingTables, VersionLease, versionSchema } from '../../lib/readmodel/versions.js';
import type { ProjectorConfig } from './config.js';
import { Projector } from './projector.js';
import { RemediationStore } from './remediation-store.js';
import { ProjectionStore, type ProjectionSink } from './store.js';

/** Where a projection writes. */
export interface ProjectionTarget {
  /** The schema of its tables. */
  schema: string;
  /** The name its checkpoints and dead letters are kept under. */
  projection: string;
  /** The pipeline events' consumer group, scoped; the remediation events' is `<group>-remediations`. */
  group: string;
  /** A read-model version: its writer lease is held while it is written, and its tables must be current. */
  version?: number;
  /** Dead-letter poison to `<topic>.dlq` too (the read model); a replay writes no topic. */
  deadLetterTopics: boolean;
}

/** Read-model version `version`: checkpoints `<projection>@v<version>`, groups `verity-projector-<that>`. */
export function versionTarget(config: ProjectorConfig, version: number): ProjectionTarget {
  const projection = `${config.projection}@v${version}`;
  const group = scopedId(`verity-projector-${projection}`);
  return { schema: versionSchema(version), projection, group, version, deadLetterTopics: true };
}

export interface Projection {
  /** Canonical events → pipelines, jobs, stages, flaky jobs, daily stats. */
  projector: Projector<PipelineEvent>;
  /** Remediation events → proposals with feedback and scores, skips. */
  remediations: Projector<RemediationEvent>;
  store: ProjectionStore;
  /** True, or why not (joining, stalled partitions with their reason). */
  readiness(): true | string;
  /** Stalled partitions of both topics, with why. */
  stalled(): string[];
  stop(): Promise<void>;
}

export interface ProjectionOptions {
  /** The fold accepts pipelines begun before what it reads (FoldOptions.startMidStream). */
  startMidStream?: boolean;
  /** Where each partition's read ends (exclusive): paused there. Default: it does not. */
  endAt?: (topic: string, partition: number) => bigint | undefined;
}

/** Starts the projectors of `target`; each partition starts at its checkpoint there (none: the earliest offset). */
export async function openProjection(
  config: ProjectorConfig,
  pool: pg.Pool,
  log: Logger,
  target: ProjectionTarget,
  opts: ProjectionOptions = {},
): Promise<Projection> {
  const { version } = target;
  const lease =
    version === undefined
      ? undefined
      : await VersionLease.acquire(config.databaseUrl, version, (err) => {
          const msg = 'the writer lease of the read-model version failed (Postgres connection); taking it again';
          log.warn({ err: err.message, version }, msg);
        });
  try {
    const missing = version === undefined ? [] : await missingTables(pool, version);
    const columns = version === undefined || missing.length > 0 ? [] : await missingColumns(pool, version);
    if (missing.length > 0 || columns.length > 0) {
      const lacks =
        missing.length > 0 ? `missing tables: ${missing.join(', ')}` : `missing columns: ${columns.join(', ')}`;
      const why = `built by an older release, or dropped (${lacks})`;
      throw new Error(`read-model version ${version} was ${why}; run \`verity rebuild\` to build a current version`);
    }
    const db = createDb(pool);
    // The schema option names the tables; the version argument is not used then.
    const { schema, projection } = target;
    const store = new ProjectionStore(db, projection, version ?? 0, { schema, startMidStream: opts.startMidStream });
    const kafka = createKafka(config, `verity-${config.instanceId}`);
    type Event = PipelineEvent | RemediationEvent;
    const projectorOf = async <E extends Event>(topic: string, group: string, sink: ProjectionSink<E>) => {
      const codec = await EventCodec.forTopic<E>(config.schemaRegistryUrl, topic);
      return new Projector<E>(kafka, topic, group, codec, sink, config, log, {
        deadLetters: target.deadLetterTopics,
        ...(opts.endAt ? { endAt: (partition: number) => opts.endAt!(topic, partition) } : {}),
      });
    };
    const projector = await projectorOf(TOPICS.pipelineEvents, target.group, store);
    const remediationStore = new RemediationStore(db, projection, version ?? 0, schema);
    const remediations = await projectorOf(TOPICS.remediationEvents, `${target.group}-remediations`, remediationStore);
    await Promise.all([projector.start(), remediations.start()]);
    return {
      projector,
      remediations,
      store,
      readiness() {
        const reasons = [projector.readiness(), remediations.readiness()].filter((r): r is string => r !== true);
        return reasons.length === 0 ? true : reasons.join('; ');
      },
      stalled: () => [...projector.consumerStatus().stalled, ...remediations.consumerStatus().stalled],
      async stop() {
        try {
          await Promise.all([projector.stop(), remediations.stop()]);
        } finally {
          await lease?.release();
        }
      },
    };
  } catch (err) {
    await lease?.release();
    throw err;
  }
}

/**
 * The projectors writing read-model version `version` (no HTTP): what the service runs. Holds the
 * version's writer lease while it runs (see VersionLease).
 */
export function runProjection(config: ProjectorConfig, pool: pg.Pool, version: number, log: Logger) {
  return openProjection(config, pool, log, versionTarget(config, version));
}
