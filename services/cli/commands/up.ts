// `verity up`: every Verity service — ingest, decider, projector, query, remediator, scorer — in this
// process (a laptop) or, with --processes, one child process per service (`bin/verity <service>`,
// supervised: a child that dies stops the rest, SIGTERM reaches every child). Each listens on its
// default port (README). `--only ingest,decider` runs a subset. Stops gracefully on SIGTERM/SIGINT.
import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { onShutdown, type Stoppable } from '../../platform/lifecycle.js';
import { createLogger } from '../../platform/log.js';
import { REPO_ROOT } from '../../platform/schemas/catalog.js';

export const SERVICES = ['decider', 'ingest', 'projector', 'query', 'remediator', 'scorer'] as const;
export type Service = (typeof SERVICES)[number];

/** How each service starts in this process (also `verity <service>`: serve.ts). */
export const STARTERS: Record<Service, () => Promise<Stoppable>> = {
  decider: async () => (await import('../../decider/main.js')).startDecider(),
  ingest: async () => (await import('../../ingest/main.js')).startIngest(),
  projector: async () => (await import('../../projector/main.js')).startProjector(),
  query: async () => (await import('../../query/main.js')).startQuery(),
  remediator: async () => (await import('../../remediator/main.js')).startRemediator(),
  scorer: async () => (await import('../../scorer/main.js')).startScorer(),
};

export const UP_USAGE = `usage: verity up [--processes] [--only ${SERVICES.join(',')}]`;

function parse(args: string[]): { processes: boolean; services: Service[] } {
  let processes = false;
  let services: Service[] = [...SERVICES];
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    if (a === '--processes') processes = true;
    else if (a === '--only' || a.startsWith('--only=')) {
      const list = (a.includes('=') ? a.slice(7) : args[++i] ?? '').split(',').map((s) => s.trim()).filter(Boolean);
      const unknown = list.filter((s) => !(SERVICES as readonly string[]).includes(s));
      if (list.length === 0 || unknown.length > 0) throw new Error(`--only takes services among ${SERVICES.join(', ')}${unknown.length ? `; unknown: ${unknown.join(', ')}` : ''}`);
      services = SERVICES.filter((s) => list.includes(s));
    } else throw new Error(`unknown argument ${a}\n${UP_USAGE}`);
  }
  return { processes, services };
}

async function inProcess(services: Service[]): Promise<void> {
  const log = createLogger('verity-up');
  const running: Stoppable[] = [];
  try {
    for (const s of services) running.push(await STARTERS[s]());
  } catch (err) {
    for (const r of running.reverse()) await r.stop().catch(() => undefined);
    throw err;
  }
  log.info({ services }, 'every service started');
  // Stop in reverse start order: the producers of work first, the decider last.
  onShutdown(log, [...running].reverse());
}

function supervised(services: Service[]): Promise<number> {
  const log = createLogger('verity-up');
  const children = new Map<Service, ChildProcess>();
  let stopping = false;
  let failed = false;
  return new Promise((resolve) => {
    const stopAll = (signal: NodeJS.Signals) => {
      if (stopping) return;
      stopping = true;
      for (const c of children.values()) c.kill(signal);
    };
    for (const s of services) {
      const child = spawn(join(REPO_ROOT, 'bin/verity'), [s], { stdio: 'inherit', env: process.env });
      children.set(s, child);
      child.once('exit', (code, signal) => {
        children.delete(s);
        if (code !== 0) failed = true;
        if (!stopping) {
          failed = true;
          log.error({ service: s, code, signal }, 'a service exited: stopping the others');
          stopAll('SIGTERM');
        }
        if (children.size === 0) resolve(failed ? 1 : 0);
      });
    }
    process.on('SIGTERM', () => stopAll('SIGTERM'));
    process.on('SIGINT', () => stopAll('SIGTERM'));
  });
}

export async function upCommand(args: string[]): Promise<number> {
  const { processes, services } = parse(args);
  if (processes) return supervised(services);
  await inProcess(services);
  await new Promise<never>(() => undefined); // until a signal: onShutdown exits the process
  return 0;
}
