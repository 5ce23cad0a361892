// `verity replay` against real Kafka and Postgres: a recorded window goes into the isolated sink
// replay_<name> (whole range, an offset window starting mid-pipeline, a time window), never into the
// production read model; an existing sink is refused without --reset. The topics are the test's own
// (a VERITY_TOPIC_PREFIX, 1 partition each) and the replay runs in a child process under that prefix.
import { expect } from 'chai';
import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { inArray } from 'drizzle-orm';
import type { Admin, Kafka, Message } from 'kafkajs';
import type { PipelineEvent, RemediationEvent } from '../../services/lib/core/events/generated.js';
import { loadConfig } from '../../services/lib/platform/config/index.js';
import { createDb, createPool } from '../../services/lib/platform/db/client.js';
import { readModelTables } from '../../services/lib/readmodel/tables.js';
import { createKafka } from '../../services/lib/platform/kafka/client.js';
import { TOPICS } from '../../services/lib/platform/kafka/topics.js';
import { EventCodec } from '../../services/lib/platform/registry/codec.js';
import { REPO_ROOT } from '../../services/lib/platform/schemas/catalog.js';
import { ensureActiveVersion, versionSchema } from '../../services/lib/readmodel/versions.js';
import { pipelineEvents, SHA } from '../support/pipeline-events.js';
import { dropReplaySink } from '../../services/tools/replay/replay.js';
import { replayGroup, replaySchema } from '../../services/tools/replay/window.js';

