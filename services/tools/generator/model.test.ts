// Unit tests of the load generator's model (no services): reproducible, and — the important part — the
// ops it generates are legal: validated as ingest's bulk endpoint validates them, turned into intake
// records by ingest's functions and fed op by op through the pure decider from scratch, no rejection,
// every pipeline ends finished.
//   VERITY_TEST_STACK=none npx mocha services/tools/generator/model.test.ts
import { expect } from 'chai';
import { randomUUID } from 'node:crypto';
import { existsSync } from 'node:fs';
import type { PipelineEvent } from '../../lib/core/events/generated.js';
import { decide, evolveAll, type DecideContext, type PipelineState } from '../../lib/core/pipeline/index.js';
import { bulkLineHead } from '../../run/ingest/index.js';
import { validators } from '../../run/ingest/index.js';
import { createAjv } from '../../lib/platform/schemas/ajv.js';
import { classifyChunk, cutLog, FAILURE_CATEGORIES, LogChunksSource, SyntheticLogs } from './logs.js';
import { DEFAULT_LOGS } from './main.js';
import { ScenarioModel } from './model.js';
import { OpStream } from './op-stream.js';
import { lineToRecord, type BulkLine, type PipelinePlan } from './ops.js';
import { Rng } from './rng.js';

const head = createAjv().compile(bulkLineHead);
const BASE = Date.parse('2026-03-01T00:00:00.000Z');
const ctx = (): DecideContext => ({ now: new Date().toISOString(), newEventId: randomUUID, newJobId: randomUUID });

/** What bulk.ts checks for one line; throws with the errors. */
function validateLikeIngest(line: BulkLine): void {
  const parsed = JSON.parse(JSON.stringify(line)) as Record<string, unknown>;
  if (!head(parsed)) throw new Error(`bulk head: ${JSON.stringify(head.errors)}`);
  const { op, pipeline_id, job: _job, ...rest } = parsed;
  const body = op === 'create_pipeline' ? { ...rest, pipeline_id } : rest;
  const validate =
    op === 'create_pipeline' ? validators.create : op === 'report' ? validators.report : validators.command;
  if (!validate(body)) throw new Error(`${String(op)} body: ${JSON.stringify(validate.errors)}`);
}

interface Replay {
  state: PipelineState | null;
  events: PipelineEvent[];
  rejections: string[];
}

/** The plan's ops, one by one, through ingest's validation and record functions and the pure decider. */
function replay(
  plan: PipelinePlan,
  into: Replay = { state: null, events: [], rejections: [] },
  ops = plan.ops,
): Replay {
  for (const op of ops) {
    validateLikeIngest(op.line);
    const id = randomUUID();
    const record = lineToRecord(op.line, {
      reportId: id,
      pipelineId: plan.pipelineId,
      projectId: plan.projectId,
      now: new Date().toISOString(),
      producer: 'test',
      correlationId: id,
      idempotencyKey: null,
      occurredAt: new Date(BASE + op.at).toISOString(),
    });
    const d = decide(into.state, record, ctx());
    if (d.kind === 'rejected') {
      into.rejections.push(
        `${plan.pipelineId} ${op.line.op} ${'job' in op.line ? op.line.job : ''}: ${d.code} ${d.message}`,
      );
      continue;
    }
    expect(d.events.length, `events of ${op.line.op}`).to.equal(op.events);
    into.state = evolveAll(into.state, d.events);
    into.events.push(...d.events);
  }
  return into;
}

const logs = existsSync(DEFAULT_LOGS) ? new LogChunksSource(DEFAULT_LOGS) : new SyntheticLogs();

