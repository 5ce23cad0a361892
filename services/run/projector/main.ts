// The projector service: canonical events → Postgres read models, exactly once. `verity projector`.
// Without PROJECTOR_VERSION it follows the active read-model version: when `verity rebuild` swaps in
// a new version, the service moves to it and continues from that version's checkpoints.
import type pg from 'pg';
import type { PipelineEvent, RemediationEvent } from '../../lib/core/events/generated.js';
import { createDb, createPool } from '../../lib/platform/db/client.js';
import { startOpsServer } from '../../lib/platform/http/app.js';
import { createKafka } from '../../lib/platform/kafka/client.js';
import { TOPICS } from '../../lib/platform/kafka/topics.js';
import { runIfMain, type Stoppable } from '../../lib/platform/lifecycle.js';
import { createLogger, type Logger } from '../../lib/platform/log.js';
import { initTracing } from '../../lib/platform/telemetry/tracing.js';
import { EventCodec } from '../../lib/platform/registry/codec.js';
import { loadProjectorConfig, type ProjectorConfig } from './config.js';
import { Projector } from './projector.js';
import { RemediationStore } from './remediation-store.js';
import { ProjectionStore } from './store.js';
import { activeVersion, ensureActiveVersion, missingTables, VersionLease } from '../../lib/readmodel/versions.js';

export interface RunningProjector extends Stoppable {
  readonly projector: Projector<PipelineEvent>;
  readonly store: ProjectionStore;
  readonly version: number;
  port: number;
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

/**
 * The projectors writing one read-model version (no HTTP): what the service and `verity rebuild` run.
 * Holds the version's writer lease while it runs (see VersionLease).
 */
export async function runProjection(config: ProjectorConfig, pool: pg.Pool, version: number, log: Logger): Promise<Projection> {
  const lease = await VersionLease.acquire(config.databaseUrl, version, (err) => log.warn({ err: err.message, version }, 'the writer lease of the read-model version failed (Postgres connection); taking it again'));
  try {
    const missing = await missingTables(pool, version);
    if (missing.length > 0) {
      throw new Error(`read-model version ${version} was built by an older release, or dropped (missing tables: ${missing.join(', ')}); run \`verity rebuild\` to build a current version`);
    }
    // Checkpoints and the consumer groups belong to one read-model version.
    const projection = `${config.projection}@v${version}`;
    const db = createDb(pool);
    const store = new ProjectionStore(db, projection, version);
    const kafka = createKafka(config, `verity-${config.instanceId}`);
    const url = config.schemaRegistryUrl;
    const projector = new Projector(kafka, TOPICS.pipelineEvents, projection, await EventCodec.forTopic<PipelineEvent>(url, TOPICS.pipelineEvents), store, config, log);
    const remediations = new Projector(kafka, TOPICS.remediationEvents, `${projection}-remediations`, await EventCodec.forTopic<RemediationEvent>(url, TOPICS.remediationEvents), new RemediationStore(db, projection, version), config, log);
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
          await lease.release();
        }
      },
    };
  } catch (err) {
    await lease.release();
    throw err;
  }
}

export async function startProjector(config: ProjectorConfig = loadProjectorConfig(), opts: { http?: boolean; followMs?: number } = {}): Promise<RunningProjector> {
  initTracing('projector');
  const log = createLogger('projector');
  const pool = createPool(config.databaseUrl, 4, log);
  let version = config.version ?? (await ensureActiveVersion(pool));
  let current = await runProjection(config, pool, version, log);
  let switching: Promise<void> | undefined;
  // Follows the active version: when `verity rebuild` swaps, stop writing the old one (its writer lease is
  // released, which lets the rebuild drop it), then write the new one from its checkpoints.
  const follow =
    config.version === null
      ? setInterval(() => {
          if (switching) return;
          switching = (async () => {
            const active = await activeVersion(pool);
            if (active === null || active === version) return;
            log.info({ from: version, to: active }, 'active read-model version changed: following it');
            await current.stop();
            version = active;
            current = await runProjection(config, pool, version, log);
          })()
            .catch((err: Error) => log.error({ err: err.message }, 'following the active version failed; retrying'))
            .finally(() => (switching = undefined));
        }, opts.followMs ?? 2000)
      : undefined;

  const http =
    opts.http === false
      ? undefined
      : await startOpsServer({
          service: 'projector',
          log,
          port: config.port,
          readiness: async () => {
            const r = current.readiness();
            if (r !== true) return r;
            await pool.query('SELECT 1');
            return true;
          },
          stats: () => {
            const lag = current.projector.lag;
            return {
              ...current.projector.stats,
              remediations: current.remediations.stats,
              version,
              projection: current.store.projection,
              consumer: { pipelines: current.projector.consumerStatus(), remediations: current.remediations.consumerStatus() },
              e2e_lag_ms: { window_s: 60, samples: lag.n, p50: lag.percentile(50, 60_000), p99: lag.percentile(99, 60_000) },
            };
          },
        });
  const port = http?.port ?? 0;
  log.info({ port, version, projection: config.projection }, 'projector started');
  return {
    name: 'projector',
    get projector() {
      return current.projector;
    },
    get store() {
      return current.store;
    },
    get version() {
      return version;
    },
    port,
    async stop() {
      if (follow) clearInterval(follow);
      await switching;
      await http?.close();
      await current.stop();
      await pool.end();
    },
  };
}

runIfMain(import.meta.url, 'projector', () => startProjector());
