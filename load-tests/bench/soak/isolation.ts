// What keeps a soak off everything else on the machine: every service runs under the soak's own
// VERITY_TOPIC_PREFIX (topics, consumer groups, transactional ids) against a scratch database on the same
// Postgres server, set up by `verity setup` like a fresh installation; afterwards the prefixed topics and
// groups and the database are dropped (schema subjects keep their logical names, registered idempotently).
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import type { PlatformConfig } from '../../../services/lib/platform/config/index.js';
import { createKafka } from '../../../services/lib/platform/kafka/client.js';
import { REPO_ROOT } from '../../../services/lib/platform/schemas/catalog.js';
import { adminQuery } from '../../lib.js';
import { DB_NAME, PREFIX, TOKEN } from './settings.js';

/** The environment every service of the soak gets: prefix, scratch database, tokens, no model endpoint. */
export function serviceEnv(dbUrl: string): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    VERITY_TOPIC_PREFIX: PREFIX,
    DATABASE_URL: dbUrl,
    LOG_LEVEL: 'info',
    INGEST_TOKENS: `soak:${TOKEN}:*`,
    QUERY_TOKENS: `soak:${TOKEN}:*`,
    REMEDIATOR_PROVIDER: 'heuristic', // no model endpoint is called
  };
  for (const k of [
    'INGEST_TOKENS_FILE',
    'QUERY_TOKENS_FILE',
    'PROJECTOR_VERSION',
    'PROJECTOR_PROJECTION',
    'VERITY_INSTANCE_ID',
  ])
    delete env[k];
  return env;
}

/** Creates the scratch database DB_NAME on the server of mainUrl. */
export async function createScratchDatabase(mainUrl: string): Promise<void> {
  await adminQuery(mainUrl, `CREATE DATABASE "${DB_NAME}"`);
}

/** `bin/verity setup` under env: the prefixed topics, the schemas, the migrations of the scratch database. */
export function veritySetup(env: NodeJS.ProcessEnv): void {
  const setup = spawnSync(join(REPO_ROOT, 'bin/verity'), ['setup', '--timeout', '120'], {
    cwd: REPO_ROOT,
    env: { ...env, LOG_LEVEL: 'warn' },
    encoding: 'utf8',
    timeout: 180_000,
  });
  if (setup.status !== 0)
    throw new Error(
      `verity setup failed (${setup.status ?? setup.signal}): ${(setup.stderr || setup.stdout).slice(-2000)}`,
    );
}

/** Drops the topics and consumer groups of PREFIX and, if it was created, the scratch database. */
export async function dropIsolated(
  mainConfig: PlatformConfig,
  dbCreated: boolean,
  log: (msg: string) => void,
): Promise<void> {
  const kafka = createKafka(mainConfig, 'verity-soak-cleanup');
  const admin = kafka.admin();
  try {
    await admin.connect();
    const topics = (await admin.listTopics()).filter((t) => t.startsWith(PREFIX));
    if (topics.length) await admin.deleteTopics({ topics });
    const groups = (await admin.listGroups()).groups.map((g) => g.groupId).filter((g) => g.startsWith(PREFIX));
    if (groups.length) await admin.deleteGroups(groups);
    log(`dropped ${topics.length} topics and ${groups.length} consumer groups of ${PREFIX}`);
  } catch (err) {
    log(`dropping the ${PREFIX} topics failed: ${(err as Error).message}`);
  } finally {
    await admin.disconnect().catch(() => undefined);
  }
  if (dbCreated)
    await adminQuery(mainConfig.databaseUrl, `DROP DATABASE IF EXISTS "${DB_NAME}" WITH (FORCE)`).catch((e: Error) =>
      log(`dropping ${DB_NAME} failed: ${e.message}`),
    );
}
