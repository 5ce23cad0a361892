// The services a soak runs, each as a child process `bin/verity <service>` on a free port: starting one
// (its port read from its log), reading its logs for the whole soak (errors counted, the last kept), its
// RSS from /proc, and stopping them all (SIGTERM, SIGKILL after 15 s).
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { REPO_ROOT } from '../../../services/lib/platform/schemas/catalog.js';

export const SERVICES = ['ingest', 'decider', 'projector', 'query', 'remediator', 'scorer'] as const;
export type Service = (typeof SERVICES)[number];

/** A started service: its process and port, and what its logs said. */
export interface Running {
  service: Service;
  child: ChildProcess;
  pid: number;
  port: number;
  /** Log lines at level error (50) or above. */
  errors: number;
  lastErrors: string[];
  tail: string[];
  exited: { code: number | null; signal: string | null } | null;
}

/** Services this tree has: a deployable services/run/<name>/ (started as `bin/verity <name>`). */
export function available(): Service[] {
  return SERVICES.filter((s) => existsSync(join(REPO_ROOT, `services/run/${s}/main.ts`)));
}

/** Starts `bin/verity <service>` with env; resolves once it logs the port it listens on (2 minutes at most). */
export function start(service: Service, env: NodeJS.ProcessEnv): Promise<Running> {
  const port = `${service.toUpperCase()}_PORT`;
  const child = spawn(join(REPO_ROOT, 'bin/verity'), [service], {
    cwd: REPO_ROOT,
    env: { ...env, [port]: '0' },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  const r: Running = { service, child, pid: child.pid!, port: 0, errors: 0, lastErrors: [], tail: [], exited: null };
  let buf = '';
  // The logs are read for the whole soak (a full pipe would block the service).
  child.stderr!.on('data', (d: Buffer) => {
    buf += d.toString('utf8');
    const lines = buf.split('\n');
    buf = lines.pop()!;
    for (const l of lines) {
      r.tail.push(l);
      if (r.tail.length > 20) r.tail.shift();
      let o:
        | { level?: number; msg?: string; port?: number; error?: string; err?: { message?: string }; stack?: string }
        | undefined;
      try {
        o = JSON.parse(l) as typeof o;
      } catch {
        continue;
      }
      if ((o?.level ?? 0) >= 50) {
        r.errors++;
        // The message and its cause (kafkajs puts it in error or stack; pino in err.message).
        const cause = o?.err?.message ?? o?.error ?? o?.stack?.split('\n    at ')[0] ?? '';
        r.lastErrors.push(
          `${o?.msg ?? ''}${cause ? ` | ${cause.length > 600 ? `${cause.slice(0, 200)} … ${cause.slice(-380)}` : cause}` : ''}`,
        );
        if (r.lastErrors.length > 5) r.lastErrors.shift();
      }
      if (r.port === 0 && typeof o?.port === 'number' && o.port > 0 && /started|listening/.test(o.msg ?? ''))
        r.port = o.port;
    }
  });
  child.once('exit', (code, signal) => (r.exited = { code, signal }));
  return new Promise((resolve, reject) => {
    const deadline = Date.now() + 120_000;
    const poll = setInterval(() => {
      if (r.port > 0) {
        clearInterval(poll);
        resolve(r);
      } else if (r.exited || Date.now() > deadline) {
        clearInterval(poll);
        if (!r.exited) child.kill('SIGKILL');
        reject(
          new Error(
            `${service} did not start (${r.exited ? `exit ${r.exited.code ?? r.exited.signal}` : 'timeout'}): ${r.tail.slice(-5).join('\n')}`,
          ),
        );
      }
    }, 100);
  });
}

/** Stops every service still running: SIGTERM, then SIGKILL after 15 s. */
export async function stopAll(running: Running[], log: (msg: string) => void): Promise<void> {
  await Promise.all(
    running.map(async (r) => {
      if (r.exited) return;
      const exited = new Promise<void>((resolve) => (r.exited ? resolve() : r.child.once('exit', () => resolve())));
      r.child.kill('SIGTERM');
      const t = setTimeout(() => {
        log(`${r.service} (pid ${r.pid}) still running 15 s after SIGTERM: SIGKILL`);
        r.child.kill('SIGKILL');
      }, 15_000);
      await exited;
      clearTimeout(t);
    }),
  );
}

/** VmRSS of a process in MiB (to 0.1), null when it is gone. */
export function rssMiB(pid: number): number | null {
  try {
    const m = /VmRSS:\s+(\d+)\s+kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Math.round((Number(m[1]) / 1024) * 10) / 10 : null;
  } catch {
    return null;
  }
}