describe('load generator: rng', () => {
  it('is reproducible per seed and differs across seeds', () => {
    const seq = (...seed: (number | string)[]) => {
      const r = new Rng(...seed);
      return Array.from({ length: 50 }, () => r.nextU32());
    };
    expect(seq(42)).to.deep.equal(seq(42));
    expect(seq(42, 'pipeline', 1)).to.deep.equal(seq(42, 'pipeline', 1));
    expect(seq(42)).to.not.deep.equal(seq(43));
    expect(seq(42, 'pipeline', 1)).to.not.deep.equal(seq(42, 'pipeline', 2));
  });

  it('draws from the distributions it names', () => {
    const r = new Rng(1);
    const n = 20_000;
    const logn = Array.from({ length: n }, () => r.logNormal(100, 0.7)).sort((a, b) => a - b);
    expect(logn[n / 2]).to.be.within(95, 105); // median
    const exp = Array.from({ length: n }, () => r.exponential(50));
    expect(exp.reduce((a, b) => a + b, 0) / n).to.be.within(48, 52);
    const counts = { a: 0, b: 0, c: 0 };
    for (let i = 0; i < n; i++)
      counts[
        r.weighted([
          ['a', 1],
          ['b', 3],
          ['c', 0],
        ] as const)
      ]++;
    expect(counts.c).to.equal(0);
    expect(counts.b / n).to.be.within(0.73, 0.77);
    for (let i = 0; i < 1000; i++) expect(r.int(2, 5)).to.be.within(2, 5);
    expect(r.sample(['a', 'b', 'c', 'd'], 3)).to.have.length(3);
    expect(r.uuid()).to.match(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  });
});

describe('load generator: model', function () {
  this.timeout(120_000);

  it('is reproducible: the same seed gives identical ops, pipelines and interleaving', () => {
    const a = new ScenarioModel({ seed: 7, idSalt: 's', logs });
    const b = new ScenarioModel({ seed: 7, idSalt: 's', logs });
    for (let i = 0; i < 60; i++) expect(JSON.stringify(a.pipeline(i))).to.equal(JSON.stringify(b.pipeline(i)));
    const order = (m: ScenarioModel) => {
      const s = new OpStream(m, { active: 50 });
      return Array.from({ length: 3000 }, () => {
        const it = s.next()!;
        return `${it.plan.pipelineId}/${it.opIndex}@${it.simAt}`;
      });
    };
    expect(order(a)).to.deep.equal(order(b));
  });

  it('different seeds give different traffic; the id salt changes only the pipeline ids', () => {
    const a = new ScenarioModel({ seed: 7, idSalt: 's', logs });
    const b = new ScenarioModel({ seed: 8, idSalt: 's', logs });
    const salted = new ScenarioModel({ seed: 7, idSalt: 'other', logs });
    const same = Array.from(
      { length: 40 },
      (_, i) =>
        JSON.stringify(a.pipeline(i).ops.map((o) => o.line)) === JSON.stringify(b.pipeline(i).ops.map((o) => o.line)),
    );
    expect(same.filter(Boolean)).to.have.length(0);
    for (let i = 0; i < 20; i++) {
      const x = a.pipeline(i);
      const y = salted.pipeline(i);
      expect(y.pipelineId).to.not.equal(x.pipelineId);
      expect(JSON.stringify(y.ops).split(y.pipelineId).join('ID')).to.equal(
        JSON.stringify(x.ops).split(x.pipelineId).join('ID'),
      );
    }
  });

  it('its ops are legal: validated like ingest, fed through the pure decider from scratch, no rejection, every pipeline finished', () => {
    const model = new ScenarioModel({ seed: 42, logs });
    for (let i = 0; i < 600; i++) {
      const plan = model.pipeline(i);
      const { state, rejections } = replay(plan);
      expect(rejections, rejections.join('\n')).to.deep.equal([]);
      expect(state!.finished, `${plan.pipelineId} ends ${state!.status}`).to.equal(true);
      expect(state!.status).to.equal(plan.final);
      expect(plan.ops[0]!.line.op).to.equal('create_pipeline');
      for (let k = 1; k < plan.ops.length; k++) expect(plan.ops[k]!.at).to.be.at.least(plan.ops[k - 1]!.at);
    }
    // The check can fail: the same ops with one `running` report repeated are refused.
    const plan = model.pipeline(0);
    const k = plan.ops.findIndex((o) => o.line.op === 'report' && o.line.status === 'running');
    const broken = replay(plan, undefined, [...plan.ops.slice(0, k + 1), plan.ops[k]!]);
    expect(broken.rejections).to.have.length(1);
    expect(broken.rejections[0]).to.include('illegal_transition');
  });

  it('interleaved by the stream (as the driver sends them), every pipeline still replays cleanly', () => {
    const model = new ScenarioModel({ seed: 3, logs });
    const stream = new OpStream(model, { active: 150, maxPipelines: 400 });
    const replays = new Map<string, Replay>();
    let maxOpen = 0;
    for (let it = stream.next(); it; it = stream.next()) {
      const r = replays.get(it.plan.pipelineId) ?? { state: null, events: [], rejections: [] };
      replays.set(it.plan.pipelineId, replay(it.plan, r, [it.op]));
      maxOpen = Math.max(maxOpen, [...replays.values()].filter((x) => !x.state?.finished).length);
    }
    expect(replays.size).to.equal(400);
    expect(maxOpen, 'pipelines in progress at once').to.be.greaterThan(50);
    for (const r of replays.values()) {
      expect(r.rejections, r.rejections.join('\n')).to.deep.equal([]);
      expect(r.state!.finished).to.equal(true);
    }
  });

  it('produces the traffic mix it promises (shapes, failures by category, flaky, manual, cancellations, timings)', () => {
    const model = new ScenarioModel({ seed: 11, logs });
    const plans = Array.from({ length: 1500 }, (_, i) => model.pipeline(i));
    const events = plans.flatMap((p) => replay(p).events);
    const of = <T extends PipelineEvent['type']>(type: T) =>
      events.filter((e): e is Extract<PipelineEvent, { type: T }> => e.type === type);

    expect(new Set(plans.map((p) => p.projectId)).size).to.be.within(40, 50);
    expect(plans.some((p) => p.ref === 'main') && plans.some((p) => p.ref !== 'main')).to.equal(true);
    for (const p of plans) {
      expect(p.facts.stages).to.be.within(2, 5);
      expect(p.facts.jobs).to.be.within(3, 20);
    }
    const dag = plans.filter((p) => p.facts.dag).length / plans.length;
    expect(dag).to.be.within(0.28, 0.42);
    const creates = plans.map((p) => p.ops[0]!.line as Extract<BulkLine, { op: 'create_pipeline' }>);
    const jobs = creates.flatMap((c) => c.definition.jobs);
    expect(jobs.some((j) => j.needs && j.needs.length > 0)).to.equal(true);
    expect(jobs.some((j) => j.when === 'manual')).to.equal(true);
    expect(jobs.some((j) => j.when === 'always') && jobs.some((j) => j.when === 'on_failure')).to.equal(true);
    expect(jobs.some((j) => j.allow_failure === true) && jobs.some((j) => j.retry !== undefined)).to.equal(true);

    // ~10% of first attempts fail, in every category, with GitLab's reasons and exit codes.
    const firstFailures =
      of('JobFailed').filter((e) => e.attempt === 1).length / of('JobStarted').filter((e) => e.attempt === 1).length;
    expect(firstFailures).to.be.within(0.07, 0.13);
    const failed = plans
      .flatMap((p) => p.ops.map((o) => o.line))
      .filter((l): l is Extract<BulkLine, { op: 'report' }> => l.op === 'report' && l.status === 'failed');
    const byCategory = plans.reduce<Record<string, number>>((acc, p) => {
      for (const [c, n] of Object.entries(p.facts.failures)) acc[c] = (acc[c] ?? 0) + n;
      return acc;
    }, {});
    expect(Object.keys(byCategory).sort()).to.deep.equal([...FAILURE_CATEGORIES].sort());
    expect(failed.some((l) => l.exit_code === 137)).to.equal(true);
    expect(new Set(failed.map((l) => l.failure_reason))).to.deep.equal(
      new Set(['script_failure', 'runner_system_failure', 'job_execution_timeout']),
    );
    expect(
      failed.every(
        (l) => typeof l.log_tail === 'string' && l.log_tail.length > 0 && Buffer.byteLength(l.log_tail) <= 64 * 1024,
      ),
    ).to.equal(true);

    // Flaky: failed, then passed on a retry of the same sha — automatically (retry rule) and by hand.
    const flaky = plans.reduce((n, p) => n + p.facts.flaky, 0);
    expect(flaky).to.be.greaterThan(15);
    expect(of('JobRetried').some((e) => e.automatic) && of('JobRetried').some((e) => !e.automatic)).to.equal(true);
    const passedLater = new Set(
      of('JobSucceeded')
        .filter((e) => e.attempt > 1)
        .map((e) => `${e.pipeline_id}/${e.name}`),
    );
    expect(of('JobFailed').filter((e) => passedLater.has(`${e.pipeline_id}/${e.name}`)).length).to.be.greaterThan(15);

    // Manual jobs: some played, some left; cancellations ~2%.
    expect(plans.reduce((n, p) => n + p.facts.plays, 0)).to.be.greaterThan(10);
    expect(of('JobManualActionRequired').length).to.be.greaterThan(plans.reduce((n, p) => n + p.facts.plays, 0));
    const cancels = plans.filter((p) => p.facts.canceled).length / plans.length;
    expect(cancels).to.be.within(0.005, 0.035);
    expect(new Set(plans.map((p) => p.final))).to.include.members(['success', 'failed', 'canceled']);

    // Queue times and durations from their distributions (ms).
    const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
    expect(median(of('JobStarted').map((e) => e.queued_ms))).to.be.within(2_000, 20_000);
    expect(median(of('JobSucceeded').map((e) => e.duration_ms))).to.be.within(30_000, 600_000);
    expect(Math.max(...of('JobStarted').map((e) => e.queued_ms))).to.be.greaterThan(60_000);
  });
});

describe('load generator: logs', () => {
  it('cuts a long log to the budget, keeping the labelled chunk even when it lies far before the tail', () => {
    const lines = Array.from({ length: 5000 }, (_, i) => `line ${i} ${'x'.repeat(40)}`);
    lines[100] = 'FATAL: the reason';
    const cut = cutLog(lines.join('\n'), 101, 101, 16_384);
    expect(Buffer.byteLength(cut)).to.be.at.most(16_384);
    expect(cut).to.include('FATAL: the reason');
    expect(cut.endsWith(lines[4999]!)).to.equal(true);
    const tailOnly = cutLog(lines.join('\n'), 4990, 4990, 16_384);
    expect(tailOnly).to.not.include('omitted');
    expect(classifyChunk('npm ERR! code ETARGET')).to.equal('dependency');
    expect(classifyChunk('Failures: expected true got false')).to.equal('test');
  });

  // The LogChunks data set lives beside the repository (../shared/data); a clone elsewhere has none to sample.
  (existsSync(DEFAULT_LOGS) ? it : it.skip)(
    'samples LogChunks lazily, each log ≤ 64 KiB with the runner line of its category',
    () => {
      const source = new LogChunksSource(DEFAULT_LOGS);
      expect(source.loaded).to.equal(false);
      const sample = source.sample('oom', 0.5);
      expect(source.loaded).to.equal(true);
      expect(Buffer.byteLength(sample)).to.be.at.most(64 * 1024);
      expect(sample.trimEnd().endsWith('exit code 137')).to.equal(true);
      for (const c of FAILURE_CATEGORIES)
        for (const u of [0, 0.3, 0.999]) expect(Buffer.byteLength(source.sample(c, u))).to.be.at.most(64 * 1024);
    },
  );
});
