// The supervisor's ops port on 127.0.0.1 (VERITY_SUPERVISOR_PORT, 8089): /healthz (it runs), /readyz
// (every child answers its own /readyz with 200; else 503 naming the ones that do not), /metrics
// (verity_supervisor_restarts_total, verity_supervisor_up and the supervisor's process metrics) and
// GET /status (per service: pid, state, restarts, last exit, uptime, port, readiness, log file).
import { once } from 'node:events';
import type { AddressInfo } from 'node:net';
import type { Logger } from '../../../lib/platform/log.js';
import { createHttpApp, finishHttpApp } from '../../../lib/platform/http/app.js';
import type { Supervisor } from './supervisor.js';

export interface SupervisorOps {
  port: number;
  close(): Promise<void>;
}

/** Listens on 127.0.0.1:port; rejects when the port is taken (before any child is started). */
export async function startSupervisorOps(supervisor: Supervisor, port: number, log: Logger): Promise<SupervisorOps> {
  const app = createHttpApp({ log, service: 'supervisor', readiness: () => supervisor.readiness() });
  app.get('/status', async (_req, res) => {
    res.json(await supervisor.status());
  });
  finishHttpApp(app, log);
  const server = app.listen(port, '127.0.0.1');
  await once(server, 'listening');
  return {
    port: (server.address() as AddressInfo).port,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
