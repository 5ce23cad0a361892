// Structured JSON logs (pino) to stderr, so stdout stays for command output.
import { pino, type Logger } from 'pino';

export type { Logger };

export function createLogger(name: string, level = process.env.LOG_LEVEL ?? 'info'): Logger {
  return pino({ name, level, base: { service: name } }, pino.destination(2));
}
