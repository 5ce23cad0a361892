// `verity status [--json]`: what the running `verity up` supervisor says (GET /status on
// 127.0.0.1:VERITY_SUPERVISOR_PORT): one line per service — state, pid, port, restarts, ready or the
// not-ready reason, log file. Exit 0 when every service is ready, 1 when one is not, 3 when no
// supervisor answers. `make status` prints it (infra/stack/verity.sh status).
import type { Command } from 'commander';
import type { Invoke } from '../invoke.js';
import { loadSupervisorConfig } from '../supervisor/config.js';
import { formatStatus, type SupervisorStatus } from '../supervisor/status.js';

export function registerStatus(program: Command, invoke: Invoke): void {
  program
    .command('status')
    .summary('the services of `verity up`: state, pid, port, restarts, readiness, log')
    .description(
      'the services of `verity up` as its supervisor reports them (its /status on 127.0.0.1:VERITY_SUPERVISOR_PORT): ' +
        'state, pid, port, restarts, readiness, log file. Exit 0: all ready; 1: one is not; 3: no supervisor answers',
    )
    .option('--json', "print the supervisor's answer as JSON (default: one line per service)")
    .action((o: { json?: boolean }) => invoke('status', { json: o.json === true }, statusCommand));
}

export async function statusCommand({ json }: { json: boolean }): Promise<number> {
  const { port } = loadSupervisorConfig();
  let status: SupervisorStatus;
  try {
    const res = await fetch(`http://127.0.0.1:${port}/status`, { signal: AbortSignal.timeout(10_000) });
    if (!res.ok) throw new Error(`answered ${res.status}`);
    status = (await res.json()) as SupervisorStatus;
  } catch (err) {
    console.error(
      `verity status: no supervisor answers on 127.0.0.1:${port} (VERITY_SUPERVISOR_PORT): ${(err as Error).message}`,
    );
    return 3;
  }
  if (json) console.log(JSON.stringify(status, null, 2));
  else for (const line of formatStatus(status, process.cwd())) console.log(line);
  return status.services.every((s) => s.ready) ? 0 : 1;
}
