// The process shell of `verity up`: each service in its own child process (`bin/verity <service>`),
// restarted by the pure policy of policy.ts, its output in its own bounded log file (log-file.ts).
//  - Children get an IPC channel: a child tells the port it listens on through it, and a child whose
//    channel closes (the supervisor is gone, even by SIGKILL) stops itself gracefully (serve.ts).
//  - A child's stdout and stderr are its log file itself (log-file.ts), never a pipe through the
//    supervisor: an orphaned child can still log and exit (a logger writing into a broken pipe can
//    spin forever at exit), and nothing is lost if the supervisor dies.
//  - Children run in their own process groups, so a terminal's Ctrl-C reaches the supervisor only and
//    each child is stopped once, by the supervisor, gracefully.
//  - Giving up on one service leaves the others running: the supervisor's /readyz then answers 503
//    naming it, /status and `make status` show it failed, verity_supervisor_up is 0.
//  - stop(): SIGTERM to every child (each stops gracefully on its own), SIGKILL after the deadline;
//    hurry() (a second signal) sends SIGTERM again (a child's second signal exits at once) and cuts
//    the deadline.
import { spawn, type ChildProcess } from 'node:child_process';
import { closeSync } from 'node:fs';
import { join } from 'node:path';
import type { Logger } from '../../../lib/platform/log.js';
import { REPO_ROOT } from '../../../lib/platform/schemas/catalog.js';
import type { SupervisorConfig } from './config.js';
import { RotatingLog } from './log-file.js';
import { supervisorMetrics } from './metrics.js';
import { decide, INITIAL_STATE, type RestartState } from './policy.js';
import {
  exitText,
  lastLine,
  type ExitInfo,
  type ServiceState,
  type ServiceStatus,
  type SupervisorStatus,
} from './status.js';

/** What a supervised child sends over its IPC channel once it listens (serve.ts). */
export interface ListeningMessage {
  type: 'listening';
  service: string;
  port: number;
}

interface Runtime {
  service: string;
  state: ServiceState;
  child?: ChildProcess;
  port?: number;
  startedAt?: number;
  restarts: number;
  lastExit?: ExitInfo;
  policy: RestartState;
  timer?: NodeJS.Timeout;
  restartAt?: number;
  reason?: string;
  message?: string;
  log: RotatingLog;
}

const EXIT_DRAIN_MS = 1000;
/** How often the children's log sizes are checked. */
const LOG_CHECK_MS = 5000;

export class Supervisor {
  private readonly runtimes = new Map<string, Runtime>();
  private readonly startedAt = Date.now();
  private stopping = false;
  private deadline?: NodeJS.Timeout;
  private resolveStopped!: (code: number) => void;
  /** Resolves once stop() ended every child: the supervisor's exit code (0: all stopped cleanly). */
  readonly stopped = new Promise<number>((resolve) => (this.resolveStopped = resolve));
  /** A child needed SIGKILL, or exited non-zero when asked to stop. */
  private unclean = false;
  private done = false;
  port = 0;

  constructor(
    private readonly config: SupervisorConfig,
    readonly services: readonly string[],
    private readonly log: Logger,
    private readonly env: NodeJS.ProcessEnv = process.env,
  ) {
    for (const service of services) {
      this.runtimes.set(service, {
        service,
        state: 'stopped',
        restarts: 0,
        policy: INITIAL_STATE,
        log: new RotatingLog(this.logPath(service), config.logMaxBytes, config.logFiles),
      });
      supervisorMetrics.restarts.inc({ service }, 0);
      supervisorMetrics.up.set({ service }, 0);
    }
  }

  logPath(service: string): string {
    return join(this.config.logDir, `${service}.log`);
  }

  private logCheck?: NodeJS.Timeout;

  start(): void {
    for (const rt of this.runtimes.values()) this.spawnChild(rt);
    this.logCheck = setInterval(() => {
      for (const rt of this.runtimes.values()) this.rotate(rt);
    }, LOG_CHECK_MS);
    this.logCheck.unref();
  }

  private rotate(rt: Runtime): void {
    try {
      if (rt.log.rotateIfNeeded()) rt.log.note('info', `supervisor: rotated ${rt.log.path}`);
    } catch (err) {
      this.log.warn({ err, child: rt.service, log: rt.log.path }, 'could not rotate the log');
    }
  }

  private setState(rt: Runtime, state: ServiceState): void {
    rt.state = state;
    supervisorMetrics.up.set({ service: rt.service }, rt.child ? 1 : 0);
  }

