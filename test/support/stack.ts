// Mocha global fixtures: make sure the real Kafka, registry and Postgres are there for the suite.
//  - Services named by KAFKA_BROKERS / SCHEMA_REGISTRY_URL / DATABASE_URL are used as they are.
//  - Otherwise, with a Docker engine, testcontainers starts them (test/support/containers.ts).
//  - Otherwise the local stack scripts (infra/stack) start what is not already answering, and the
//    teardown stops exactly what this run started.
// Then topics, schemas and migrations are applied (idempotent). VERITY_TEST_STACK=none skips all of
// this (unit tests only).
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadConfig } from '../../services/lib/platform/config/index.js';
import {
  checkKafka,
  checkPostgres,
  checkRegistry,
  type Dependency,
} from '../../services/lib/platform/health/wait-ready.js';
import { REPO_ROOT } from '../../services/lib/platform/schemas/catalog.js';
import { setupPlatform } from '../../services/lib/platform/setup.js';
import { dockerAvailable, startContainers, type StartedStack } from './containers.js';

const ENV: Record<Dependency, string> = {
  kafka: 'KAFKA_BROKERS',
  registry: 'SCHEMA_REGISTRY_URL',
  postgres: 'DATABASE_URL',
};
const ORDER: Dependency[] = ['postgres', 'kafka', 'registry'];
let startedLocally: Dependency[] = [];
let containers: StartedStack | undefined;

const answers = async (dep: Dependency): Promise<boolean> => {
  const check = { kafka: checkKafka, registry: checkRegistry, postgres: checkPostgres }[dep];
  try {
    await check(loadConfig());
    return true;
  } catch {
    return false;
  }
};

const stack = (cmd: 'up' | 'down', deps: Dependency[]) =>
  execFileSync('bash', ['infra/stack/stack.sh', cmd, ...deps], {
    cwd: REPO_ROOT,
    stdio: ['ignore', 'inherit', 'inherit'],
  });

/** Where the suite's services came from: 'env', 'containers' or 'local'. */
export function stackSource(): string {
  return process.env.VERITY_TEST_STACK_SOURCE ?? 'env';
}

/** The demo's Verity services (infra/stack/verity.sh) would consume the tests' events in the same consumer groups. */
function refuseWhileDemoRuns(): void {
  const dir = process.env.VERITY_DATA_DIR ?? join(REPO_ROOT, '.data');
  let pid: number;
  try {
    pid = Number(readFileSync(join(dir, 'verity/pid'), 'utf8').trim());
    process.kill(pid, 0);
    if (!readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes('up')) return;
  } catch {
    return;
  }
  throw new Error(
    `the demo's Verity services run (pid ${pid}): they would consume the tests' events. Stop them first: make demo-stop`,
  );
}

export async function mochaGlobalSetup(): Promise<void> {
  if (process.env.VERITY_TEST_STACK === 'none') return;
  refuseWhileDemoRuns();
  const missing = ORDER.filter((d) => !process.env[ENV[d]]);
  if (missing.length > 0 && (await dockerAvailable())) {
    containers = await startContainers(missing);
    Object.assign(process.env, containers.env);
    process.env.VERITY_TEST_STACK_SOURCE = 'containers';
  } else if (missing.length > 0) {
    const down: Dependency[] = [];
    for (const d of missing) if (!(await answers(d))) down.push(d);
    if (down.length > 0) {
      console.log(`[test stack] starting local ${down.join(', ')} with infra/stack/stack.sh`);
      stack('up', down);
      startedLocally = down;
    }
    process.env.VERITY_TEST_STACK_SOURCE = 'local';
  }
  await setupPlatform(loadConfig(), 180_000);
}

export async function mochaGlobalTeardown(): Promise<void> {
  if (startedLocally.length > 0) {
    console.log(`[test stack] stopping what this run started: ${startedLocally.join(', ')}`);
    stack('down', [...startedLocally].reverse());
  }
  await containers?.stop();
}
