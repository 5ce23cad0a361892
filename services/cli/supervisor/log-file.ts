// A child's log file with a bounded size: the supervisor writes what the child prints to
// <dir>/<service>.log; a write that would take it past `maxBytes` first rotates it (<service>.log →
// .log.1 → .log.2 …, the oldest beyond `keep` dropped; keep 0: the file starts over). At most
// (keep + 1) files of about maxBytes each (a single write larger than maxBytes still goes whole).
import { closeSync, existsSync, fstatSync, mkdirSync, openSync, renameSync, rmSync, writeSync } from 'node:fs';
import { dirname } from 'node:path';

/** The renames that rotate `path` keeping `keep` old files, oldest first (so none overwrites a newer one). */
export function rotationPlan(path: string, keep: number): { drop?: string; renames: [string, string][] } {
  if (keep <= 0) return { drop: path, renames: [] };
  const renames: [string, string][] = [];
  for (let i = keep - 1; i >= 1; i--) renames.push([`${path}.${i}`, `${path}.${i + 1}`]);
  renames.push([path, `${path}.1`]);
  return { drop: `${path}.${keep}`, renames };
}

export class RotatingLog {
  private fd: number;
  private size: number;

  constructor(
    readonly path: string,
    private readonly maxBytes: number,
    private readonly keep: number,
  ) {
    mkdirSync(dirname(path), { recursive: true });
    this.fd = openSync(path, 'a');
    this.size = fstatSync(this.fd).size;
  }

  write(chunk: Buffer | string): void {
    const buf = typeof chunk === 'string' ? Buffer.from(chunk) : chunk;
    if (this.size > 0 && this.size + buf.length > this.maxBytes) this.rotate();
    writeSync(this.fd, buf);
    this.size += buf.length;
  }

  /** One JSON line in the shape of the services' own (pino) lines, from the supervisor. */
  note(level: 'info' | 'warn' | 'error', msg: string, fields: Record<string, unknown> = {}): void {
    const n = { info: 30, warn: 40, error: 50 }[level];
    this.write(`${JSON.stringify({ level: n, time: Date.now(), service: 'supervisor', ...fields, msg })}\n`);
  }

  private rotate(): void {
    closeSync(this.fd);
    const plan = rotationPlan(this.path, this.keep);
    if (plan.drop) rmSync(plan.drop, { force: true });
    for (const [from, to] of plan.renames) if (existsSync(from)) renameSync(from, to);
    this.fd = openSync(this.path, 'a');
    this.size = 0;
  }

  close(): void {
    closeSync(this.fd);
  }
}
