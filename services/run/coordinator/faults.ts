// Fault injection for the crash tests, off unless VERITY_FAULT is set:
//   VERITY_FAULT=coordinator.kill-before-commit:N  → SIGKILL this process after the N-th batch's reports and
//   snapshots were sent inside its transaction and before the commit (the window exactly-once must survive).
export interface FaultPoints {
  beforeCommit(batchNumber: number): void;
}

export function faultPointsFromEnv(env: Record<string, string | undefined> = process.env): FaultPoints {
  const m = /^coordinator\.kill-before-commit:(\d+)$/.exec(env.VERITY_FAULT ?? '');
  const at = m ? Number(m[1]) : 0;
  return {
    beforeCommit(n) {
      if (at > 0 && n === at) {
        process.stderr.write(`VERITY_FAULT: killing the coordinator before committing batch ${n}\n`);
        process.kill(process.pid, 'SIGKILL');
      }
    },
  };
}
