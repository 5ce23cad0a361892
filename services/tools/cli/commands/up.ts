// `verity up`: every Verity service — decider, ingest, projector, query, remediator, scorer — each in
// its own process (`bin/verity <service>`) under a small supervisor (services/tools/cli/supervisor): restarts
// with capped exponential backoff, gives up on a service after VERITY_SUPERVISOR_MAX_CRASHES fast
// crashes, one log file per service, an ops port (VERITY_SUPERVISOR_PORT, 8089) with /healthz,
// /readyz, /metrics and /status. Each service listens on its own <SERVICE>_PORT. `--only a,b` runs a
// subset. SIGTERM/SIGINT stops every child gracefully; a second signal hurries them. docs/operations.md.
import { createLogger } from '../../../lib/platform/log.js';
import { SERVICES, type Service } from './serve.js';

export const UP_USAGE = `usage: verity up [--only ${SERVICES.join(',')}]`;

export function parseUpArgs(args: string[]): { services: Service[] } {
  let services: Service[] = [...SERVICES];
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    if (a === '--only' || a.startsWith('--only=')) {
      const list = (a.includes('=') ? a.slice(7) : args[++i] ?? '').split(',').map((s) => s.trim()).filter(Boolean);
      const unknown = list.filter((s) => !(SERVICES as readonly string[]).includes(s));
      if (list.length === 0 || unknown.length > 0) throw new Error(`--only takes services among ${SERVICES.join(', ')}${unknown.length ? `; unknown: ${unknown.join(', ')}` : ''}`);
      services = SERVICES.filter((s) => list.includes(s));
    } else throw new Error(`unknown argument ${a}\n${UP_USAGE}`);
  }
  return { services };
}

export async function upCommand(args: string[]): Promise<number> {
  const { services } = parseUpArgs(args);
  // Loaded here so that a service process (serve.ts) never registers the supervisor's metrics.
  const { loadSupervisorConfig } = await import('../supervisor/config.js');
  const { Supervisor } = await import('../supervisor/supervisor.js');
  const { startSupervisorOps } = await import('../supervisor/ops.js');
  const config = loadSupervisorConfig();
  const log = createLogger('supervisor');
  const supervisor = new Supervisor(config, services, log);
  const ops = await startSupervisorOps(supervisor, config.port, log).catch((err: Error) => {
    throw new Error(`cannot listen on 127.0.0.1:${config.port} (VERITY_SUPERVISOR_PORT): ${err.message}; is another \`verity up\` running?`);
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
