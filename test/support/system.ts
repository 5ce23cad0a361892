// The whole of Verity as operators run it, for tests that break things: `bin/verity up` (the supervisor and
// one process per service) under a topic prefix and a database of its own, every port chosen by the
// system, and the local stack's Kafka and Postgres to kill and restart (infra/stack). Nothing of it
// outlives the test: the supervisor's children stop when it is gone, and stop() removes topics and database.
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import type { SupervisorStatus } from '../../services/tools/cli/supervisor/status.js';
import { loadConfig } from '../../services/lib/platform/config/index.js';
import { checkKafka, checkPostgres, checkRegistry } from '../../services/lib/platform/health/wait-ready.js';
import { REPO_ROOT } from '../../services/lib/platform/schemas/catalog.js';
import { TOKEN_SPEC } from './services.js';
import { alive, marked, until } from './wait.js';

export const SERVICES = [
  'decider',
  'ingest',
  'projector',
  'query',
  'remediator',
  'scorer',
  'timer',
  'coordinator',
  'fetcher',
] as const;

const DATA = process.env.VERITY_DATA_DIR ?? join(REPO_ROOT, '.data');
const stack = (...args: string[]) =>
  execFileSync('bash', [join(REPO_ROOT, 'infra/stack', args[0]!), ...args.slice(1)], {
    cwd: REPO_ROOT,
    stdio: ['ignore', 'ignore', 'pipe'],
    timeout: 180_000,
  });
const pidIn = (file: string) => (existsSync(file) ? Number(readFileSync(file, 'utf8').split('\n')[0]!.trim()) : NaN);

/** The local stack's dependencies, killed and started the way an operator (or a crash) would. */
export const localStack = {
  /** True when the suite runs on the stack of infra/stack (the only one these tests can kill). */
  available: () => existsSync(join(DATA, 'kafka/pid')) && existsSync(join(DATA, 'pg/data/postmaster.pid')),
  kafkaPid: () => pidIn(join(DATA, 'kafka/pid')),
  postgresPid: () => pidIn(join(DATA, 'pg/data/postmaster.pid')),
  killKafka() {
    process.kill(this.kafkaPid(), 'SIGKILL');
  },
  /** Starts what died (Kafka, and the registry if it went with it) and waits until both answer. */
  async startKafka() {
    stack('stack.sh', 'up', 'kafka', 'registry');
    const config = loadConfig();
    await until(
      'Kafka and the registry to answer',
      async () => ((await checkKafka(config)) && (await checkRegistry(config)) ? true : undefined),
      120_000,
      500,
    );
  },
  stopPostgres() {
    stack('postgres.sh', 'stop'); // pg_ctl stop -m fast: sessions are terminated (57P01)
  },
  async killPostgres() {
    const pid = this.postgresPid();
    process.kill(pid, 'SIGKILL');
    // The backends notice their postmaster is gone and exit; a new one cannot start while they hold its memory.
    await until(
      'the killed postmaster and its backends to be gone',
      () => (alive(pid) || hasBackends() ? undefined : true),
      60_000,
      200,
    );
  },
  async startPostgres() {
    await until(
      'Postgres to start',
      () => {
        stack('postgres.sh', 'start');
        return true;
      },
      60_000,
      1000,
    );
    await until(
      'Postgres to answer',
      async () => ((await checkPostgres(loadConfig())) ? true : undefined),
      60_000,
      250,
    );
  },
};

function hasBackends(): boolean {
  try {
    return (
      execFileSync('pgrep', ['-f', `postgres: .*${join(DATA, 'pg')}|postgres -D ${join(DATA, 'pg/data')}`], {
        stdio: ['ignore', 'pipe', 'ignore'],
      })
        .toString()
        .trim() !== ''
    );
  } catch {
    return false; // pgrep: nothing found
  }
}

export interface RunningSystem {
  prefix: string;
  databaseUrl: string;
  logDir: string;
  status(): Promise<SupervisorStatus>;
  /** The port a service listens on now (a restarted child may have another). */
  port(service: (typeof SERVICES)[number]): Promise<number>;
  /** Resolves when the supervisor's /readyz says every service is ready. */
  ready(timeoutMs?: number): Promise<void>;
  /** The system's own database. */
  pool: pg.Pool;
  /** The supervisor's log, then the services' logs (tails), for a failing test's message. */
  logs(): string;
  stop(): Promise<void>;
}

/** How long startSystem (and ready() by default) waits for every service's /readyz. */
const READY_TIMEOUT_MS = 150_000;