  private spawnChild(rt: Runtime): void {
    rt.timer = undefined;
    rt.restartAt = undefined;
    rt.reason = undefined;
    this.rotate(rt);
    const out = rt.log.openForChild();
    let child: ChildProcess;
    try {
      child = spawn(join(REPO_ROOT, 'bin/verity'), [rt.service], {
        cwd: REPO_ROOT,
        env: this.env,
        stdio: ['ignore', out, out, 'ipc'],
        detached: true,
      });
    } finally {
      closeSync(out); // the child has its own copy
    }
    rt.child = child;
    rt.policy = decide(this.config.policy, rt.policy, { type: 'started' }, Date.now()).state;
    rt.startedAt = Date.now();
    this.setState(rt, 'starting');
    rt.log.note('info', `supervisor: started ${rt.service}`, { pid: child.pid });
    this.log.info({ child: rt.service, pid: child.pid, log: rt.log.path }, `started ${rt.service}`);
    child.on('message', (m: Partial<ListeningMessage>) => {
      if (m?.type !== 'listening' || typeof m.port !== 'number' || rt.child !== child) return;
      rt.port = m.port;
      if (rt.state === 'starting') this.setState(rt, 'running');
      this.log.info({ child: rt.service, pid: child.pid, port: m.port }, `${rt.service} listening`);
    });
    // The IPC channel must not fail the supervisor when a child dies mid-send.
    child.on('error', (err) => this.log.warn({ err, child: rt.service }, 'child process error'));
    // Decide on 'close' (its IPC channel closed too), or shortly after 'exit' should that lag.
    let exitTimer: NodeJS.Timeout | undefined;
    child.once('exit', (code, signal) => {
      exitTimer = setTimeout(() => this.onExit(rt, child, code, signal), EXIT_DRAIN_MS);
    });
    child.once('close', (code, signal) => {
      clearTimeout(exitTimer);
      this.onExit(rt, child, code, signal);
    });
  }

  private onExit(rt: Runtime, child: ChildProcess, code: number | null, signal: NodeJS.Signals | null): void {
    if (rt.child !== child) return;
    const now = Date.now();
    const upMs = rt.startedAt === undefined ? 0 : now - rt.startedAt;
    rt.child = undefined;
    rt.lastExit = { code, signal, at: new Date(now).toISOString(), up_s: Math.round(upMs / 100) / 10 };
    const how = exitText({ code, signal });
    const requested = this.stopping;
    const step = decide(this.config.policy, rt.policy, { type: 'exited', requested, random: Math.random() }, now);
    rt.policy = step.state;
    const d = step.decision;
    if (d.action === 'restart') {
      rt.restartAt = now + d.delayMs;
      rt.reason = `restarting in ${(d.delayMs / 1000).toFixed(1)} s after ${how}`;
      this.setState(rt, 'backoff');
      rt.log.note(
        'warn',
        `supervisor: ${rt.service} exited (${how}) after ${rt.lastExit.up_s} s; restarting in ${d.delayMs} ms`,
        { code, signal },
      );
      this.log.warn(
        {
          child: rt.service,
          pid: child.pid,
          code,
          signal,
          up_s: rt.lastExit.up_s,
          delayMs: d.delayMs,
          log: rt.log.path,
        },
        `${rt.service} exited (${how}); restarting in ${d.delayMs} ms`,
      );
      rt.timer = setTimeout(() => {
        rt.restarts++;
        supervisorMetrics.restarts.inc({ service: rt.service });
        this.spawnChild(rt);
      }, d.delayMs);
    } else if (d.action === 'give-up') {
      let last = '';
      try {
        last = lastLine(rt.log.tail());
      } catch {
        /* the log is gone: the message goes without its last line */
      }
      rt.reason = `given up after ${d.fastCrashes} crashes within ${Math.round(d.windowMs / 1000)} s; last: ${how}`;
      rt.message =
        `giving up on ${rt.service}: it crashed ${d.fastCrashes} times within ${Math.round(d.windowMs / 1000)} s ` +
        `(VERITY_SUPERVISOR_MAX_CRASHES=${this.config.policy.maxFastCrashes}, VERITY_SUPERVISOR_CRASH_WINDOW_MS=${d.windowMs}), ` +
        `the last time with ${how} after ${rt.lastExit.up_s} s; the other services go on; its log: ${rt.log.path}` +
        (last ? `; its last line: ${last}` : '');
      this.setState(rt, 'failed');
      rt.log.note('error', `supervisor: ${rt.message}`, { code, signal });
      this.log.error({ child: rt.service, code, signal, crashes: d.fastCrashes, log: rt.log.path }, rt.message);
    } else {
      if (code !== 0 && signal !== 'SIGTERM') this.unclean = true;
      this.setState(rt, 'stopped');
      rt.log.note('info', `supervisor: ${rt.service} stopped (${how})`, { code, signal });
      this.log.info({ child: rt.service, pid: child.pid, code, signal }, `${rt.service} stopped (${how})`);
    }
    this.checkStopped();
  }

