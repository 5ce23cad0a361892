// Starts Verity services in-process for integration tests (real Kafka, registry and Postgres).
import { spawn, type ChildProcess } from 'node:child_process';
import { loadDeciderConfig } from '../../services/run/decider/config.js';
import { startDecider, type RunningDecider } from '../../services/run/decider/main.js';
import { loadIngestConfig } from '../../services/run/ingest/config.js';
import { startIngest, type RunningIngest } from '../../services/run/ingest/main.js';
import { REPO_ROOT } from '../../services/lib/platform/schemas/catalog.js';

export const TOKENS = {
  alpha: 'alpha-token-0123456789abcdef',
  beta: 'beta-token-0123456789abcdef0',
  all: 'all-projects-token-0123456789',
};
export const TOKEN_SPEC = `alpha:${TOKENS.alpha}:test/alpha;beta:${TOKENS.beta}:test/beta;all:${TOKENS.all}:*`;

/**
 * Ingest in this process. Its directory feed (a background writer of ingest's tables from the canonical
 * topic) is off unless asked for: the suites that check that a request wrote nothing count those tables.
 */
export async function startIngestForTest(env: Record<string, string> = {}): Promise<RunningIngest & { url: string }> {
  const ingest = await startIngest(
    loadIngestConfig({
      ...process.env,
      INGEST_PORT: '0',
      INGEST_TOKENS: TOKEN_SPEC,
      LOG_LEVEL: 'warn',
      INGEST_DIRECTORY_FEED: 'off',
      ...env,
    }),
  );
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
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- test responses are asserted field by field
): Promise<{ status: number; body: any; headers: Headers }> {
  const res = await fetch(base + path, {
    method,
    headers: {
      ...(opts.token === '' ? {} : { authorization: `Bearer ${opts.token ?? TOKENS.all}` }),
      // The bulk route takes NDJSON; every other body is JSON.
      'content-type': path.endsWith('/v1/reports:bulk') ? 'application/x-ndjson' : 'application/json',
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

/** The decider as a child process (so a test can kill -9 it). */
export const spawnDecider = (env: Record<string, string> = {}) => spawnService('decider', env);

export function exited(
  child: ChildProcess,
  timeoutMs = 60_000,
): Promise<{ code: number | null; signal: NodeJS.Signals | null }> {
  if (child.exitCode !== null || child.signalCode !== null)
    return Promise.resolve({ code: child.exitCode, signal: child.signalCode });
  return new Promise((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`process ${child.pid} did not exit in ${timeoutMs} ms`)),
      timeoutMs,
    );
    child.once('exit', (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal });
    });
  });
}

/**
 * A service as a child process (`verity <name>`, as the supervisor runs it): resolves once it listens,
 * with `port`, where its ops server (/readyz, /metrics, /stats) is. It has an IPC channel to this process,
 * so it stops by itself if the test process dies before stopping it.
 */
export async function spawnService(
  name: 'decider' | 'projector' | 'remediator' | 'coordinator',
  env: Record<string, string> = {},
): Promise<ChildProcess & { port: number; logTail(): string }> {
  const child = spawn(
    process.execPath,
    ['--import', `${REPO_ROOT}node_modules/tsx/dist/loader.mjs`, `${REPO_ROOT}services/tools/cli/main.ts`, name],
    {
      cwd: REPO_ROOT,
      env: {
        ...process.env,
        DECIDER_PORT: '0',
        PROJECTOR_PORT: '0',
        REMEDIATOR_PORT: '0',
        COORDINATOR_PORT: '0',
        LOG_LEVEL: 'info',
        ...env,
      },
      stdio: ['ignore', 'ignore', 'pipe', 'ipc'],
    },
  );
  // The last 64 kB of its log, for a failing test's message.
  let log = '';
  child.stderr!.on('data', (d: Buffer) => (log = (log + d.toString()).slice(-65_536)));
  const port = await new Promise<number>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${name} did not start in 60 s:\n${log.slice(-2000)}`)), 60_000);
    child.on('message', (m: { type?: string; port?: number }) => {
      if (m?.type !== 'listening') return;
      clearTimeout(timer);
      resolve(m.port ?? 0);
    });
    child.once('exit', (code, signal) => {
      clearTimeout(timer);
      reject(new Error(`${name} exited during start (${code ?? signal}):\n${log.slice(-2000)}`));
    });
  });
  child.channel?.unref();
  return Object.assign(child, { port, logTail: () => log });
}