export async function startSystem(name: string, env: Record<string, string> = {}): Promise<RunningSystem> {
  const run = randomUUID().slice(0, 8);
  const prefix = `test-${name}-${run}.`;
  const config = loadConfig();
  const database = `verity_${name.replace(/[^a-z0-9]/g, '_')}_${run}`;
  const admin = new pg.Client({ connectionString: config.databaseUrl });
  await admin.connect();
  await admin.query(`CREATE DATABASE "${database}"`);
  await admin.end();
  const url = new URL(config.databaseUrl);
  url.pathname = `/${database}`;
  const databaseUrl = url.toString();
  const logDir = mkdtempSync(join(tmpdir(), `verity-${name}-`));
  const mark = `VERITY_TEST_SYSTEM=${run}`;
  const childEnv = {
    ...process.env,
    VERITY_TOPIC_PREFIX: prefix,
    DATABASE_URL: databaseUrl,
    ...Object.fromEntries(SERVICES.map((s) => [`${s.toUpperCase()}_PORT`, '0'])),
    // Producers keep one address: ingest keeps its port across restarts.
    INGEST_PORT: String(await freePort()),
    VERITY_SUPERVISOR_PORT: '0',
    VERITY_SUPERVISOR_LOG_DIR: logDir,
    VERITY_SUPERVISOR_BACKOFF_BASE_MS: '200',
    VERITY_SUPERVISOR_BACKOFF_MAX_MS: '2000',
    VERITY_SUPERVISOR_MAX_CRASHES: '50',
    VERITY_TEST_SYSTEM: run,
    INGEST_TOKENS: TOKEN_SPEC,
    QUERY_TOKENS: TOKEN_SPEC,
    LOG_LEVEL: 'info',
    VERITY_TRACING: 'off',
    ...env,
  };
  execFileSync(join(REPO_ROOT, 'bin/verity'), ['setup', '--timeout', '120'], {
    cwd: REPO_ROOT,
    env: childEnv,
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  const child: ChildProcess = spawn(join(REPO_ROOT, 'bin/verity'), ['up'], {
    cwd: REPO_ROOT,
    env: childEnv,
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let text = '';
  child.stderr!.on('data', (d: Buffer) => (text = (text + d.toString()).slice(-200_000)));
  const port = await until(
    'the supervisor to listen',
    () => {
      if (child.exitCode !== null) throw new Error(`supervisor exited: ${text.slice(-2000)}`);
      const line = text.split('\n').find((l) => l.includes('"supervisor listening"'));
      return line ? (JSON.parse(line) as { port: number }).port : undefined;
    },
    30_000,
    100,
  );
  const ops = (path: string) => fetch(`http://127.0.0.1:${port}${path}`, { signal: AbortSignal.timeout(10_000) });
  const pool = new pg.Pool({ connectionString: databaseUrl, max: 3 });
  pool.on('error', () => undefined); // the tests restart Postgres under it
  const system: RunningSystem = {
    prefix,
    databaseUrl,
    logDir,
    pool,
    status: async () => (await (await ops('/status')).json()) as SupervisorStatus,
    async port(service) {
      return until(
        `${service}'s port`,
        async () => (await system.status()).services.find((s) => s.service === service)?.port ?? undefined,
        60_000,
      );
    },
    async ready(timeoutMs = READY_TIMEOUT_MS) {
      await until('every service ready', async () => ((await ops('/readyz')).ok ? true : undefined), timeoutMs, 250);
    },
    logs() {
      const tail = (file: string) =>
        existsSync(file) ? readFileSync(file, 'utf8').split('\n').slice(-40).join('\n') : '';
      return [
        text.split('\n').slice(-40).join('\n'),
        ...SERVICES.map((s) => `--- ${s}\n${tail(join(logDir, `${s}.log`))}`),
      ].join('\n');
    },
    async stop() {
      if (child.exitCode === null && child.signalCode === null) {
        child.kill('SIGTERM');
        await until(
          'the supervisor to stop',
          () => (child.exitCode !== null || child.signalCode !== null ? true : undefined),
          60_000,
          200,
        ).catch(() => child.kill('SIGKILL'));
      }
      // Whatever is left of this system (a failed test): its children stop when the supervisor is gone.
      await until(
        'no process of this system left',
        () => (marked(mark).length === 0 ? true : undefined),
        30_000,
        250,
      ).catch(() => {
        for (const pid of marked(mark)) process.kill(pid, 'SIGKILL');
      });
      await pool.end().catch(() => undefined);
      const kafka = (await import('../../services/lib/platform/kafka/client.js')).createKafka(
        config,
        'test-system-cleanup',
      );
      const a = kafka.admin();
      await a.connect();
      const topics = (await a.listTopics()).filter((t) => t.startsWith(prefix));
      if (topics.length > 0) await a.deleteTopics({ topics }).catch(() => undefined);
      await a.disconnect();
      const c = new pg.Client({ connectionString: config.databaseUrl });
      await c.connect();
      await c.query(`DROP DATABASE IF EXISTS "${database}" WITH (FORCE)`).catch(() => undefined);
      await c.end();
      rmSync(logDir, { recursive: true, force: true });
    },
  };
  // Every service up on a loaded two-core machine (CI, a suite running beside it) can take more than a
  // minute: the budget is the callers' (their before hooks allow 180 s and more).
  await system.ready(READY_TIMEOUT_MS).catch((err: Error) => {
    throw new Error(`${err.message}\n${system.logs()}`);
  });
  return system;
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as AddressInfo;
      srv.close(() => resolve(port));
    });
    srv.on('error', reject);
  });
}
