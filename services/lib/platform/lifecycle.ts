// Graceful shutdown for every service: on SIGTERM/SIGINT stop taking work, finish or abort what is in
// flight, commit, close; a second signal or the deadline exits hard.
import { createLogger, type Logger } from './log.js';
import { shutdownTracing } from './telemetry/tracing.js';

export interface Stoppable {
  name: string;
  stop(): Promise<void>;
}

export function onShutdown(
  log: Logger,
  parts: Stoppable[],
  deadlineMs = Number(process.env.VERITY_SHUTDOWN_TIMEOUT_MS ?? 30_000),
): void {
  let stopping = false;
  const shutdown = async (signal: string) => {
    if (stopping) {
      log.warn({ signal }, 'second signal: exiting now');
      process.exit(1);
    }
    stopping = true;
    log.info({ signal }, 'shutting down');
    const timer = setTimeout(() => {
      log.error({ deadlineMs }, 'shutdown deadline passed: exiting');
      process.exit(1);
    }, deadlineMs);
    timer.unref();
    let failed = false;
    for (const p of parts) {
      try {
        await p.stop();
        log.info({ part: p.name }, 'stopped');
      } catch (err) {
        failed = true;
        log.error({ err, part: p.name }, 'stop failed');
      }
    }
    await shutdownTracing().catch((err: unknown) => log.warn({ err }, 'flushing traces failed'));
    process.exit(failed ? 1 : 0);
  };
  process.on('SIGTERM', () => void shutdown('SIGTERM'));
  process.on('SIGINT', () => void shutdown('SIGINT'));
}

/**
 * The entry block of every service's main.ts: when `moduleUrl` is the script node was started with,
 * start the service and stop it gracefully on SIGTERM/SIGINT; a failed start exits 1.
 */
export function runIfMain(moduleUrl: string, name: string, start: () => Promise<Stoppable>): void {
  if (moduleUrl !== `file://${process.argv[1]}`) return;
  const log = createLogger(name);
  start().then(
    (running) => onShutdown(log, [running]),
    (err: unknown) => {
      log.fatal({ err }, 'start failed');
      process.exit(1);
    },
  );
}
