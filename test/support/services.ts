// Starts Verity services in-process for integration tests (real Kafka, registry and Postgres).
import { loadDeciderConfig } from '../../services/decider/config.js';
import { startDecider, type RunningDecider } from '../../services/decider/main.js';
import { loadIngestConfig } from '../../services/ingest/config.js';
import { startIngest, type RunningIngest } from '../../services/ingest/main.js';

export const TOKENS = {
  alpha: 'alpha-token-0123456789abcdef',
  beta: 'beta-token-0123456789abcdef0',
  all: 'all-projects-token-0123456789',
};
export const TOKEN_SPEC = `alpha:${TOKENS.alpha}:test/alpha;beta:${TOKENS.beta}:test/beta;all:${TOKENS.all}:*`;

export async function startIngestForTest(env: Record<string, string> = {}): Promise<RunningIngest & { url: string }> {
  const ingest = await startIngest(loadIngestConfig({ ...process.env, INGEST_PORT: '0', INGEST_TOKENS: TOKEN_SPEC, LOG_LEVEL: 'warn', ...env }));
  return Object.assign(ingest, { url: `http://127.0.0.1:${ingest.port}` });
}

export async function startDeciderForTest(env: Record<string, string> = {}): Promise<RunningDecider> {
  return startDecider(loadDeciderConfig({ ...process.env, LOG_LEVEL: 'warn', ...env }), { http: false });
}

export async function api(
  base: string,
  method: string,
  path: string,
  body?: unknown,
  opts: { token?: string; headers?: Record<string, string>; raw?: string | Buffer } = {},
): Promise<{ status: number; body: any; headers: Headers }> {
  const res = await fetch(base + path, {
    method,
    headers: {
      ...(opts.token === '' ? {} : { authorization: `Bearer ${opts.token ?? TOKENS.all}` }),
      'content-type': 'application/json',
      ...opts.headers,
    },
    body: opts.raw ?? (body === undefined ? undefined : JSON.stringify(body)),
  });
  const text = await res.text();
  let parsed: unknown = text;
  try {
    parsed = JSON.parse(text);
  } catch {
    /* NDJSON or text */
  }
  return { status: res.status, body: parsed, headers: res.headers };
}
