// Waiting helpers of the integration tests: poll until something holds, and look at processes.
import { readdirSync, readFileSync } from 'node:fs';

/**
 * Polls `probe` until it answers something other than undefined (a probe that throws has not answered
 * yet), or throws after `timeoutMs` naming `what`.
 */
export async function until<T>(
  what: string,
  probe: () => T | undefined | Promise<T | undefined>,
  timeoutMs = 90_000,
  everyMs = 200,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    let v: T | undefined;
    try {
      v = await probe();
    } catch {
      v = undefined; // not yet
    }
    if (v !== undefined) return v;
    if (Date.now() > deadline) throw new Error(`timed out after ${Math.round(timeoutMs / 1000)} s waiting for ${what}`);
    await new Promise((r) => setTimeout(r, everyMs));
  }
}

/** True while a process with this pid exists. */
export function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** Pids of the processes whose environment holds `mark` (NAME=value): what a test started, children included. */
export function marked(mark: string): number[] {
  const out: number[] = [];
  for (const d of readdirSync('/proc')) {
    if (!/^\d+$/.test(d)) continue;
    try {
      if (readFileSync(`/proc/${d}/environ`, 'latin1').split('\0').includes(mark)) out.push(Number(d));
    } catch {
      /* gone, or not ours to read */
    }
  }
  return out;
}
