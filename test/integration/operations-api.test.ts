// The operations routes against the real Kafka and Postgres: a topic prefix of this run's own (its topics, 2
// partitions each, deleted after), the query service and a decider as child processes under it (TOPICS is
// read once per process: this one keeps the suite's). A group behind shows its lag and, once its position has
// not moved for STALL_SECONDS (1 here), a stalled partition; the projector's checkpoints show as its group and
// as the active version's progress; poison records sent to intake are dead-lettered by the decider with their
// reason, listed (a secret in one masked), and redriven; a scoped token gets 403, a bad topic 400, a wrong
// content type 415, the canonical topic 409. Every answer conforms to the OpenAPI document.
import { expect } from 'chai';
import { spawn, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import type { Admin, Kafka, KafkaMessage } from 'kafkajs';
import pg from 'pg';
import { loadConfig } from '../../services/lib/platform/config/index.js';
import { createKafka } from '../../services/lib/platform/kafka/client.js';
import { logicalTopic, topicSpecs } from '../../services/lib/platform/kafka/topics.js';
import { REPO_ROOT } from '../../services/lib/platform/schemas/catalog.js';
import { createAjv, escapePointer } from '../../services/lib/platform/schemas/ajv.js';
import { ensureActiveVersion } from '../../services/lib/readmodel/versions.js';
import { consumeUntil } from '../support/kafka.js';
import { api, exited, spawnService } from '../support/services.js';
import { until } from '../support/wait.js';

const run = randomUUID().slice(0, 8);
const prefix = `test-ops-${run}.`;
const T = (logical: string) => prefix + logical;
const ALL = `ops-all-${run}-0123456789abcdef`;
const SCOPED = `ops-scoped-${run}-0123456789abcdef`;
const TOKEN_SPEC = `all:${ALL}:*;scoped:${SCOPED}:test/alpha`;

/** `verity query` as a child process under the prefix; resolves with its port once it listens. */
async function spawnQuery(env: Record<string, string>): Promise<ChildProcess & { port: number; logTail(): string }> {
  const child = spawn(
    process.execPath,
    ['--import', `${REPO_ROOT}node_modules/tsx/dist/loader.mjs`, `${REPO_ROOT}services/tools/cli/main.ts`, 'query'],
    { cwd: REPO_ROOT, env: { ...process.env, ...env }, stdio: ['ignore', 'ignore', 'pipe', 'ipc'] },
  );
  let log = '';
  child.stderr!.on('data', (d: Buffer) => (log = (log + d.toString()).slice(-65_536)));
  const port = await new Promise<number>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`query did not start in 90 s:\n${log.slice(-2000)}`)), 90_000);
    child.on('message', (m: { type?: string; port?: number }) => {
      if (m?.type !== 'listening') return;
      clearTimeout(timer);
      resolve(m.port ?? 0);
    });
    child.once('exit', (code) => reject(new Error(`query exited during start (${code}):\n${log.slice(-2000)}`)));
  });
  child.channel?.unref();
  return Object.assign(child, { port, logTail: () => log });
}

