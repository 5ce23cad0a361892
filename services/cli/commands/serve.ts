// `verity ingest` / `verity decider`: run one service in this process until SIGTERM/SIGINT.
import { onShutdown } from '../../platform/lifecycle.js';
import { createLogger } from '../../platform/log.js';

export function serveCommand(service: 'ingest' | 'decider') {
  return async (): Promise<number> => {
    const log = createLogger(service);
    const running = service === 'ingest' ? await (await import('../../ingest/main.js')).startIngest() : await (await import('../../decider/main.js')).startDecider();
    onShutdown(log, [running]);
    await new Promise<never>(() => undefined); // until a signal: onShutdown exits the process
    return 0;
  };
}
