// What the supervisor's GET /status answers, and its one-line-per-service rendering (`verity status`,
// `make status`). Pure.

/** starting: spawned, not listening yet; running: listening; backoff: waiting to restart; failed: given up. */
export type ServiceState = 'starting' | 'running' | 'backoff' | 'failed' | 'stopping' | 'stopped';

export interface ExitInfo {
  code: number | null;
  signal: string | null;
  /** ISO time of the exit. */
  at: string;
  /** How long that child had been up. */
  up_s: number;
}

export interface ServiceStatus {
  service: string;
  state: ServiceState;
  pid: number | null;
  /** The port the child listens on (the last one known while it is down). */
  port: number | null;
  restarts: number;
  /** Uptime of the running child. */
  uptime_s: number | null;
  last_exit: ExitInfo | null;
  /** In backoff: seconds until the next start. */
  restart_in_s: number | null;
  /** The child's own /readyz said 200. */
  ready: boolean;
  /**
   * Why not ready: the child's /readyz detail (e.g. "stalled: ci.pipeline.events.v1[3]") or the supervisor's reason.
   */
  reason: string | null;
  /** When the supervisor gave up: the message it logged. */
  message: string | null;
  log: string;
}

export interface SupervisorStatus {
  supervisor: { pid: number; port: number; uptime_s: number; stopping: boolean; log_dir: string };
  services: ServiceStatus[];
}

/** "exit code 1", "signal SIGKILL", or both. */
export function exitText(e: { code: number | null; signal: string | null }): string {
  if (e.signal) return `signal ${e.signal}`;
  return `exit code ${e.code ?? '?'}`;
}

/**
 * The last line a child printed (the supervisor's own lines skipped), its `msg` when it is a JSON log line, shortened
 * (for the give-up message).
 */
export function lastLine(text: string): string {
  const lines = text.split('\n').filter((l) => l.trim() !== '');
  for (let i = lines.length - 1; i >= 0; i--) {
    let line = lines[i]!;
    try {
      const rec = JSON.parse(line) as { msg?: unknown; service?: unknown; err?: { message?: unknown } };
      if (rec.service === 'supervisor') continue;
      if (typeof rec.msg === 'string')
        line =
          typeof rec.err?.message === 'string' && !rec.msg.includes(rec.err.message)
            ? `${rec.msg}: ${rec.err.message}`
            : rec.msg;
    } catch {
      /* plain text */
    }
    return line.length > 300 ? `${line.slice(0, 300)}…` : line;
  }
  return '';
}

const shorten = (path: string, cwd: string | undefined) =>
  cwd && path.startsWith(`${cwd.replace(/\/+$/, '')}/`) ? path.slice(cwd.replace(/\/+$/, '').length + 1) : path;

/** One line per service: name, state, pid, port, restarts, ready or the not-ready reason, log file. */
export function formatStatus(status: SupervisorStatus, cwd?: string): string[] {
  const lines = status.services.map((s) => {
    const readiness = s.ready
      ? 'ready'
      : s.state === 'failed'
        ? (s.reason ?? 'given up')
        : `not ready: ${s.reason ?? s.state}`;
    return [
      `  ${s.service.padEnd(10)}`,
      s.state.padEnd(8),
      `pid ${s.pid ?? '-'}`.padEnd(11),
      `:${s.port ?? '-'}`.padEnd(6),
      `restarts ${s.restarts}`.padEnd(11),
      readiness,
      `  log ${shorten(s.log, cwd)}`,
    ].join(' ');
  });
  const sup = status.supervisor;
  return [
    `verity     supervisor pid ${sup.pid} :${sup.port}${sup.stopping ? ' (stopping)' : ''}, up ${sup.uptime_s}s`,
    ...lines,
  ];
}
