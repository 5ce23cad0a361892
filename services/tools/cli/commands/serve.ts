// `verity ingest|decider|projector|query|remediator|scorer|timer|coordinator|fetcher|exporter`: run one service in this process
// until SIGTERM/SIGINT. Under the `verity up` supervisor (an IPC channel to the parent exists) the service
// also tells the supervisor its port once it listens, and stops itself gracefully when that channel
// closes: the supervisor is gone (even by SIGKILL), and no child outlives it.
import type { Command } from 'commander';
import type { Invoke } from '../invoke.js';
import { onShutdown, type Stoppable } from '../../../lib/platform/lifecycle.js';
import { createLogger } from '../../../lib/platform/log.js';

export const SERVICES = [
  'decider',
  'ingest',
  'projector',
  'query',
  'remediator',
  'scorer',
  'timer',
  'coordinator',
  'fetcher',
  'exporter',
] as const;
export type Service = (typeof SERVICES)[number];

/** How each service starts in this process. */
export const STARTERS: Record<Service, () => Promise<Stoppable & { port: number }>> = {
  decider: async () => (await import('../../../run/decider/index.js')).startDecider(),
  ingest: async () => (await import('../../../run/ingest/index.js')).startIngest(),
  projector: async () => (await import('../../../run/projector/index.js')).startProjector(),
  query: async () => (await import('../../../run/query/index.js')).startQuery(),
  remediator: async () => (await import('../../../run/remediator/index.js')).startRemediator(),
  scorer: async () => (await import('../../../run/scorer/index.js')).startScorer(),
  timer: async () => (await import('../../../run/timer/index.js')).startTimer(),
  coordinator: async () => (await import('../../../run/coordinator/index.js')).startCoordinator(),
  fetcher: async () => (await import('../../../run/fetcher/index.js')).startFetcher(),
  exporter: async () => (await import('../../../run/exporter/index.js')).startExporter(),
};

/** What `verity --help` says of each service, in the order it lists them. */
const DESCRIPTIONS: Record<Service, string> = {
  ingest: 'run the producer API (INGEST_* variables)',
  decider: 'run the decider, the single writer of canonical events (DECIDER_* variables)',
  projector: 'run the projector: canonical events → Postgres read models (PROJECTOR_* variables)',
  query: 'run the read-model API (QUERY_* variables)',
  remediator: 'run the remediator: failures → remediation proposals (REMEDIATOR_*, OPENAI_* variables)',
  scorer: 'run the scorer: proposals × outcomes → scores (SCORER_* variables)',
  timer: 'run the timer: due times → Tick reports (TIMER_* variables)',
  coordinator: 'run the coordinator: resource groups and auto-cancel across pipelines (COORDINATOR_* variables)',
  fetcher: "run the fetcher: observed jobs' logs from their CI's API (FETCHER_* variables)",
  exporter: "run the exporter: Verity's events as CDEvents to EXPORTER_SINK_URL (EXPORTER_* variables)",
};

/** What `verity up` runs by default: every service, the exporter only when it has a sink to send to. */
export function defaultServices(env: Record<string, string | undefined> = process.env): Service[] {
  return SERVICES.filter((s) => s !== 'exporter' || Boolean(env.EXPORTER_SINK_URL));
}

export function registerServices(program: Command, invoke: Invoke): void {
  for (const service of Object.keys(DESCRIPTIONS) as Service[]) {
    program
      .command(service)
      .summary(DESCRIPTIONS[service])
      .description(
        `${DESCRIPTIONS[service]}, in this process until SIGTERM/SIGINT. Under \`verity up\` it tells the ` +
          'supervisor its port and stops when the supervisor is gone; a failed start exits 1',
      )
      .action(() => invoke(service, {}, serveCommand(service)));
  }
}

export function serveCommand(service: Service) {
  return async (): Promise<number> => {
    const log = createLogger(service);
    const supervised = typeof process.send === 'function';
    let started = false;
    if (supervised) {
      process.channel?.unref(); // the channel alone does not keep the process alive
      process.once('disconnect', () => {
        log.warn('the supervisor is gone: stopping');
        // Started: the graceful path of onShutdown; still starting: nothing to hand over yet.
        if (started) process.kill(process.pid, 'SIGTERM');
        else process.exit(1);
      });
      if (!process.connected) {
        log.warn('the supervisor was gone before the start: exiting');
        process.exit(1);
      }
    }
    let running: Stoppable & { port: number };
    try {
      running = await STARTERS[service]();
    } catch (err) {
      // What it opened (a Kafka client, a pool) would keep the process alive: a failed start exits 1.
      log.fatal({ err }, `${service} failed to start: ${(err as Error).message}`);
      process.exit(1);
    }
    onShutdown(log, [running]);
    started = true;
    if (supervised && process.connected) {
      process.send!({ type: 'listening', service, port: running.port }, undefined, {}, (err: Error | null) => {
        if (err) log.warn({ err }, 'could not tell the supervisor the port');
      });
    }
    await new Promise<never>(() => undefined); // until a signal: onShutdown exits the process
    return 0;
  };
}
