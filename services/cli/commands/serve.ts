// `verity ingest|decider|projector|query|remediator|scorer`: run one service in this process until SIGTERM/SIGINT.
import { onShutdown } from '../../platform/lifecycle.js';
import { createLogger } from '../../platform/log.js';
import { STARTERS, type Service } from './up.js';

export function serveCommand(service: Service) {
  return async (): Promise<number> => {
    const log = createLogger(service);
    const running = await STARTERS[service]();
    onShutdown(log, [running]);
    await new Promise<never>(() => undefined); // until a signal: onShutdown exits the process
    return 0;
  };
}
