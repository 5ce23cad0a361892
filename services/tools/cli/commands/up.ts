// `verity up`: every Verity service — decider, ingest, projector, query, remediator, scorer, timer, coordinator,
// fetcher, and the exporter when EXPORTER_SINK_URL is set —
// each in its own process (`bin/verity <service>`) under a small supervisor (services/tools/cli/supervisor): restarts
// with capped exponential backoff, gives up on a service after VERITY_SUPERVISOR_MAX_CRASHES fast
// crashes, one log file per service, an ops port (VERITY_SUPERVISOR_PORT, 8089) with /healthz,
// /readyz, /metrics and /status. Each service listens on its own <SERVICE>_PORT. `--only a,b` runs a
// subset. SIGTERM/SIGINT stops every child gracefully; a second signal hurries them. docs/operations.md.
import { Option, type Command } from 'commander';
import type { Invoke } from '../invoke.js';
import { refusing } from '../parsers.js';
import { createLogger } from '../../../lib/platform/log.js';
import { defaultServices, SERVICES, type Service } from './serve.js';

/** `--only a,b`: the services named, in the supervisor's order. */
export function parseOnly(value: string): Service[] {
  const list = value
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  const unknown = list.filter((s) => !(SERVICES as readonly string[]).includes(s));
  if (list.length === 0 || unknown.length > 0) {
    const which = unknown.length ? `; unknown: ${unknown.join(', ')}` : '';
    throw new Error(`Expected services among ${SERVICES.join(', ')}${which}.`);
  }
  return SERVICES.filter((s) => list.includes(s));
}

export function registerUp(program: Command, invoke: Invoke): void {
  program
    .command('up')
    .summary('every Verity service in its own process under a supervisor (restarts, logs, ops port) until SIGTERM')
    .description(
      'every Verity service in its own process under a supervisor until SIGTERM/SIGINT: restarts with backoff, ' +
        'one log file per service, ops port VERITY_SUPERVISOR_PORT (8089) with /healthz, /readyz, /metrics, /status',
    )
    .addOption(
      new Option('--only <services>', 'run these services only, comma-separated')
        .argParser(refusing(parseOnly))
        .default(defaultServices(), `${defaultServices().join(',')} (the exporter too when EXPORTER_SINK_URL is set)`),
    )
    .action((o: { only: Service[] }) => invoke('up', { services: o.only }, upCommand));
}

export async function upCommand({ services }: { services: Service[] }): Promise<number> {
  // Loaded here so that a service process (serve.ts) never registers the supervisor's metrics.
  const { loadSupervisorConfig } = await import('../supervisor/config.js');
  const { Supervisor } = await import('../supervisor/supervisor.js');
  const { startSupervisorOps } = await import('../supervisor/ops.js');
  const config = loadSupervisorConfig();
  const log = createLogger('supervisor');
  const supervisor = new Supervisor(config, services, log);
  const ops = await startSupervisorOps(supervisor, config.port, log).catch((err: Error) => {
    throw new Error(
      `cannot listen on 127.0.0.1:${config.port} (VERITY_SUPERVISOR_PORT): ${err.message}; is another \`verity up\` running?`,
    );
  });
  supervisor.port = ops.port;
  let signals = 0;
  const onSignal = (signal: NodeJS.Signals) => {
    signals++;
    log.info({ signal }, signals === 1 ? 'stopping' : 'second signal');
    if (signals === 1) void supervisor.stop();
    else supervisor.hurry();
  };
  process.on('SIGTERM', onSignal);
  process.on('SIGINT', onSignal);
  supervisor.start();
  log.info({ port: ops.port, pid: process.pid, services, logDir: config.logDir }, 'supervisor listening');
  const code = await supervisor.stopped;
  await ops.close();
  log.info({ code }, 'supervisor exiting');
  return code;
}