describe('operations API: lag, stalls, dead letters, redrive, read models (real Kafka, Postgres)', function () {
  this.timeout(240_000);
  const config = loadConfig();
  const topics = topicSpecs(1).map((s) => T(logicalTopic(s.name)));
  let kafka: Kafka;
  let admin: Admin;
  let pool: pg.Pool;
  let active: number;
  let query: Awaited<ReturnType<typeof spawnQuery>>;
  let decider: (ChildProcess & { logTail(): string }) | undefined;
  let url: string;
  const seen: { template: string; method?: string; answer: Awaited<ReturnType<typeof api>> }[] = [];
  const call = async (method: string, path: string, template: string, opts: Parameters<typeof api>[4] = {}) => {
    const answer = await api(url, method, path, method === 'POST' ? {} : undefined, { token: ALL, ...opts });
    seen.push({ template, method: method.toLowerCase(), answer });
    return answer;
  };
  const get = (path: string, template = path.split('?')[0]!, token = ALL) => call('GET', path, template, { token });

  before(async () => {
    kafka = createKafka(config, 'test-operations');
    admin = kafka.admin();
    await admin.connect();
    // Leaders waited for by asking, not by createTopics' waitForLeaders (it fails on a broker slow to host them).
    await admin.createTopics({ topics: topics.map((topic) => ({ topic, numPartitions: 2, replicationFactor: 1 })) });
    for (const topic of topics)
      await until(
        `${topic} to have leaders`,
        async () => ((await admin.fetchTopicOffsets(topic)).length === 2 ? true : undefined),
        30_000,
      );
    pool = new pg.Pool({ connectionString: config.databaseUrl, max: 2 });
    active = await ensureActiveVersion(pool);
    query = await spawnQuery({
      VERITY_TOPIC_PREFIX: prefix,
      QUERY_PORT: '0',
      QUERY_TOKENS: TOKEN_SPEC,
      QUERY_STREAM: 'off',
      QUERY_FEEDBACK: 'off',
      STALL_SECONDS: '1',
      LOG_LEVEL: 'warn',
    });
    url = `http://127.0.0.1:${query.port}`;
  });
  after(async () => {
    for (const child of [query, decider]) {
      if (!child || child.exitCode !== null) continue;
      child.kill('SIGTERM');
      await exited(child).catch(() => child.kill('SIGKILL'));
    }
    await pool?.query('DELETE FROM projection_checkpoints WHERE topic LIKE $1', [`${prefix}%`]);
    await pool?.end();
    await admin?.deleteTopics({ topics }).catch(() => undefined);
    await admin?.disconnect();
  });

  it('a token scoped to projects gets 403 on every operations route, with why', async () => {
    for (const [method, path, template] of [
      ['GET', '/v1/operations/consumers', '/v1/operations/consumers'],
      ['GET', '/v1/operations/dead-letters', '/v1/operations/dead-letters'],
      ['GET', '/v1/operations/read-models', '/v1/operations/read-models'],
      [
        'POST',
        `/v1/operations/dead-letters/${T('ci.intake.v1')}/redrive`,
        '/v1/operations/dead-letters/{topic}/redrive',
      ],
    ] as const) {
      const r = await call(method, path, template, { token: SCOPED });
      expect(r.status, path).to.equal(403);
      expect(r.body.detail).to.equal('operations need a read token for every project (*)');
    }
    expect((await api(url, 'GET', '/v1/operations/consumers', undefined, { token: '' })).status).to.equal(401);
  });

  it('a group behind shows its lag per partition, then its partition stalled once it has not moved', async () => {
    const producer = kafka.producer();
    await producer.connect();
    const events = T('ci.pipeline.events.v1');
    await producer.send({
      topic: events,
      messages: Array.from({ length: 5 }, (_, i) => ({ partition: 0, key: `k${i}`, value: 'x' })),
    });
    await producer.disconnect();
    const group = T('verity-remediator');
    await admin.setOffsets({ groupId: group, topic: events, partitions: [{ partition: 0, offset: '2' }] });
    const first = await get('/v1/operations/consumers');
    expect(first.status).to.equal(200);
    const g = first.body.groups.find((x: { group: string }) => x.group === group);
    expect(g, JSON.stringify(first.body.groups.map((x: { group: string }) => x.group))).to.be.an('object');
    expect(g).to.include({ positions_in: 'kafka', projection: null, lag: 3, state: 'Empty', members: 0 });
    expect(g.partitions.map((p: { partition: number }) => p.partition)).to.deep.equal([0, 1]);
    expect(g.partitions[0]).to.include({ topic: events, position: 2, end: 5, lag: 3 });
    expect(first.body.stall_ms).to.equal(1000);
    // Groups of other prefixes are not this system's.
    expect(first.body.groups.every((x: { group: string }) => x.group.startsWith(`${prefix}verity-`))).to.equal(true);
    // The read is reused for 3 s; the next one sees the position still at 2: stalled.
    const later = await until(
      'the partition to be stalled',
      async () => {
        const r = await get('/v1/operations/consumers');
        const p = r.body.groups.find((x: { group: string }) => x.group === group)?.partitions[0];
        return p?.stalled ? r : undefined;
      },
      20_000,
      1000,
    );
    const stalled = later.body.groups.find((x: { group: string }) => x.group === group);
    expect(stalled).to.include({ stalled: 1, lag: 3 });
    // No position committed in partition 1, but nothing was ever there to read: caught up.
    expect(stalled.partitions[1]).to.include({ position: null, lag: 0, stalled: false });
  });

  it("the projector's checkpoints in Postgres are its position, and the active version's progress", async () => {
    const events = T('ci.pipeline.events.v1');
    await pool.query(
      'INSERT INTO projection_checkpoints (projection, topic, partition, next_offset) VALUES ($1, $2, 0, 1)',
      [`pipelines@v${active}`, events],
    );
    const c = await until(
      'the checkpoint to show (reads are reused for 3 s)',
      async () => {
        const r = await get('/v1/operations/consumers');
        const g = r.body.groups.find((x: { group: string }) => x.group === T(`verity-projector-pipelines@v${active}`));
        return g?.partitions[0]?.position === 1 ? g : undefined;
      },
      15_000,
      1000,
    );
    expect(c).to.include({ positions_in: 'postgres', projection: `pipelines@v${active}`, lag: 4 });
    const r = await get('/v1/operations/read-models');
    expect(r.status).to.equal(200);
    expect(r.body).to.include({ active, serving: active });
    const v = r.body.versions.find((x: { version: number }) => x.version === active);
    expect(v).to.include({ active: true, serving: true, schema: `rm_v${active}` });
    const p = v.projections.find((x: { projection: string }) => x.projection === `pipelines@v${active}`);
    // 1 of the 5 events projected; the remediation topic is empty.
    expect(p).to.include({ done: 1, total: 5, percent: 20 });
    expect(p.topics[0]).to.include({ topic: events, checkpoints: 1, partitions: 2, percent: 20 });
  });

  let redrivable: number;
  it('poison records are dead-lettered by the decider and listed with their reason; a secret in one is masked', async () => {
    decider = await spawnService('decider', { VERITY_TOPIC_PREFIX: prefix, LOG_LEVEL: 'warn' });
    const producer = kafka.producer();
    await producer.connect();
    const unknownSchema = Buffer.concat([Buffer.from([0, 0x7f, 0xff, 0xff, 0x01]), Buffer.from('{}')]);
    const secret = Buffer.from('{"password": "hunter2-very-secret-value"}');
    await producer.send({
      topic: T('ci.intake.v1'),
      messages: [
        { key: `poison-${run}`, value: unknownSchema },
        { key: `text-${run}`, value: secret },
      ],
    });
    await producer.disconnect();
    const dlq = T('ci.intake.v1.dlq');
    let last: unknown;
    const topic = await until(
      'both dead letters listed',
      async () => {
        const r = await get('/v1/operations/dead-letters?limit=10', '/v1/operations/dead-letters');
        last = r.body;
        const t = r.body.topics.find((x: { topic: string }) => x.topic === T('ci.intake.v1'));
        return t?.count === 2 ? t : undefined;
      },
      90_000,
      1000,
    ).catch((err: Error) => {
      throw new Error(`${err.message}: ${JSON.stringify(last).slice(0, 1500)}\n${decider?.logTail().slice(-3000)}`);
    });
    // Exact although the decider writes them in transactions (a marker after each): the read covered them all.
    expect(topic).to.include({ dlq, count: 2, pending: 2, exact: true, redrivable: true, complete: true });
    const byKey = new Map(topic.records.map((r: { key: string }) => [r.key, r]));
    expect(byKey.get(`poison-${run}`)).to.include({
      reason: 'EventDecodeError',
      error_class: 'EventDecodeError',
      consumer_group: T('verity-decider'),
      source_topic: T('ci.intake.v1'),
      kind: 'avro',
      preview: null,
      bytes: unknownSchema.length,
    });
    const text = byKey.get(`text-${run}`) as { preview: string; kind: string };
    expect(text.kind).to.equal('text');
    expect(text.preview).to.include('[MASKED]').and.not.include('hunter2');
    const events = (await get('/v1/operations/dead-letters')).body.topics.find(
      (x: { topic: string }) => x.topic === T('ci.pipeline.events.v1'),
    );
    expect(events).to.include({ redrivable: false });
    redrivable = topic.pending;
  });

  it('the redrive re-publishes them to their topic and counts them; the canonical topic is refused', async () => {
    const path = `/v1/operations/dead-letters/${T('ci.intake.v1')}/redrive`;
    const template = '/v1/operations/dead-letters/{topic}/redrive';
    const r = await call('POST', path, template);
    expect(r.status, JSON.stringify(r.body)).to.equal(200);
    expect(r.body).to.deep.equal({ topic: T('ci.intake.v1'), redriven: redrivable });
    let back: KafkaMessage | undefined;
    await consumeUntil(kafka, T('ci.intake.v1'), () => back !== undefined, {
      onMessage: (m) => void (m.key?.toString() === `poison-${run}` && m.headers?.['dlq-redriven-from'] && (back = m)),
    });
    expect(back!.headers?.['dlq-reason']).to.equal(undefined);
    // Poison still: the decider dead-letters it again, and the list says it died after a replay.
    const again = await until(
      'the redriven records back in the DLQ',
      async () => {
        const t = (await get('/v1/operations/dead-letters')).body.topics.find(
          (x: { topic: string }) => x.topic === T('ci.intake.v1'),
        );
        return t?.count === 4 ? t : undefined;
      },
      60_000,
      1000,
    );
    expect(again.pending).to.equal(2);
    expect(again.records.filter((x: { redriven_from: string | null }) => x.redriven_from !== null)).to.have.length(2);
    const canonical = await call('POST', `/v1/operations/dead-letters/${T('ci.pipeline.events.v1')}/redrive`, template);
    expect(canonical.status).to.equal(409);
    expect(canonical.body.detail).to.match(/written by the decider alone/);
  });

  it('the redrive takes only a known topic (400), JSON (415) and an empty object', async () => {
    const template = '/v1/operations/dead-letters/{topic}/redrive';
    const bad = await call('POST', '/v1/operations/dead-letters/no.such.topic/redrive', template);
    expect(bad.status).to.equal(400);
    expect(bad.body.errors.map((e: { pointer: string }) => e.pointer)).to.deep.equal(['/path/topic']);
    const path = `/v1/operations/dead-letters/${T('ci.intake.v1')}/redrive`;
    const form = await call('POST', path, template, {
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      raw: 'a=1',
    });
    expect(form.status).to.equal(415);
    expect(form.headers.get('accept')).to.equal('application/json');
    const none = await fetch(url + path, { method: 'POST', headers: { authorization: `Bearer ${ALL}` } });
    expect(none.status).to.equal(415);
    const extra = await call('POST', path, template, { raw: '{"topic":"x"}' });
    expect(extra.status).to.equal(400);
    expect((await get('/v1/operations/dead-letters?limit=51', '/v1/operations/dead-letters')).status).to.equal(400);
  });

  it('every answer conforms to the OpenAPI document', async () => {
    const doc = (await api(url, 'GET', '/openapi.json', undefined, { token: '' })).body;
    const ajv = createAjv();
    ajv.addVocabulary(['openapi', 'info', 'jsonSchemaDialect', 'paths', 'components']);
    ajv.addSchema(doc, 'openapi.json');
    const pointer = (...s: string[]) => s.map((x) => encodeURIComponent(escapePointer(x))).join('/');
    for (const { template, method = 'get', answer } of seen) {
      const where = `${method} ${template} ${answer.status}`;
      const response = doc.paths[template]?.[method]?.responses?.[String(answer.status)];
      expect(response, `${where}: not in the document`).to.be.an('object');
      const base = response.$ref
        ? `openapi.json${response.$ref}`
        : `openapi.json#/${pointer('paths', template, method, 'responses', String(answer.status))}`;
      const type = answer.headers.get('content-type')!.split(';')[0]!;
      const validate = ajv.getSchema(`${base}/${pointer('content', type, 'schema')}`);
      expect(validate, `${where}: ${type}`).to.be.a('function');
      expect(validate!(answer.body), `${where}: ${JSON.stringify(validate!.errors)}`).to.equal(true);
    }
    expect(new Set(seen.map((s) => s.answer.status))).to.include.members([200, 400, 403, 409, 415]);
  });
});
