// Faults under load, against the real stack and the whole of Verity as operators run it (`bin/verity up`):
// the load generator sends seeded traffic (every line with an Idempotency-Key, retried until it is
// answered) while Kafka is killed and restarted, Postgres is stopped or killed and restarted, each
// service process is killed (the supervisor restarts it), and poison records arrive. Each run is checked
// against the generator's ledger — 0 lost, 0 duplicated — and reports how long Verity took to recover
// (from the fault until a new pipeline is decided and in the read model again). The table is printed at
// the end. Needs the local stack of infra/stack (it kills its processes).
import { expect } from 'chai';
import { randomUUID } from 'node:crypto';
import type { Admin, Kafka } from 'kafkajs';
import { runGenerator, type Ledger, type Summary } from '../../services/tools/generator/index.js';
import type { IntakeEvent } from '../../services/lib/core/events/generated.js';
import { loadConfig } from '../../services/lib/platform/config/index.js';
import { createKafka } from '../../services/lib/platform/kafka/client.js';
import { EventCodec } from '../../services/lib/platform/registry/codec.js';
import { checkLedger, type LedgerCheck } from '../support/ledger.js';
import { readToEnd, wireFormat } from '../support/kafka.js';
import { stackSource } from '../support/stack.js';
import { api, TOKENS } from '../support/services.js';
import { localStack, SERVICES, startSystem, type RunningSystem } from '../support/system.js';
import { until } from '../support/wait.js';

interface Row {
  fault: string;
  reports: number;
  lost: number;
  duplicated: number;
  recovery_s: number;
  retried_requests: number;
  pipelines: string;
}