  /** SIGTERM to every child; resolves with the supervisor's exit code once none is left (0: all stopped cleanly). */
  stop(): Promise<number> {
    if (this.stopping) return this.stopped;
    this.stopping = true;
    this.log.info({ timeoutMs: this.config.stopTimeoutMs }, 'stopping every service');
    for (const rt of this.runtimes.values()) {
      if (rt.timer) {
        clearTimeout(rt.timer);
        rt.timer = undefined;
        rt.restartAt = undefined;
        this.setState(rt, 'stopped');
      }
      if (rt.child) {
        this.setState(rt, 'stopping');
        rt.child.kill('SIGTERM');
      }
    }
    this.armDeadline(this.config.stopTimeoutMs);
    this.checkStopped();
    return this.stopped;
  }

  /** A second signal: the children's own second-signal path (exit now), and a short deadline. */
  hurry(): void {
    if (!this.stopping) return void this.stop();
    this.log.warn({ timeoutMs: this.config.hurryTimeoutMs }, 'second signal: hurrying every service');
    for (const rt of this.runtimes.values()) rt.child?.kill('SIGTERM');
    this.armDeadline(this.config.hurryTimeoutMs);
  }

  private armDeadline(ms: number): void {
    if (this.deadline) clearTimeout(this.deadline);
    this.deadline = setTimeout(() => {
      for (const rt of this.runtimes.values()) {
        if (!rt.child) continue;
        this.unclean = true;
        this.log.error(
          { child: rt.service, pid: rt.child.pid, timeoutMs: ms },
          `${rt.service} did not stop in time: SIGKILL`,
        );
        rt.child.kill('SIGKILL');
      }
    }, ms);
  }

  private checkStopped(): void {
    if (this.done || !this.stopping || [...this.runtimes.values()].some((rt) => rt.child)) return;
    this.done = true;
    if (this.deadline) clearTimeout(this.deadline);
    clearInterval(this.logCheck);
    for (const rt of this.runtimes.values()) rt.log.close();
    this.log.info({ clean: !this.unclean }, 'every service stopped');
    this.resolveStopped(this.unclean ? 1 : 0);
  }

  /** Each child's own /readyz: ready, or why not. */
  private async probe(rt: Runtime): Promise<{ ready: boolean; reason: string | null }> {
    if (rt.state !== 'running' || rt.port === undefined) return { ready: false, reason: rt.reason ?? rt.state };
    try {
      const res = await fetch(`http://127.0.0.1:${rt.port}/readyz`, {
        signal: AbortSignal.timeout(this.config.readyTimeoutMs),
      });
      if (res.ok) return { ready: true, reason: null };
      const body = (await res.json().catch(() => ({}))) as { detail?: unknown };
      return { ready: false, reason: typeof body.detail === 'string' ? body.detail : `readyz answered ${res.status}` };
    } catch (err) {
      return { ready: false, reason: `no readyz answer on :${rt.port} (${(err as Error).message})` };
    }
  }

  async status(): Promise<SupervisorStatus> {
    const now = Date.now();
    const services = await Promise.all(
      [...this.runtimes.values()].map(async (rt): Promise<ServiceStatus> => {
        const { ready, reason } = await this.probe(rt);
        return {
          service: rt.service,
          state: rt.state,
          pid: rt.child?.pid ?? null,
          port: rt.port ?? null,
          restarts: rt.restarts,
          uptime_s: rt.child && rt.startedAt !== undefined ? Math.round((now - rt.startedAt) / 100) / 10 : null,
          last_exit: rt.lastExit ?? null,
          restart_in_s: rt.restartAt !== undefined ? Math.max(0, Math.round((rt.restartAt - now) / 100) / 10) : null,
          ready,
          reason,
          message: rt.message ?? null,
          log: rt.log.path,
        };
      }),
    );
    return {
      supervisor: {
        pid: process.pid,
        port: this.port,
        uptime_s: Math.round((now - this.startedAt) / 1000),
        stopping: this.stopping,
        log_dir: this.config.logDir,
      },
      services,
    };
  }

  /** Every service ready, or a reason naming the ones that are not. */
  async readiness(): Promise<true | string> {
    if (this.stopping) return 'stopping';
    const status = await this.status();
    const not = status.services.filter((s) => !s.ready).map((s) => `${s.service}: ${s.reason ?? s.state}`);
    return not.length === 0 ? true : `not ready: ${not.join('; ')}`;
  }
}
