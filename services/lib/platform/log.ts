// Structured JSON logs (pino) to stderr, so stdout stays for command output. A record written while a
// span is active carries its trace_id and span_id (the same ids as the exported trace).
import { isSpanContextValid, trace } from '@opentelemetry/api';
import { pino, type Logger } from 'pino';

export type { Logger };

/** pino mixin: the active span's ids, when there is one. */
export function traceFields(): { trace_id?: string; span_id?: string } {
  const sc = trace.getActiveSpan()?.spanContext();
  return sc && isSpanContextValid(sc) ? { trace_id: sc.traceId, span_id: sc.spanId } : {};
}

export function createLogger(name: string, level = process.env.LOG_LEVEL ?? 'info'): Logger {
  return pino({ name, level, base: { service: name }, mixin: traceFields }, pino.destination(2));
}
