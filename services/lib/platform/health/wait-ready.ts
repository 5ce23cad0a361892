// Readiness of the three services Verity stands on, checked the way clients use them: a kafkajs admin
// describes the cluster, the registry lists subjects, Postgres answers a query.
import { logLevel } from 'kafkajs';
import pg from 'pg';
import type { PlatformConfig } from '../config/index.js';
import { createKafka } from '../kafka/client.js';
import { RegistryRest } from '../registry/client.js';

export type Dependency = 'kafka' | 'registry' | 'postgres';

export async function checkKafka(config: PlatformConfig): Promise<string> {
  const admin = createKafka(config, 'verity-readiness', { retries: 0, logLevel: logLevel.NOTHING }).admin();
  try {
    await admin.connect();
    const cluster = await admin.describeCluster();
    if (cluster.brokers.length === 0 || cluster.controller === null)
      throw new Error('no broker or no active controller yet');
    return `cluster ${cluster.clusterId}, ${cluster.brokers.length} broker(s), controller ${cluster.controller}`;
  } finally {
    await admin.disconnect().catch(() => undefined);
  }
}

export async function checkRegistry(config: PlatformConfig): Promise<string> {
  await new RegistryRest(config.schemaRegistryUrl).ping();
  return config.schemaRegistryUrl;
}

export async function checkPostgres(config: PlatformConfig): Promise<string> {
  const client = new pg.Client({ connectionString: config.databaseUrl, connectionTimeoutMillis: 3000 });
  try {
    await client.connect();
    const r = await client.query<{ v: string }>("SELECT current_setting('server_version') AS v");
    return `PostgreSQL ${r.rows[0]?.v}`;
  } finally {
    await client.end().catch(() => undefined);
  }
}

const checks: Record<Dependency, (c: PlatformConfig) => Promise<string>> = {
  kafka: checkKafka,
  registry: checkRegistry,
  postgres: checkPostgres,
};

/** Polls until every dependency answers, or throws naming the ones that did not, with their last error. */
export async function waitReady(
  config: PlatformConfig,
  deps: Dependency[] = ['kafka', 'registry', 'postgres'],
  timeoutMs = 120_000,
): Promise<Record<Dependency, string>> {
  const deadline = Date.now() + timeoutMs;
  const ready: Partial<Record<Dependency, string>> = {};
  const lastError: Partial<Record<Dependency, string>> = {};
  for (;;) {
    await Promise.all(
      deps
        .filter((d) => !(d in ready))
        .map(async (d) => {
          try {
            ready[d] = await checks[d](config);
          } catch (err) {
            lastError[d] = (err as Error).message;
          }
        }),
    );
    const pending = deps.filter((d) => !(d in ready));
    if (pending.length === 0) return ready as Record<Dependency, string>;
    if (Date.now() > deadline) {
      throw new Error(`not ready after ${timeoutMs} ms: ${pending.map((d) => `${d} (${lastError[d]})`).join(', ')}`);
    }
    await new Promise((r) => setTimeout(r, 500));
  }
}
