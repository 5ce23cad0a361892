// testcontainers path of the test fixtures, used only where a Docker engine answers (never on CI here,
// which has none: see docs/OPERATIONS.md). Images mirror infra/docker-compose.yml.
import { existsSync } from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import type { Dependency } from '../../services/lib/platform/health/wait-ready.js';

export interface StartedStack {
  env: Record<string, string>;
  stop(): Promise<void>;
}

const IMAGES = {
  kafka: 'apache/kafka:4.1.0',
  registry: 'apicurio/apicurio-registry:3.0.9',
  postgres: 'postgres:15-alpine',
};

/** True when a Docker engine answers /_ping on DOCKER_HOST (unix socket) or /var/run/docker.sock. */
export async function dockerAvailable(): Promise<boolean> {
  const host = process.env.DOCKER_HOST;
  const socketPath = host?.startsWith('unix://')
    ? host.slice('unix://'.length)
    : host
      ? undefined
      : '/var/run/docker.sock';
  if (host && !socketPath) return true; // tcp:// engines: let testcontainers try
  if (!socketPath || !existsSync(socketPath)) return false;
  return new Promise((resolve) => {
    const req = http.get({ socketPath, path: '/_ping', timeout: 1500 }, (res) => {
      res.resume();
      resolve(res.statusCode === 200);
    });
    req.on('error', () => resolve(false));
    req.on('timeout', () => {
      req.destroy();
      resolve(false);
    });
  });
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as net.AddressInfo;
      srv.close(() => resolve(port));
    });
    srv.on('error', reject);
  });
}

export async function startContainers(missing: Dependency[]): Promise<StartedStack> {
  const { GenericContainer, Network, Wait } = await import('testcontainers');
  const network = await new Network().start();
  const started: { stop(): Promise<unknown> }[] = [];
  const env: Record<string, string> = {};
  try {
    if (missing.includes('postgres')) {
      const pg = await new GenericContainer(IMAGES.postgres)
        .withEnvironment({ POSTGRES_USER: 'verity', POSTGRES_PASSWORD: 'verity', POSTGRES_DB: 'verity' })
        .withExposedPorts(5432)
        .withWaitStrategy(Wait.forLogMessage(/database system is ready to accept connections/, 2))
        .start();
      started.push(pg);
      env.DATABASE_URL = `postgres://verity:verity@${pg.getHost()}:${pg.getMappedPort(5432)}/verity`;
    }
    if (missing.includes('kafka') || missing.includes('registry')) {
      const port = await freePort();
      const kafka = await new GenericContainer(IMAGES.kafka)
        .withNetwork(network)
        .withNetworkAliases('kafka')
        .withEnvironment({
          KAFKA_NODE_ID: '1',
          KAFKA_PROCESS_ROLES: 'broker,controller',
          KAFKA_LISTENERS: 'PLAINTEXT://0.0.0.0:9092,INTERNAL://0.0.0.0:19092,CONTROLLER://0.0.0.0:9093',
          KAFKA_ADVERTISED_LISTENERS: `PLAINTEXT://127.0.0.1:${port},INTERNAL://kafka:19092`,
          KAFKA_LISTENER_SECURITY_PROTOCOL_MAP: 'PLAINTEXT:PLAINTEXT,INTERNAL:PLAINTEXT,CONTROLLER:PLAINTEXT',
          KAFKA_CONTROLLER_QUORUM_VOTERS: '1@localhost:9093',
          KAFKA_CONTROLLER_LISTENER_NAMES: 'CONTROLLER',
          KAFKA_INTER_BROKER_LISTENER_NAME: 'INTERNAL',
          KAFKA_AUTO_CREATE_TOPICS_ENABLE: 'false',
          KAFKA_OFFSETS_TOPIC_REPLICATION_FACTOR: '1',
          KAFKA_TRANSACTION_STATE_LOG_REPLICATION_FACTOR: '1',
          KAFKA_TRANSACTION_STATE_LOG_MIN_ISR: '1',
          KAFKA_SHARE_COORDINATOR_STATE_TOPIC_REPLICATION_FACTOR: '1',
          KAFKA_SHARE_COORDINATOR_STATE_TOPIC_MIN_ISR: '1',
          KAFKA_GROUP_INITIAL_REBALANCE_DELAY_MS: '0',
        })
        .withExposedPorts({ container: 9092, host: port })
        .withWaitStrategy(Wait.forLogMessage(/Kafka Server started/))
        .start();
      started.push(kafka);
      if (missing.includes('kafka')) env.KAFKA_BROKERS = `127.0.0.1:${port}`;
      if (missing.includes('registry')) {
        const registry = await new GenericContainer(IMAGES.registry)
          .withNetwork(network)
          .withEnvironment({
            APICURIO_STORAGE_KIND: 'kafkasql',
            APICURIO_KAFKASQL_BOOTSTRAP_SERVERS: 'kafka:19092',
            APICURIO_RULES_GLOBAL_COMPATIBILITY: 'BACKWARD_TRANSITIVE',
          })
          .withExposedPorts(8080)
          .withWaitStrategy(Wait.forHttp('/health/ready', 8080).forStatusCode(200))
          .withStartupTimeout(180_000)
          .start();
        started.push(registry);
        env.SCHEMA_REGISTRY_URL = `http://${registry.getHost()}:${registry.getMappedPort(8080)}/apis/ccompat/v7`;
      }
    }
  } catch (err) {
    for (const c of started.reverse()) await c.stop().catch(() => undefined);
    await network.stop().catch(() => undefined);
    throw err;
  }
  return {
    env,
    async stop() {
      for (const c of started.reverse()) await c.stop().catch(() => undefined);
      await network.stop().catch(() => undefined);
    },
  };
}