const RATE = 100; // reports per second: a steady load two cores carry with every service and the stack
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('faults under load: 0 lost, 0 duplicated, time to recover (real stack, real processes)', function () {
  this.timeout(900_000);
  const config = loadConfig();
  const table: Row[] = [];
  let system: RunningSystem;
  let kafka: Kafka;
  let admin: Admin;

  before(async function () {
    if (stackSource() !== 'local' || !localStack.available()) {
      // Only the stack of infra/stack can be killed and restarted by a test.
      console.log(`[faults] skipped: the services are not the local stack of infra/stack (source: ${stackSource()})`);
      this.skip(); // only the local stack can be killed and restarted by a test
    }
    this.timeout(180_000);
    system = await startSystem('faults', {
      VERITY_TOPIC_PARTITIONS: '4',
      DECIDER_SESSION_TIMEOUT_MS: '6000',
      PROJECTOR_SESSION_TIMEOUT_MS: '6000',
      REMEDIATOR_SESSION_TIMEOUT_MS: '6000',
      TIMER_SESSION_TIMEOUT_MS: '6000',
      COORDINATOR_SESSION_TIMEOUT_MS: '6000',
      STALL_SECONDS: '20',
    });
    kafka = createKafka(config, 'test-faults');
    admin = kafka.admin();
    await admin.connect();
  });

  after(async function () {
    this.timeout(180_000);
    // Whatever a failed test left down comes back for the next test files.
    if (localStack.available()) {
      await localStack.startKafka().catch(() => undefined);
      await localStack.startPostgres().catch(() => undefined);
    }
    await admin?.disconnect().catch(() => undefined);
    await system?.stop();
    if (table.length > 0) {
      console.log(
        '\n  fault table (lost / duplicated against the generator ledger; recovery = fault → a new pipeline decided and projected)',
      );
      console.table(table);
    }
  });

  /** A new pipeline is accepted and decided, and in the read model: the system works again. */
  async function probe(): Promise<void> {
    const url = `http://127.0.0.1:${await system.port('ingest')}`;
    const id = randomUUID();
    const r = await api(
      url,
      'POST',
      '/v1/pipelines?wait=5000',
      {
        pipeline_id: id,
        project_id: 'test/faults-probe',
        ref: 'main',
        sha: 'abcdef1',
        definition: { stages: ['s'], jobs: [{ name: 'j', stage: 's' }] },
      },
      { token: TOKENS.all, headers: { 'idempotency-key': `probe-${id}` } },
    );
    if (r.status !== 200) throw new Error(`probe: ${r.status}`);
    await until(
      'the probe in the read model',
      async () =>
        (await system.pool.query('SELECT 1 FROM rm.pipelines WHERE pipeline_id = $1', [id])).rowCount
          ? true
          : undefined,
      10_000,
      200,
    );
  }

  /** Seconds from `since` until the probe passes. */
  async function recovered(since: number): Promise<number> {
    await until(
      'Verity to work again',
      async () => {
        await probe();
        return true;
      },
      180_000,
      500,
    ).catch((err: Error) => {
      throw new Error(`${err.message}\n${system.logs()}`);
    });
    return Math.round((Date.now() - since) / 100) / 10;
  }

  /**
   * Seeded load for `seconds`; `fault` runs after `after` ms and returns the time it broke things; then the
   * generator finishes, and its ledger is checked.
   */
  async function underLoad(
    name: string,
    seconds: number,
    after: number,
    fault: () => Promise<number>,
  ): Promise<{ check: LedgerCheck; recovery: number; summary: Summary }> {
    const ledger: Ledger = new Map();
    const url = `http://127.0.0.1:${await system.port('ingest')}`;
    // The generator rides out the fault: it retries a line until it is answered (ingest's port may change
    // when ingest itself restarts, hence the port lookup inside the fetch wrapper below).
    const generator = runGenerator({
      seed: 11,
      rate: RATE,
      durationS: seconds,
      url,
      token: TOKENS.all,
      idempotent: true,
      ledger,
      logs: null,
      clock: 'wall',
      projects: 4,
      projectPrefix: `faults-${name}`,
      cancelRate: 0.02,
    });
    await sleep(after);
    const since = await fault();
    const recovery = await recovered(since);
    const summary = await generator;
    const check = await checkLedger(
      kafka,
      admin,
      config.schemaRegistryUrl,
      `${system.prefix}ci.pipeline.events.v1`,
      system.pool,
      ledger,
    );
    table.push({
      fault: name,
      reports: summary.reports,
      lost: check.lost,
      duplicated: check.duplicated,
      recovery_s: recovery,
      retried_requests: summary.retried_requests,
      pipelines: `${check.complete}/${check.pipelines} complete`,
    });
    return { check, recovery, summary };
  }

  function expectExact({ check, summary }: { check: LedgerCheck; summary: Summary }): void {
    expect(check.problems, check.problems.join('\n')).to.deep.equal([]);
    expect([check.lost, check.duplicated]).to.deep.equal([0, 0]);
    // The generator rode out the fault: nothing refused, every pipeline complete.
    expect(summary.rejected_4xx, summary.errors_sample.join('\n')).to.equal(0);
    expect(check.complete, `${summary.errors_5xx} lines failed: ${summary.errors_sample.join('\n')}`).to.equal(
      check.pipelines,
    );
  }

  it('kill -9 Kafka under load, then restart it', async () => {
    const run = await underLoad('kafka kill -9', 30, 8_000, async () => {
      const at = Date.now();
      localStack.killKafka();
      await sleep(3_000);
      await localStack.startKafka();
      return at;
    });
    expectExact(run);
  });

  it('a graceful Postgres restart under load', async () => {
    const run = await underLoad('postgres graceful restart', 25, 6_000, async () => {
      const at = Date.now();
      localStack.stopPostgres();
      await sleep(3_000);
      await localStack.startPostgres();
      return at;
    });
    expectExact(run);
  });

  it('kill -9 Postgres under load, then restart it', async () => {
    const run = await underLoad('postgres kill -9', 25, 6_000, async () => {
      const at = Date.now();
      await localStack.killPostgres();
      await localStack.startPostgres();
      return at;
    });
    expectExact(run);
  });

  it('kill -9 of each service process under load: the supervisor restarts it', async () => {
    const restarts: Record<string, number> = {};
    const run = await underLoad('kill -9 of each service', 20 + SERVICES.length * 8, 5_000, async () => {
      const at = Date.now();
      for (const service of SERVICES) {
        const before = (await system.status()).services.find((s) => s.service === service)!;
        process.kill(before.pid!, 'SIGKILL');
        const started = Date.now();
        await until(
          `${service} restarted and ready`,
          async () => {
            const now = (await system.status()).services.find((s) => s.service === service)!;
            return now.pid !== before.pid && now.ready ? now : undefined;
          },
          90_000,
          250,
        );
        restarts[service] = Math.round((Date.now() - started) / 100) / 10;
      }
      return at;
    });
    console.log(`  [faults] each service: seconds from kill -9 to ready again ${JSON.stringify(restarts)}`);
    const st = await system.status();
    for (const s of SERVICES) expect(st.services.find((x) => x.service === s)!.restarts, s).to.be.greaterThan(0);
    expectExact(run);
  });

  it('poison records of each class under load: dead-lettered, the partitions go on, nothing of the load lost', async () => {
    const intake = await EventCodec.forTopic<IntakeEvent>(config.schemaRegistryUrl, 'ci.intake.v1');
    const producer = kafka.producer({ idempotent: true });
    await producer.connect();
    const keys = [randomUUID(), randomUUID(), randomUUID()];
    const id = intake.schemaIdOf('ReportJob')!;
    const wire = (value: unknown) => wireFormat(id, value);
    const run = await underLoad('poison under load', 20, 5_000, async () => {
      const at = Date.now();
      await producer.send({
        topic: `${system.prefix}ci.intake.v1`,
        messages: [
          { key: keys[0]!, value: Buffer.from('not a record') },
          { key: keys[1]!, value: wire({ type: 'ReportJob' }) },
          {
            key: keys[2]!,
            value: wire({
              type: 'ReportJob',
              report_id: randomUUID(),
              pipeline_id: keys[2],
              project_id: 'p',
              occurred_at: new Date().toISOString(),
              received_at: new Date().toISOString(),
              idempotency_key: null,
              producer: 't',
              correlation_id: randomUUID(),
              job: 'j',
              status: 'failed',
              runner_id: null,
              failure_reason: 'x',
              exit_code: 2 ** 31,
              log: null,
              log_excerpt: null,
            }),
          },
        ],
      });
      return at;
    });
    await producer.disconnect();
    const dead = await readToEnd(kafka, admin, `${system.prefix}ci.intake.v1.dlq`);
    expect(dead.map((m) => m.key?.toString()).sort()).to.deep.equal([...keys].sort());
    expectExact(run);
  });
});
