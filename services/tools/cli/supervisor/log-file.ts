// A child's log file with a bounded size. The child writes its stdout and stderr straight into
// <dir>/<service>.log (an O_APPEND descriptor the supervisor opens for it), so nothing of what it
// prints is lost when the supervisor dies, and a child never writes into a broken pipe. The
// supervisor checks the size every few seconds; past `maxBytes` it rotates by copy and truncate
// (<service>.log.1 → .log.2 …, the oldest beyond `keep` dropped, the live file copied to .log.1 and
// cut to zero; keep 0: only cut). O_APPEND writers go on at the new end. What the child writes in the
// instant between the last copy and the cut can be lost (logrotate's copytruncate has the same caveat).
import {
  appendFileSync,
  closeSync,
  copyFileSync,
  existsSync,
  fstatSync,
  mkdirSync,
  openSync,
  readSync,
  renameSync,
  rmSync,
  statSync,
  truncateSync,
  writeSync,
} from 'node:fs';
import { dirname } from 'node:path';

/**
 * What rotating `path` with `keep` old files does: drop the oldest, shift the others (oldest first), copy the live file
 * to .1.
 */
export function rotationPlan(
  path: string,
  keep: number,
): { drop?: string; renames: [string, string][]; copyTo?: string } {
  if (keep <= 0) return { renames: [] };
  const renames: [string, string][] = [];
  for (let i = keep - 1; i >= 1; i--) renames.push([`${path}.${i}`, `${path}.${i + 1}`]);
  return { drop: `${path}.${keep}`, renames, copyTo: `${path}.1` };
}

export class RotatingLog {
  private fd: number;
  private closed = false;

  constructor(
    readonly path: string,
    private readonly maxBytes: number,
    private readonly keep: number,
  ) {
    mkdirSync(dirname(path), { recursive: true });
    this.fd = openSync(path, 'a');
  }

  /**
   * A new O_APPEND descriptor of the file for a child's stdout and stderr (the caller closes it once the child has it).
   */
  openForChild(): number {
    return openSync(this.path, 'a');
  }

  /** One JSON line in the shape of the services' own (pino) lines, from the supervisor. */
  note(level: 'info' | 'warn' | 'error', msg: string, fields: Record<string, unknown> = {}): void {
    if (this.closed) return;
    const n = { info: 30, warn: 40, error: 50 }[level];
    writeSync(this.fd, `${JSON.stringify({ level: n, time: Date.now(), service: 'supervisor', ...fields, msg })}\n`);
  }

  /** The last `bytes` of the file (for the give-up message). */
  tail(bytes = 8192): string {
    const size = fstatSync(this.fd).size;
    const len = Math.min(size, bytes);
    if (len === 0) return '';
    const fd = openSync(this.path, 'r');
    try {
      const buf = Buffer.alloc(len);
      const n = readSync(fd, buf, 0, len, size - len);
      return buf.subarray(0, n).toString('utf8');
    } finally {
      closeSync(fd);
    }
  }

  /** Rotates when the file is past `maxBytes`; true when it did. */
  rotateIfNeeded(): boolean {
    if (this.closed || fstatSync(this.fd).size <= this.maxBytes) return false;
    const plan = rotationPlan(this.path, this.keep);
    if (plan.drop) rmSync(plan.drop, { force: true });
    for (const [from, to] of plan.renames) if (existsSync(from)) renameSync(from, to);
    if (plan.copyTo) {
      copyFileSync(this.path, plan.copyTo);
      // What was appended during the copy goes after it, then the cut.
      const copied = statSync(plan.copyTo).size;
      const now = fstatSync(this.fd).size;
      if (now > copied) {
        const fd = openSync(this.path, 'r');
        try {
          const buf = Buffer.alloc(now - copied);
          const n = readSync(fd, buf, 0, buf.length, copied);
          appendFileSync(plan.copyTo, buf.subarray(0, n));
        } finally {
          closeSync(fd);
        }
      }
    }
    truncateSync(this.path, 0);
    return true;
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    closeSync(this.fd);
  }
}
