// The CDEvents sink: one POST per CloudEvent (binary or structured mode, cloudevents' HTTP binding), and what
// its answer means for the event:
//   2xx, and 409 (the sink has this event id already)                  → taken
//   400, 413, 415, 422 (the sink says this event is wrong, every time) → rejected: logged and counted, not
//                                                                         sent again (retrying would stop the
//                                                                         exporter for good)
//   anything else — 408, 429, 5xx, and 401/403/404/…: the sink (or the exporter's configuration) refuses every
//   event, not this one — a timeout or a network error                  → later (Retry-After honoured)
import { HTTP, type CloudEvent } from 'cloudevents';
import { retryAfterMs } from '../../lib/platform/backoff.js';
import type { ExporterConfig } from './config.js';

export type SinkAnswer =
  | { kind: 'ok'; status: number }
  | { kind: 'retry'; reason: string; retryAfterMs: number | null }
  | { kind: 'rejected'; status: number; reason: string };

export interface Sink {
  /** Sends one event; rejects only when `signal` aborted it (the exporter stops). */
  post(event: CloudEvent<unknown>, signal: AbortSignal): Promise<SinkAnswer>;
}

const REJECTED = new Set([400, 413, 415, 422]);

/** What the sink's HTTP answer means for the event it was sent. */
export function answerOf(status: number, headers: { get(name: string): string | null }, nowMs: number): SinkAnswer {
  if ((status >= 200 && status < 300) || status === 409) return { kind: 'ok', status };
  if (REJECTED.has(status)) return { kind: 'rejected', status, reason: `HTTP ${status}` };
  return { kind: 'retry', reason: `HTTP ${status}`, retryAfterMs: retryAfterMs(headers, nowMs) };
}

/** A short label of a failed request: the error code of the cause (ECONNREFUSED, …), or its name. */
function networkReason(err: unknown): string {
  type E = { name?: string; code?: unknown; message?: string; cause?: E; errors?: E[] };
  const e = err as E;
  if (e?.name === 'TimeoutError') return 'timeout';
  // fetch's TypeError wraps the socket's error, itself an AggregateError when several addresses were tried.
  const cause = e?.cause?.errors?.[0] ?? e?.cause;
  const code = cause?.code ?? e?.code;
  if (typeof code === 'string') return code;
  return (cause?.message ?? e?.message ?? 'network error').slice(0, 64);
}

export class HttpSink implements Sink {
  constructor(
    private readonly config: Pick<ExporterConfig, 'sinkUrl' | 'sinkToken' | 'mode' | 'timeoutMs'>,
    private readonly fetchFn: typeof fetch = fetch,
  ) {}

  async post(event: CloudEvent<unknown>, signal: AbortSignal): Promise<SinkAnswer> {
    const message = this.config.mode === 'binary' ? HTTP.binary(event) : HTTP.structured(event);
    const headers: Record<string, string> = {};
    for (const [name, value] of Object.entries(message.headers)) if (typeof value === 'string') headers[name] = value;
    if (this.config.sinkToken) headers.authorization = `Bearer ${this.config.sinkToken}`;
    try {
      const res = await this.fetchFn(this.config.sinkUrl, {
        method: 'POST',
        headers,
        body: message.body as string,
        signal: AbortSignal.any([signal, AbortSignal.timeout(this.config.timeoutMs)]),
      });
      // The answer's body says nothing the exporter uses: read it off so the connection is reused.
      await res.arrayBuffer().catch(() => undefined);
      return answerOf(res.status, res.headers, Date.now());
    } catch (err) {
      if (signal.aborted) throw err;
      return { kind: 'retry', reason: networkReason(err), retryAfterMs: null };
    }
  }
}
