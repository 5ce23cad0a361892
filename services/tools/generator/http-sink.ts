// The HTTP sink: the ops as bulk NDJSON through the public ingest API, with its retry rules for what was
// surely not written (429/503) and, when every line carries an Idempotency-Key, for unknown outcomes.
import { setTimeout as sleep } from 'node:timers/promises';
import { remember, type Sink } from './sink.js';

/**
 * POST /v1/reports:bulk. 429/503 (nothing was written) are retried after Retry-After, up to 8 times.
 * `retryUnknown` (every line carries an Idempotency-Key, so a repeat is answered, never applied twice):
 * a failed connection or any 5xx is retried too, for up to `retryForMs` — riding out a broker or
 * database restart; a line whose outcome stays unknown is 599.
 */
export function httpSink(url: string, token: string, opts: { retryUnknown?: boolean; retryForMs?: number } = {}): Sink {
  const endpoint = `${url.replace(/\/+$/, '')}/v1/reports:bulk`;
  const sink: Sink = {
    name: 'http',
    retries: 0,
    errors: [],
    async send(lines) {
      const body = lines.map((l) => JSON.stringify(l)).join('\n') + '\n';
      const giveUpAt = Date.now() + (opts.retryForMs ?? 120_000);
      for (let attempt = 0; ; attempt++) {
        let res: Response;
        try {
          res = await fetch(endpoint, {
            method: 'POST',
            headers: { authorization: `Bearer ${token}`, 'content-type': 'application/x-ndjson' },
            body,
            signal: AbortSignal.timeout(120_000),
          });
        } catch (err) {
          remember(sink.errors, `POST ${endpoint}: ${(err as Error).message}`);
          if (opts.retryUnknown && Date.now() < giveUpAt) {
            sink.retries++;
            await sleep(Math.min(2000, 100 * 2 ** Math.min(attempt, 5)));
            continue;
          }
          return lines.map(() => 599);
        }
        const text = await res.text();
        if (opts.retryUnknown && res.status >= 500 && Date.now() < giveUpAt) {
          sink.retries++;
          const after = Number(res.headers.get('retry-after'));
          await sleep(
            Number.isFinite(after) && after > 0
              ? Math.min(after, 5) * 1000
              : Math.min(2000, 100 * 2 ** Math.min(attempt, 5)),
          );
          continue;
        }
        if ((res.status === 429 || res.status === 503) && attempt < 8) {
          sink.retries++;
          const after = Number(res.headers.get('retry-after'));
          await sleep(Number.isFinite(after) && after > 0 ? Math.min(after, 10) * 1000 : 100 * 2 ** attempt);
          continue;
        }
        if (res.status !== 200) {
          remember(sink.errors, `${res.status} ${text}`);
          return lines.map(() => res.status);
        }
        const statuses = lines.map(() => 599);
        let inFlight = false;
        for (const l of text.split('\n')) {
          if (!l) continue;
          const v = JSON.parse(l) as { line: number; status: number; detail?: string };
          statuses[v.line - 1] = v.status;
          if (v.status === 409 && /in flight/.test(v.detail ?? '')) inFlight = true;
          if (v.status >= 400) remember(sink.errors, `line ${lines[v.line - 1]?.op ?? '?'}: ${l}`);
        }
        // A line whose earlier attempt (a dropped connection, a restart) still holds its key: ask again once
        // the key's lease ends; the lines already accepted answer the same 202 again.
        if (opts.retryUnknown && (inFlight || statuses.some((s) => s >= 500)) && Date.now() < giveUpAt) {
          sink.retries++;
          await sleep(1000);
          continue;
        }
        return statuses;
      }
    },
    async close() {},
  };
  return sink;
}
