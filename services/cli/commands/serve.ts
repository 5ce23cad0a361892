// `verity ingest|decider|projector|query|remediator|scorer`: run one service in this process until SIGTERM/SIGINT.
import { onShutdown } from '../../platform/lifecycle.js';
import { createLogger } from '../../platform/log.js';

const starters = {
  ingest: async () => (await import('../../ingest/main.js')).startIngest(),
  decider: async () => (await import('../../decider/main.js')).startDecider(),
  projector: async () => (await import('../../projector/main.js')).startProjector(),
  query: async () => (await import('../../query/main.js')).startQuery(),
  remediator: async () => (await import('../../remediator/main.js')).startRemediator(),
  scorer: async () => (await import('../../scorer/main.js')).startScorer(),
};

export function serveCommand(service: keyof typeof starters) {
  return async (): Promise<number> => {
    const log = createLogger(service);
    const running = await starters[service]();
    onShutdown(log, [running]);
    await new Promise<never>(() => undefined); // until a signal: onShutdown exits the process
    return 0;
  };
}
