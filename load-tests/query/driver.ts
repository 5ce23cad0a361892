// The load driver: closed-loop clients for a fixed duration, either over HTTP against the query service or
// replaying recorded SQL straight through pg; latencies in ms. It runs in a worker thread (runDriver), so
// that the clients do not share the service's event loop: this module is that worker's entry.
import { Agent, request } from 'node:http';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { isMainThread, parentPort, Worker, workerData } from 'node:worker_threads';
import pg from 'pg';
import { REPO_ROOT } from '../../services/lib/platform/schemas/catalog.js';
import { POOL } from './settings.js';

/** One recorded statement: what the service passed to pg. */
export interface Stmt {
  text: string;
  values: unknown[];
}
/** A request's statements as the service ran them: groups in sequence, the statements of a group concurrently. */
export type Steps = Stmt[][];

export interface DriverInput {
  mode: 'http' | 'sql';
  durationMs: number;
  concurrency: number;
  baseUrl?: string;
  token?: string;
  paths?: string[];
  dbUrl?: string;
  steps?: Steps[];
}

export interface DriverOutput {
  latencies: number[];
  errors: number;
  firstError: string | null;
  wallMs: number;
}

async function drive(input: DriverInput): Promise<DriverOutput> {
  const latencies: number[] = [];
  let errors = 0;
  let firstError: string | null = null;
  let next = 0;
  const fail = (msg: string) => {
    errors++;
    firstError ??= msg;
  };
  let pool: pg.Pool | undefined;
  let one: () => Promise<void>;
  let agent: Agent | undefined;
  if (input.mode === 'http') {
    const paths = input.paths!;
    const { hostname, port } = new URL(input.baseUrl!);
    const headers = { authorization: `Bearer ${input.token}` };
    // node:http over one keep-alive socket per client, not fetch: fetch's WHATWG streams and undici cost the
    // driver CPU on the same 2 cores the service and Postgres run on, which the SQL side does not pay.
    const http = new Agent({ keepAlive: true, maxSockets: input.concurrency });
    agent = http;
    one = () =>
      new Promise<void>((resolve, reject) => {
        const req = request({ hostname, port, path: paths[next++ % paths.length]!, headers, agent: http }, (res) => {
          res.on('error', reject);
          res.on('end', () => {
            if (res.statusCode !== 200) fail(`HTTP ${res.statusCode}`);
            resolve();
          });
          res.resume(); // read the whole body, as a client does, and drop it
        });
        req.on('error', reject);
        req.end();
      });
  } else {
    pool = new pg.Pool({ connectionString: input.dbUrl, max: POOL });
    const raw = { getTypeParser: () => (v: string) => v };
    const steps = input.steps!;
    // Open the pool's connections before the clock starts (the service's pool is warm too).
    await Promise.all(Array.from({ length: POOL }, () => pool!.query('SELECT 1')));
    one = async () => {
      for (const group of steps[next++ % steps.length]!) {
        await Promise.all(
          group.map((s) => pool!.query({ text: s.text, values: s.values, rowMode: 'array', types: raw })),
        );
      }
    };
  }
  const t0 = performance.now();
  const end = t0 + input.durationMs;
  await Promise.all(
    Array.from({ length: input.concurrency }, async () => {
      while (performance.now() < end) {
        const s = performance.now();
        try {
          await one();
        } catch (err) {
          fail((err as Error).message);
        }
        latencies.push(performance.now() - s);
      }
    }),
  );
  const wallMs = performance.now() - t0;
  await pool?.end();
  agent?.destroy();
  return { latencies, errors, firstError, wallMs };
}

/** Runs drive(input) in a worker thread; its output. */
export function runDriver(input: DriverInput): Promise<DriverOutput> {
  return new Promise((resolve, reject) => {
    // The worker runs this file again (TypeScript): it registers tsx's loader first, which workers do not inherit.
    const api = pathToFileURL(join(REPO_ROOT, 'node_modules/tsx/dist/esm/api/index.mjs')).href;
    const code = `(async () => { (await import(${JSON.stringify(api)})).register(); await import(${JSON.stringify(import.meta.url)}); })().catch((e) => { throw e; });`;
    const w = new Worker(code, { eval: true, workerData: input });
    w.once('message', (m: DriverOutput) => resolve(m));
    w.once('error', reject);
    w.once('exit', (code) => code !== 0 && reject(new Error(`driver worker exited with ${code}`)));
  });
}

if (!isMainThread) {
  drive(workerData as DriverInput).then(
    (out) => parentPort!.postMessage(out),
    (err: unknown) => {
      throw err;
    },
  );
}
