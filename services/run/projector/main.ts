// The projector service: canonical events → Postgres read models, exactly once. `verity projector`.
// Without PROJECTOR_VERSION it follows the active read-model version: when `verity rebuild` swaps in
// a new version, the service moves to it and continues from that version's checkpoints.
import type { PipelineEvent } from '../../lib/core/events/generated.js';
import { createPool } from '../../lib/platform/db/client.js';
import { startOpsServer } from '../../lib/platform/http/app.js';
import { runIfMain, type Stoppable } from '../../lib/platform/lifecycle.js';
import { createLogger } from '../../lib/platform/log.js';
import { initTracing } from '../../lib/platform/telemetry/tracing.js';
import { loadProjectorConfig, type ProjectorConfig } from './config.js';
import { runProjection } from './projection.js';
import type { Projector } from './projector.js';
import type { ProjectionStore } from './store.js';
import { activeVersion, ensureActiveVersion } from '../../lib/readmodel/versions.js';

export interface RunningProjector extends Stoppable {
  readonly projector: Projector<PipelineEvent>;
  readonly store: ProjectionStore;
  readonly version: number;
  port: number;
}

export async function startProjector(
  config: ProjectorConfig = loadProjectorConfig(),
  opts: { http?: boolean; followMs?: number } = {},
): Promise<RunningProjector> {
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
              consumer: {
                pipelines: current.projector.consumerStatus(),
                remediations: current.remediations.consumerStatus(),
              },
              e2e_lag_ms: {
                window_s: 60,
                samples: lag.n,
                p50: lag.percentile(50, 60_000),
                p99: lag.percentile(99, 60_000),
              },
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
