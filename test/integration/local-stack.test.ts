// The local stack's promises (make up / infra/stack): idempotent, and it recovers after kill -9 of
// any service without losing data or changing schema ids. Runs only when the suite uses the local
// stack (not services given by environment variables or containers).
import { expect } from 'chai';
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { SchemaType } from '@kafkajs/confluent-schema-registry';
import { loadConfig } from '../../services/lib/platform/config/index.js';
import { checkKafka, waitReady } from '../../services/lib/platform/health/wait-ready.js';
import { createKafka } from '../../services/lib/platform/kafka/client.js';
import { createRegistry } from '../../services/lib/platform/registry/client.js';
import { loadCatalog, REPO_ROOT } from '../../services/lib/platform/schemas/catalog.js';
import { consumeUntil, createScratchTopic } from '../support/kafka.js';
import { stackSource } from '../support/stack.js';
import { alive } from '../support/wait.js';

const DATA = process.env.VERITY_DATA_DIR ?? join(REPO_ROOT, '.data');
const run = (cmd: string, args: string[]) =>
  execFileSync(cmd, args, { cwd: REPO_ROOT, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], timeout: 300_000 });
const pidOf = (component: 'kafka' | 'registry') => Number(readFileSync(join(DATA, component, 'pid'), 'utf8'));
const postmasterPid = () => Number(readFileSync(join(DATA, 'pg/data/postmaster.pid'), 'utf8').split('\n')[0]);
const killHard = async (pid: number) => {
  process.kill(pid, 'SIGKILL');
  for (let i = 0; i < 100 && alive(pid); i++) await new Promise((r) => setTimeout(r, 100));
  expect(alive(pid), `pid ${pid} still alive after SIGKILL`).to.equal(false);
};

describe('local stack: make up is idempotent and recovers after kill -9', function () {
  this.timeout(600_000);
  const config = loadConfig();

  before(function () {
    if (stackSource() !== 'local' || process.env.DATABASE_URL) this.skip(); // services not ours to restart
  });

  it('a second make up is a no-op: same processes, everything already running', () => {
    run('make', ['up']);
    const before = { kafka: pidOf('kafka'), registry: pidOf('registry'), pg: postmasterPid() };
    const out = run('make', ['up']);
    expect({ kafka: pidOf('kafka'), registry: pidOf('registry'), pg: postmasterPid() }).to.deep.equal(before);
    expect(out)
      .to.match(/kafka\s+running/)
      .and.to.match(/registry\s+running/)
      .and.to.match(/postgres\s+running/);
  });

  it('after kill -9 of the broker, make up restarts it and committed records are still there', async () => {
    const kafka = createKafka(config, 'test-stack');
    const admin = kafka.admin();
    await admin.connect();
    const topic = await createScratchTopic(admin, 'durability');
    await admin.disconnect();
    const producer = kafka.producer({ idempotent: true });
    await producer.connect();
    await producer.send({ topic, acks: -1, messages: [{ key: 'k', value: 'before-crash' }] });
    await producer.disconnect();

    const old = pidOf('kafka');
    await killHard(old);
    const down = await checkKafka(config).then(
      () => 'up',
      () => 'down',
    );
    expect(down).to.equal('down');

    run('make', ['up']);
    expect(pidOf('kafka')).to.not.equal(old);
    await waitReady(config, ['kafka', 'registry'], 120_000);
    const seen = await consumeUntil(kafka, topic, (ms) => ms.length >= 1, { timeoutMs: 60_000 });
    expect(seen[0]!.value!.toString()).to.equal('before-crash');
    const a = kafka.admin();
    await a.connect();
    await a.deleteTopics({ topics: [topic] }).catch(() => undefined);
    await a.disconnect();
  });

  it('after kill -9 of the registry, make up restarts it with the same schema ids (durable kafkasql storage)', async () => {
    const entry = loadCatalog().find((e) => e.type === 'JobFailed')!;
    const idOf = () =>
      createRegistry(config.schemaRegistryUrl).getRegistryIdBySchema(entry.subject, {
        type: SchemaType.JSON,
        schema: JSON.stringify(entry.schema),
      });
    const before = await idOf();
    const old = pidOf('registry');
    await killHard(old);
    run('make', ['up']);
    expect(pidOf('registry')).to.not.equal(old);
    await waitReady(config, ['registry'], 120_000);
    expect(await idOf()).to.equal(before);
  });

  it('after kill -9 of the Postgres postmaster, make up restarts it and committed rows survive', async () => {
    const pg = (await import('pg')).default;
    const q = async (sql: string, params: unknown[] = []) => {
      const c = new pg.Client({ connectionString: config.databaseUrl });
      await c.connect();
      try {
        return await c.query(sql, params);
      } finally {
        await c.end();
      }
    };
    const marker = `crash-${Date.now()}`;
    await q("INSERT INTO projection_checkpoints (projection, topic, partition, next_offset) VALUES ($1, 't', 0, 42)", [
      marker,
    ]);
    const old = postmasterPid();
    await killHard(old);
    run('make', ['up']);
    expect(postmasterPid()).to.not.equal(old);
    const r = await q('SELECT next_offset::text AS n FROM projection_checkpoints WHERE projection = $1', [marker]);
    expect(r.rows[0]?.n).to.equal('42');
    await q('DELETE FROM projection_checkpoints WHERE projection = $1', [marker]);
  });
});