describe('verity replay (real Kafka and Postgres)', function () {
  this.timeout(240_000);
  const config = loadConfig();
  const pool = createPool(config.databaseUrl, 4);
  const db = createDb(pool);
  const prefix = `test-replay-${randomUUID().slice(0, 8)}.`;
  const topic = prefix + 'ci.pipeline.events.v1';
  const remediationTopic = prefix + 'ci.remediation.events.v1';
  const tag = randomUUID().slice(0, 6).replace(/-/g, '');
  const names = { whole: `t${tag}_whole`, mid: `t${tag}_mid`, time: `t${tag}_time` };
  // Three pipelines of 7 events each: A at offsets 0-6, B at 7-13, C at 14-20; record timestamps one
  // second apart from `base`. A remediation proposal for A (at A's time) and feedback on it (at B's).
  const ids = { a: randomUUID(), b: randomUUID(), c: randomUUID() };
  const proposalId = randomUUID();
  const base = Date.now() - 3_600_000;
  let kafka: Kafka;
  let admin: Admin;
  let active: number;

  before(async () => {
    kafka = createKafka(config, 'test-replay');
    admin = kafka.admin();
    await admin.connect();
    active = await ensureActiveVersion(pool);
    await admin.createTopics({
      waitForLeaders: true,
      topics: [topic, remediationTopic].map((t) => ({ topic: t, numPartitions: 1, replicationFactor: 1 })),
    });
    // Encoded with the logical topics' schemas (subjects keep the logical names), sent to the prefixed topics.
    const codec = await EventCodec.forTopic<PipelineEvent>(config.schemaRegistryUrl, TOPICS.pipelineEvents);
    const rcodec = await EventCodec.forTopic<RemediationEvent>(config.schemaRegistryUrl, TOPICS.remediationEvents);
    const at = (i: number) => ({ timestamp: String(base + i * 1000) });
    const events = [...pipelineEvents(ids.a), ...pipelineEvents(ids.b), ...pipelineEvents(ids.c)];
    const messages: Message[] = await Promise.all(
      events.map(async (e, i) => ({ ...(await codec.toMessage(e, 'test')), ...at(i) })),
    );
    const common = { pipeline_id: ids.a, project_id: 'gitlab-org/gitlab', correlation_id: randomUUID() };
    const iso = (i: number) => new Date(base + i * 1000).toISOString();
    const proposed: RemediationEvent = {
      ...common,
      type: 'RemediationProposed',
      event_id: randomUUID(),
      occurred_at: iso(2),
      recorded_at: iso(2),
      proposal_id: proposalId,
      causation_id: randomUUID(),
      job_id: randomUUID(),
      job_name: 'rspec 1/4',
      attempt: 1,
      ref: 'main',
      sha: SHA,
      failure_reason: 'script_failure',
      signature: '0123456789abcdef',
      provider: 'heuristic',
      model: null,
      prompt_version: 'heuristic-1',
      category: 'test_failure',
      root_cause: 'test X fails',
      evidence: [{ start_line: 3, end_line: 5, reason: 'failing test' }],
      suggested_action: { kind: 'fix_test', summary: 'fix: failing test X' },
      confidence: 0.7,
      shadow: false,
      tokens: { prompt: 0, completion: 0 },
      latency_ms: 3,
      cost_usd: 0,
    };
    const feedback: RemediationEvent = {
      ...common,
      type: 'RemediationFeedbackGiven',
      event_id: randomUUID(),
      occurred_at: iso(8),
      recorded_at: iso(8),
      feedback_id: randomUUID(),
      proposal_id: proposalId,
      verdict: 'accepted',
      reason: null,
      actor: 'alice',
    };
    const producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
    await producer.connect();
    try {
      await producer.send({ topic, acks: -1, messages });
      await producer.send({
        topic: remediationTopic,
        acks: -1,
        messages: [
          { ...(await rcodec.toMessage(proposed, 'test')), ...at(2.5) },
          { ...(await rcodec.toMessage(feedback, 'test')), ...at(8.5) },
        ],
      });
    } finally {
      await producer.disconnect();
    }
  });

  after(async () => {
    for (const name of Object.values(names)) await dropReplaySink(pool, name).catch(() => undefined);
    await admin?.deleteTopics({ topics: [topic, remediationTopic] }).catch(() => undefined);
    await admin?.deleteGroups(Object.values(names).map((n) => prefix + replayGroup(n))).catch(() => undefined);
    await admin?.disconnect();
    await pool.end();
  });

  /** `verity replay <args>` in a child process under the test's topic prefix (the prefix is read at module load). */
  function verityReplay(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
    const child = spawn(`${REPO_ROOT}bin/verity`, ['replay', ...args], {
      cwd: REPO_ROOT,
      env: { ...process.env, VERITY_TOPIC_PREFIX: prefix, LOG_LEVEL: 'warn' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        child.kill('SIGKILL');
        reject(new Error(`verity replay ${args.join(' ')} did not exit in 120 s:\n${stdout}\n${stderr.slice(-3000)}`));
      }, 120_000);
      child.once('exit', (code) => {
        clearTimeout(timer);
        resolve({ code, stdout, stderr });
      });
    });
  }

  async function sinkRows(name: string) {
    const t = readModelTables(replaySchema(name));
    const all = Object.values(ids);
    const pipelines = new Map(
      (await db.select().from(t.pipelines).where(inArray(t.pipelines.pipelineId, all))).map((p) => [p.pipelineId, p]),
    );
    const jobs = await db.select().from(t.jobs).where(inArray(t.jobs.pipelineId, all));
    const proposals = await db
      .select()
      .from(t.remediationProposals)
      .where(inArray(t.remediationProposals.proposalId, [proposalId]));
    const checkpoints = (
      await pool.query<{ topic: string; next_offset: string }>(
        'SELECT topic, next_offset FROM projection_checkpoints WHERE projection = $1 ORDER BY topic',
        [`replay:${name}`],
      )
    ).rows;
    return { pipelines, jobs, proposals, checkpoints };
  }

  /** The production read model (the rm views and the active version) has no row of the test's pipelines. */
  async function expectProductionUntouched(): Promise<void> {
    const all = Object.values(ids);
    for (const schema of ['rm', versionSchema(active)]) {
      for (const [table, column] of [
        ['pipelines', 'pipeline_id'],
        ['jobs', 'pipeline_id'],
        ['remediation_proposals', 'pipeline_id'],
      ]) {
        const n = (
          await pool.query<{ n: string }>(
            `SELECT count(*) AS n FROM "${schema}"."${table}" WHERE ${column} = ANY($1::uuid[])`,
            [all],
          )
        ).rows[0]!.n;
        expect(Number(n), `${schema}.${table}`).to.equal(0);
      }
    }
  }

  it('replays the whole range into replay_<name>; a second run is refused without --reset, and --reset starts over', async () => {
    const r = await verityReplay(['--into', names.whole]);
    expect(r.code, r.stderr).to.equal(0);
    expect(r.stdout).to.contain(`replayed into schema replay_${names.whole}: 23 events (23 applied, 0 ignored)`);
    expect(r.stdout)
      .to.contain(`${topic}: [0] 0..21`)
      .and.to.contain(`${remediationTopic}: [0] 0..2`)
      .and.not.to.contain('mid-stream');
    const rows = await sinkRows(names.whole);
    expect([...rows.pipelines.values()].map((p) => [p.status, p.ref, p.lastSeq])).to.deep.equal([
      ['success', 'main', 7],
      ['success', 'main', 7],
      ['success', 'main', 7],
    ]);
    expect(rows.jobs).to.have.length(3);
    expect(rows.jobs.every((j) => j.status === 'success' && j.stage === 'test')).to.equal(true);
    expect(rows.proposals).to.have.length(1);
    expect(rows.proposals[0]).to.include({ rootCause: 'test X fails', feedbackVerdict: 'accepted' });
    expect(rows.checkpoints).to.deep.equal([
      { topic, next_offset: '21' },
      { topic: remediationTopic, next_offset: '2' },
    ]);
    await expectProductionUntouched();

    const again = await verityReplay(['--into', names.whole]);
    expect(again.code).to.equal(1);
    expect(again.stderr)
      .to.contain(`the replay sink replay_${names.whole} already holds a replay`)
      .and.to.contain('--reset');
    expect((await sinkRows(names.whole)).pipelines.size, 'a refused replay leaves the sink as it was').to.equal(3);

    const reset = await verityReplay(['--into', names.whole, '--reset', '--to', '7']);
    expect(reset.code, reset.stderr).to.equal(0);
    const after = await sinkRows(names.whole);
    expect([...after.pipelines.keys()]).to.deep.equal([ids.a]);
    expect(after.checkpoints[0]).to.deep.equal({ topic, next_offset: '7' });
  });

  it('replays an offset window that starts mid-pipeline: placeholder rows, the rest as usual', async () => {
    const r = await verityReplay(['--into', names.mid, '--from', '0:3', '--to', '17']);
    expect(r.code, r.stderr).to.equal(0);
    expect(r.stdout)
      .to.contain(`${topic}: [0] 3..17`)
      .and.to.contain(`${remediationTopic}: [0] 0..2`)
      .and.to.contain('started mid-stream');
    const rows = await sinkRows(names.mid);
    // A: from its 4th event (JobStarted) on — a placeholder pipeline and job, finished by what followed.
    expect(rows.pipelines.get(ids.a)).to.deep.include({
      ref: 'unknown',
      sha: 'unknown',
      source: 'unknown',
      status: 'success',
      lastSeq: 7,
    });
    expect(rows.jobs.find((j) => j.pipelineId === ids.a)).to.deep.include({
      stage: 'unknown',
      status: 'success',
      runnerId: 'runner-42',
    });
    // B: whole. C: its first 3 events (offsets 14-16).
    expect(rows.pipelines.get(ids.b)).to.deep.include({ ref: 'main', sha: SHA, status: 'success', lastSeq: 7 });
    expect(rows.pipelines.get(ids.c)).to.deep.include({ ref: 'main', status: 'created', lastSeq: 3 });
    expect(rows.jobs.find((j) => j.pipelineId === ids.c)).to.deep.include({ status: 'pending', stage: 'test' });
    expect(rows.proposals, 'offset bounds do not apply to the remediation topic').to.have.length(1);
    expect(rows.checkpoints[0]).to.deep.equal({ topic, next_offset: '17' });
    await expectProductionUntouched();
  });

  it('replays a time window (both topics): only the records of that time', async () => {
    const iso = (i: number) => new Date(base + i * 1000).toISOString();
    const r = await verityReplay(['--into', names.time, `--from=${iso(7)}`, '--to', iso(14)]);
    expect(r.code, r.stderr).to.equal(0);
    expect(r.stdout).to.contain(`${topic}: [0] 7..14`).and.to.contain(`${remediationTopic}: [0] 1..2`);
    const rows = await sinkRows(names.time);
    expect([...rows.pipelines.keys()]).to.deep.equal([ids.b]);
    expect(rows.pipelines.get(ids.b)).to.deep.include({ status: 'success', ref: 'main' });
    expect(rows.proposals, 'the proposal is before the window; its feedback alone changes nothing').to.have.length(0);
    await expectProductionUntouched();
  });

  it('refuses a bad name or window with a clear message, touching nothing', async () => {
    const bad = await verityReplay(['--into', 'Bad-Name']);
    expect(bad.code).to.equal(1);
    expect(bad.stderr).to.contain('invalid replay name "Bad-Name"');
    const partition = await verityReplay(['--into', `t${tag}_nope`, '--from', '3:0']);
    expect(partition.code).to.equal(1);
    expect(partition.stderr).to.contain(`--from: ${topic} has no partition 3`);
    expect(
      (await pool.query('SELECT 1 FROM information_schema.schemata WHERE schema_name = $1', [`replay_t${tag}_nope`]))
        .rowCount,
    ).to.equal(0);
  });
});
