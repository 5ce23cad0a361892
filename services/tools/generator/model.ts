// The load generator's scenario model: pure and seeded. N projects with their refs; per pipeline a
// GitLab-like definition (2–5 stages, 3–20 jobs, DAG `needs` some of the time, manual jobs, allow_failure,
// retry rules, `when: always|on_failure` jobs) and the ordered list of ingest operations (the NDJSON lines
// of POST /v1/reports:bulk) that drive it to its end: job durations and queue times from distributions,
// failures by category with a log tail, flaky jobs that pass on a retry of the same sha, manual jobs
// played sometimes, cancellations.
//
// Each pipeline is a small discrete-event simulation in which the pure decider of services/lib/core/pipeline
// plays the coordinator: a simulated runner only picks up a job the decider enqueued, as a real runner
// only gets what GitLab hands out. The ops are therefore legal by construction (a rejection throws: it is
// a bug here), and the model knows how many canonical events each op leads to. `OpStream` interleaves
// many pipelines by simulated time; the driver decides the wall-clock pacing.
import {
  decide,
  evolveAll,
  type DecideContext,
  type FinalStatus,
  type PipelineState,
} from '../../lib/core/pipeline/index.js';
import type { IntakeEvent } from '../../lib/core/events/generated.js';
import {
  commandRecord,
  createPipelineRecord,
  jobReportRecord,
  type ApiCreatePipeline,
  type ApiJob,
  type RecordContext,
} from '../../run/ingest/index.js';
import { FAILURE_CATEGORIES, SyntheticLogs, type FailureCategory, type LogSource } from './logs.js';
import { Rng } from './rng.js';

// ---------------------------------------------------------------------------------------------------
// Ops: the NDJSON lines of POST /v1/reports:bulk (occurred_at is added by the driver)

type Source = ApiCreatePipeline['source'];
export type ReportStatus = 'running' | 'success' | 'failed' | 'canceled';

export type BulkLine =
  | {
      op: 'create_pipeline';
      pipeline_id: string;
      project_id: string;
      ref: string;
      sha: string;
      source: Source;
      definition: { stages: string[]; jobs: ApiJob[] };
      occurred_at?: string;
    }
  | {
      op: 'report';
      pipeline_id: string;
      job: string;
      project_id: string;
      status: ReportStatus;
      runner_id?: string;
      failure_reason?: string;
      exit_code?: number;
      log_tail?: string;
      occurred_at?: string;
    }
  | { op: 'cancel'; pipeline_id: string; project_id: string; occurred_at?: string }
  | { op: 'retry' | 'play'; pipeline_id: string; job: string; project_id: string; occurred_at?: string };

export interface PlannedOp {
  /** Simulated milliseconds since the pipeline was created. */
  at: number;
  line: BulkLine;
  /** Canonical events the decider emits for it (from the simulation). */
  events: number;
}

/** What happened in a pipeline, for summaries and tests. */
export interface PipelineFacts {
  jobs: number;
  stages: number;
  dag: boolean;
  /** Job attempts that failed, by category. */
  failures: Partial<Record<FailureCategory, number>>;
  /** Jobs that failed, then passed on a retry (automatic or manual) of the same sha. */
  flaky: number;
  autoRetries: number;
  manualRetries: number;
  manualJobs: number;
  plays: number;
  /** The pipeline was canceled by a cancel command. */
  canceled: boolean;
  jobCancels: number;
}

export interface PipelinePlan {
  index: number;
  pipelineId: string;
  projectId: string;
  ref: string;
  sha: string;
  ops: PlannedOp[];
  /** Simulated duration: `at` of the last op. */
  spanMs: number;
  final: FinalStatus;
  facts: PipelineFacts;
}

/** An intake record for one line, built by ingest's own functions (what ingest would write for it). */
export function lineToRecord(line: BulkLine, c: RecordContext, logExcerpt: string | null = null): IntakeEvent {
  switch (line.op) {
    case 'create_pipeline':
      return createPipelineRecord(
        { project_id: line.project_id, ref: line.ref, sha: line.sha, source: line.source, definition: line.definition },
        c,
      );
    case 'report':
      return jobReportRecord(
        {
          status: line.status,
          runner_id: line.runner_id,
          failure_reason: line.failure_reason,
          exit_code: line.exit_code,
        },
        line.job,
        null,
        logExcerpt,
        c,
      );
    case 'cancel':
      return commandRecord('CancelPipeline', c);
    case 'retry':
      return commandRecord('RetryJob', c, line.job);
    case 'play':
      return commandRecord('PlayJob', c, line.job);
  }
}

// ---------------------------------------------------------------------------------------------------
// Options and the project population

export interface ModelOptions {
  seed: number;
  /** Mixed into pipeline ids only, so two runs of one seed send the same traffic under fresh ids. */
  idSalt?: string;
  projects?: number;
  projectPrefix?: string;
  /** Share of jobs whose first attempt fails (flaky ones included). */
  failureRate?: number;
  /** Share of those failures that are flaky: the same job passes on a retry of the same sha. */
  flakyShare?: number;
  /** Share of pipelines that get a cancel command while they run. */
  cancelRate?: number;
  /** Share of optional manual jobs somebody plays (blocking ones are always played). */
  playRate?: number;
  /** Share of pipelines using DAG `needs`. */
  dagRate?: number;
  /** Where failure logs come from (default: short synthetic logs). */
  logs?: LogSource;
}

type Required_ = Required<Omit<ModelOptions, 'logs'>> & { logs: LogSource };

export const MODEL_DEFAULTS = {
  idSalt: '',
  projects: 50,
  projectPrefix: 'loadgen/',
  failureRate: 0.1,
  flakyShare: 0.3,
  cancelRate: 0.02,
  playRate: 0.5,
  dagRate: 0.35,
} as const;

export interface Project {
  id: string;
  refs: string[];
  runners: string[];
  /** Relative traffic share (a few projects are busy, most are quiet). */
  weight: number;
}

const TEAMS = [
  'payments',
  'search',
  'platform',
  'mobile',
  'data',
  'infra',
  'growth',
  'billing',
  'identity',
  'docs',
  'checkout',
  'ml',
];
const APPS = ['api', 'web', 'worker', 'gateway', 'sdk', 'etl', 'cli', 'ui', 'scheduler', 'notifier', 'indexer', 'auth'];
const TOPICS = [
  'login',
  'cache',
  'retry',
  'export',
  'search',
  'i18n',
  'upgrade',
  'refactor',
  'flaky-fix',
  'metrics',
  'rate-limit',
  'dark-mode',
];

function makeProject(seed: number, p: number, prefix: string): Project {
  const r = new Rng(seed, 'project', p);
  const id = `${prefix}${String(p).padStart(3, '0')}-${r.pick(TEAMS)}-${r.pick(APPS)}`;
  const branches = r.int(1, 8);
  const refs = [
    'main',
    ...Array.from(
      { length: branches },
      (_, i) => `${r.pick(['feature', 'fix', 'chore'])}/${r.pick(TOPICS)}-${100 + p * 10 + i}`,
    ),
  ];
  const runners = Array.from({ length: r.int(1, 4) }, (_, i) => `${id.replace(/[^a-z0-9]+/gi, '-')}-runner-${i + 1}`);
  return { id, refs, runners, weight: 1 / Math.pow(p + 1, 0.8) };
}

// ---------------------------------------------------------------------------------------------------
// Pipeline shapes

interface StageSpec {
  name: string;
  jobs: readonly string[];
  /** Log-normal median (seconds) and σ of a successful job's duration. */
  duration: readonly [number, number];
  categories: Partial<Record<FailureCategory, number>>;
  /** Share of its jobs that may fail (allow_failure). */
  allowFailure: number;
}

const STAGES: readonly StageSpec[] = [
  {
    name: 'prepare',
    jobs: ['install-deps', 'cache-warmup', 'generate-code', 'fetch-fixtures'],
    duration: [40, 0.5],
    categories: { dependency: 5, network: 3, infra: 1, timeout: 0.5 },
    allowFailure: 0,
  },
  {
    name: 'build',
    jobs: ['compile', 'build-assets', 'build-image', 'webpack', 'cargo-build', 'go-build'],
    duration: [150, 0.6],
    categories: { compilation: 6, dependency: 3, oom: 1.5, network: 1, infra: 1, timeout: 0.5 },
    allowFailure: 0,
  },
  {
    name: 'lint',
    jobs: ['eslint', 'rubocop', 'typecheck', 'gofmt', 'license-check', 'prettier'],
    duration: [45, 0.5],
    categories: { lint: 8, compilation: 1, infra: 0.5, dependency: 0.5 },
    allowFailure: 0.25,
  },
  {
    name: 'test',
    jobs: ['rspec', 'jest', 'pytest', 'go-test', 'integration', 'e2e-chrome', 'unit', 'contract-tests', 'cypress'],
    duration: [240, 0.8],
    categories: { test: 8, timeout: 1.2, oom: 1, network: 0.8, infra: 0.8, compilation: 0.5, dependency: 0.5 },
    allowFailure: 0.05,
  },
  {
    name: 'security',
    jobs: ['sast', 'dependency-scan', 'secret-detection', 'container-scan'],
    duration: [90, 0.6],
    categories: { dependency: 3, network: 2, timeout: 1, infra: 1 },
    allowFailure: 0.3,
  },
  {
    name: 'package',
    jobs: ['package-gem', 'docker-push', 'helm-package', 'publish-npm'],
    duration: [60, 0.5],
    categories: { dependency: 2, network: 2, infra: 1, oom: 1 },
    allowFailure: 0,
  },
  {
    name: 'deploy',
    jobs: ['deploy-review', 'deploy-staging', 'smoke-test', 'deploy-production'],
    duration: [120, 0.6],
    categories: { network: 3, infra: 2, timeout: 2, dependency: 1 },
    allowFailure: 0,
  },
];
const STAGE = new Map(STAGES.map((s) => [s.name, s]));

const RETRY_RULES: readonly ApiJob['retry'][] = [
  1,
  2,
  { max: 2, when: ['runner_system_failure', 'stuck_or_timeout_failure'] },
  { max: 1, when: ['runner_system_failure', 'api_failure', 'unknown_failure'] },
  { max: 1, when: ['script_failure'] },
];

/** How a job's attempts end. `flaky`: the first attempt fails, a retry passes. */
type Outcome = { kind: 'success' } | { kind: 'fail' | 'flaky'; category: FailureCategory } | { kind: 'cancel' };

interface JobPlan {
  def: ApiJob;
  stage: StageSpec;
  outcome: Outcome;
  /** A manual job that blocks the pipeline (allow_failure: false): always played. */
  blocking: boolean;
}

const FAILURE: Record<FailureCategory, { reason: string; exit?: number }> = {
  test: { reason: 'script_failure', exit: 1 },
  compilation: { reason: 'script_failure', exit: 1 },
  dependency: { reason: 'script_failure', exit: 1 },
  lint: { reason: 'script_failure', exit: 1 },
  network: { reason: 'script_failure', exit: 1 },
  infra: { reason: 'runner_system_failure' },
  timeout: { reason: 'job_execution_timeout' },
  oom: { reason: 'script_failure', exit: 137 },
};

const JOB_TIMEOUT_MS = 3_600_000;

function shapeDefinition(r: Rng, o: Required_): { stages: string[]; jobs: JobPlan[]; dag: boolean } {
  const stageCount = r.int(2, 5);
  const optional = STAGES.filter((s) => s.name !== 'build' && s.name !== 'test');
  const chosen = new Set(['build', 'test', ...r.sample(optional, stageCount - 2).map((s) => s.name)]);
  const stages = STAGES.filter((s) => chosen.has(s.name));
  const jobCount = Math.max(stages.length, 3, Math.min(20, Math.round(r.logNormal(7, 0.5))));
  // Every stage gets a job; the rest go mostly to test.
  const perStage = stages.map(() => 1);
  for (let i = stages.length; i < jobCount; i++) {
    const k = r.weighted(stages.map((s, idx) => [idx, s.name === 'test' ? 4 : s.name === 'build' ? 1.5 : 1] as const));
    perStage[k]!++;
  }
  const dag = r.chance(o.dagRate);
  const jobs: JobPlan[] = [];
  stages.forEach((stage, si) => {
    const n = perStage[si]!;
    const base = r.sample(stage.jobs, Math.min(n, stage.jobs.length));
    const names = [...base];
    for (let k = 0; names.length < n; k++) names.push(`${base[k % base.length]} ${Math.floor(k / base.length) + 2}`); // parallel copies
    for (const name of names) {
      const def: ApiJob = { name, stage: stage.name };
      if (dag && si > 0 && r.chance(0.7)) {
        const earlier = jobs.filter((j) => j.def.stage !== stage.name).map((j) => j.def.name);
        def.needs = r.chance(0.05) ? [] : r.sample(earlier, r.int(1, Math.min(3, earlier.length)));
      }
      if (r.chance(stage.allowFailure)) def.allow_failure = true;
      if (r.chance(0.2)) def.retry = r.pick(RETRY_RULES);
      let blocking = false;
      if ((name === 'deploy-production' && r.chance(0.7)) || r.chance(0.03)) {
        def.when = 'manual';
        if (r.chance(0.1)) {
          def.allow_failure = false; // a gate: the pipeline waits for it
          blocking = true;
        } else delete def.allow_failure; // GitLab's default for manual jobs: allowed to fail
      }
      jobs.push({ def, stage, outcome: drawOutcome(r, stage, o), blocking });
    }
  });
  const last = stages[stages.length - 1]!;
  if (jobs.length < 20 && r.chance(0.1))
    jobs.push({
      def: { name: 'cleanup', stage: last.name, when: 'always' },
      stage: last,
      outcome: drawOutcome(r, last, o),
      blocking: false,
    });
  if (jobs.length < 20 && r.chance(0.08))
    jobs.push({
      def: { name: 'notify-failure', stage: last.name, when: 'on_failure' },
      stage: last,
      outcome: { kind: 'success' },
      blocking: false,
    });
  return { stages: stages.map((s) => s.name), jobs, dag };
}

function drawOutcome(r: Rng, stage: StageSpec, o: Required_): Outcome {
  const x = r.next();
  if (x < o.failureRate * o.flakyShare)
    return {
      kind: 'flaky',
      category: r.weighted([
        ['infra', 5],
        ['test', 3.5],
        ['network', 1.5],
      ] as const),
    };
  if (x < o.failureRate) {
    const weights = FAILURE_CATEGORIES.map((c) => [c, stage.categories[c] ?? 0.2] as const);
    return { kind: 'fail', category: r.weighted(weights) };
  }
  if (x < o.failureRate + 0.004) return { kind: 'cancel' };
  return { kind: 'success' };
}

// ---------------------------------------------------------------------------------------------------
// A min-heap by (time, seq): the simulation's agenda and the stream's merge

class Agenda<T> {
  private items: { t: number; seq: number; v: T }[] = [];
  private seq = 0;

  get size(): number {
    return this.items.length;
  }

  push(t: number, v: T, seq = this.seq++): void {
    const a = this.items;
    a.push({ t, seq, v });
    for (let i = a.length - 1; i > 0;) {
      const p = (i - 1) >> 1;
      if (!this.less(a[i]!, a[p]!)) break;
      [a[i], a[p]] = [a[p]!, a[i]!];
      i = p;
    }
  }

  peek(): { t: number; v: T } | undefined {
    return this.items[0];
  }

  pop(): { t: number; v: T } | undefined {
    const a = this.items;
    const top = a[0];
    const end = a.pop();
    if (a.length > 0 && end) {
      a[0] = end;
      for (let i = 0; ;) {
        const l = 2 * i + 1;
        const rr = l + 1;
        let m = i;
        if (l < a.length && this.less(a[l]!, a[m]!)) m = l;
        if (rr < a.length && this.less(a[rr]!, a[m]!)) m = rr;
        if (m === i) break;
        [a[i], a[m]] = [a[m]!, a[i]!];
        i = m;
      }
    }
    return top;
  }

  private less(x: { t: number; seq: number }, y: { t: number; seq: number }): boolean {
    return x.t < y.t || (x.t === y.t && x.seq < y.seq);
  }
}

// ---------------------------------------------------------------------------------------------------
// The simulation of one pipeline

type Step =
  | { kind: 'start'; jobId: string }
  | { kind: 'finish'; jobId: string; status: 'success' | 'failed' | 'canceled'; category?: FailureCategory }
  | { kind: 'play'; jobId: string }
  | { kind: 'retry'; jobId: string }
  | { kind: 'cancel' };

const SIM_EPOCH = Date.parse('2026-01-01T00:00:00.000Z');
const counterUuid = (prefix: string, n: number) => `${prefix}-0000-4000-8000-${n.toString(16).padStart(12, '0')}`;

class PipelineSim {
  private state: PipelineState | null = null;
  private readonly agenda = new Agenda<Step>();
  private readonly ops: PlannedOp[] = [];
  private readonly plans: Map<string, JobPlan>;
  private readonly manualRetried = new Set<string>();
  private canceled = false;
  private ids = 0;
  private readonly ctx: DecideContext;
  readonly facts: PipelineFacts;

  constructor(
    private readonly r: Rng,
    private readonly o: Required_,
    private readonly project: Project,
    private readonly pipelineId: string,
    private readonly jobs: JobPlan[],
    stages: string[],
    dag: boolean,
  ) {
    this.plans = new Map(jobs.map((j) => [j.def.name, j]));
    this.ctx = {
      now: new Date(SIM_EPOCH).toISOString(),
      newEventId: () => counterUuid('eeeeeeee', ++this.ids),
      newJobId: () => counterUuid('cccccccc', ++this.ids),
    };
    this.facts = {
      jobs: jobs.length,
      stages: stages.length,
      dag,
      failures: {},
      flaky: 0,
      autoRetries: 0,
      manualRetries: 0,
      manualJobs: jobs.filter((j) => j.def.when === 'manual').length,
      plays: 0,
      canceled: false,
      jobCancels: 0,
    };
  }

  run(create: BulkLine, cancelAt: number | null): { ops: PlannedOp[]; final: FinalStatus } {
    this.apply(0, create);
    if (cancelAt !== null) this.agenda.push(cancelAt, { kind: 'cancel' });
    for (let next = this.agenda.pop(); next; next = this.agenda.pop()) this.step(next.t, next.v);
    const s = this.state!;
    if (!s.finished)
      throw new Error(`load generator model: pipeline ${this.pipelineId} ends ${s.status}, not finished`);
    return { ops: this.ops, final: s.status as FinalStatus };
  }

  private base() {
    return { pipeline_id: this.pipelineId, project_id: this.project.id };
  }

  /** Decides the op against the state; a rejection is a bug of this model. */
  private apply(at: number, line: BulkLine): void {
    const n = ++this.ids;
    const id = counterUuid('aaaaaaaa', n);
    const c: RecordContext = {
      reportId: id,
      pipelineId: this.pipelineId,
      projectId: this.project.id,
      now: this.ctx.now,
      producer: 'loadgen-model',
      correlationId: id,
      idempotencyKey: null,
      occurredAt: new Date(SIM_EPOCH + at).toISOString(),
    };
    const decision = decide(this.state, lineToRecord(line, c), this.ctx);
    if (decision.kind === 'rejected')
      throw new Error(
        `load generator model: ${line.op} ${'job' in line ? line.job : ''} rejected: ${decision.code} ${decision.message}`,
      );
    this.state = evolveAll(this.state, decision.events);
    this.ops.push({ at, line, events: decision.events.length });
    const retried = new Set(
      decision.events.filter((e) => e.type === 'JobRetried' && e.automatic).map((e) => ('job_id' in e ? e.job_id : '')),
    );
    for (const e of decision.events) {
      if (e.type === 'JobEnqueued') this.agenda.push(at + this.queueTime(), { kind: 'start', jobId: e.job_id });
      else if (e.type === 'JobManualActionRequired') {
        const plan = this.plans.get(e.name);
        if (plan?.blocking || this.r.chance(this.o.playRate))
          this.agenda.push(at + 20_000 + Math.round(this.r.exponential(600_000)), { kind: 'play', jobId: e.job_id });
      } else if (e.type === 'JobFailed') {
        if (retried.has(e.job_id)) {
          this.facts.autoRetries++;
          continue;
        }
        const plan = this.plans.get(e.name);
        if (!plan || this.manualRetried.has(e.name)) continue;
        // Somebody retries a flaky failure most of the time, a real one now and then (it fails again).
        if (this.r.chance(plan.outcome.kind === 'flaky' ? 0.7 : 0.15)) {
          this.manualRetried.add(e.name);
          this.agenda.push(at + 30_000 + Math.round(this.r.exponential(300_000)), { kind: 'retry', jobId: e.job_id });
        }
      }
    }
  }

  private queueTime(): number {
    return Math.round(this.r.chance(0.9) ? this.r.exponential(6_000) : this.r.exponential(90_000)) + 200;
  }

  private step(at: number, s: Step): void {
    const state = this.state!;
    if (s.kind === 'cancel') {
      const cancelable = Object.values(state.latest).some((id) =>
        ['created', 'pending', 'running', 'manual'].includes(state.jobs[id]!.status),
      );
      if (state.finished || !cancelable) return;
      this.canceled = this.facts.canceled = true;
      this.apply(at, { op: 'cancel', ...this.base() });
      return;
    }
    const job = state.jobs[s.jobId];
    if (!job || job.retried) return;
    const plan = this.plans.get(job.name)!;
    switch (s.kind) {
      case 'start': {
        if (job.status !== 'pending') return;
        const runner = this.r.chance(0.7) ? `shared-runner-${this.r.int(1, 40)}` : this.r.pick(this.project.runners);
        this.apply(at, { op: 'report', ...this.base(), job: job.name, status: 'running', runner_id: runner });
        this.scheduleFinish(at, job.job_id, job.attempt, plan);
        return;
      }
      case 'finish': {
        if (job.status !== 'running') return;
        if (s.status === 'failed') {
          const category = s.category!;
          const f = FAILURE[category];
          this.facts.failures[category] = (this.facts.failures[category] ?? 0) + 1;
          const log = this.o.logs.sample(category, this.r.next());
          this.apply(at, {
            op: 'report',
            ...this.base(),
            job: job.name,
            status: 'failed',
            failure_reason: f.reason,
            ...(f.exit === undefined ? {} : { exit_code: f.exit }),
            log_tail: log,
          });
        } else {
          if (s.status === 'canceled') this.facts.jobCancels++;
          if (s.status === 'success' && job.attempt > 1 && plan.outcome.kind === 'flaky') this.facts.flaky++;
          this.apply(at, { op: 'report', ...this.base(), job: job.name, status: s.status });
        }
        return;
      }
      case 'play':
        if (this.canceled || job.status !== 'manual') return;
        this.facts.plays++;
        this.apply(at, { op: 'play', ...this.base(), job: job.name });
        return;
      case 'retry':
        if (this.canceled || !['success', 'failed', 'canceled'].includes(job.status)) return;
        this.facts.manualRetries++;
        this.apply(at, { op: 'retry', ...this.base(), job: job.name });
        return;
    }
  }

  private scheduleFinish(at: number, jobId: string, attempt: number, plan: JobPlan): void {
    const [median, sigma] = plan.stage.duration;
    const ok = Math.round(Math.min(2_700_000, this.r.logNormal(median * 1000, sigma))) + 1000;
    const o = plan.outcome;
    if (o.kind === 'success' || (o.kind === 'flaky' && attempt > 1))
      return this.agenda.push(at + ok, { kind: 'finish', jobId, status: 'success' });
    if (o.kind === 'cancel')
      return this.agenda.push(at + Math.round(ok * this.r.uniform(0.1, 0.9)), {
        kind: 'finish',
        jobId,
        status: 'canceled',
      });
    const took =
      o.category === 'timeout'
        ? JOB_TIMEOUT_MS
        : o.category === 'infra'
          ? 5_000 + Math.round(this.r.exponential(30_000))
          : Math.round(ok * this.r.uniform(o.category === 'oom' ? 0.5 : 0.2, 1));
    this.agenda.push(at + took, { kind: 'finish', jobId, status: 'failed', category: o.category });
  }
}

// ---------------------------------------------------------------------------------------------------
// The model

export class ScenarioModel {
  readonly options: Required_;
  readonly projects: Project[];
  private readonly projectWeights: (readonly [number, number])[];

  constructor(options: ModelOptions) {
    this.options = { ...MODEL_DEFAULTS, logs: new SyntheticLogs(), ...stripUndefined(options) } as Required_;
    const n = this.options.projects;
    if (!Number.isInteger(n) || n < 1) throw new Error(`projects must be a positive integer, got ${n}`);
    this.projects = Array.from({ length: n }, (_, p) => makeProject(this.options.seed, p, this.options.projectPrefix));
    this.projectWeights = this.projects.map((p, i) => [i, p.weight] as const);
  }

  /** Pipeline number `index` of the run: a pure function of (seed, index); the salt changes only its id. */
  pipeline(index: number): PipelinePlan {
    const o = this.options;
    const r = new Rng(o.seed, 'pipeline', index);
    const pipelineId = new Rng(o.seed, o.idSalt, 'pipeline-id', index).uuid();
    const project = this.projects[r.weighted(this.projectWeights)]!;
    const onMain = r.chance(0.45);
    const ref = onMain ? 'main' : r.pick(project.refs.slice(1));
    const source: Source = onMain
      ? r.weighted([
          ['push', 8],
          ['schedule', 1],
          ['web', 0.5],
          ['api', 0.5],
        ] as const)
      : r.weighted([
          ['push', 5],
          ['merge_request_event', 4],
          ['web', 0.5],
        ] as const);
    const sha = r.hex(40);
    const { stages, jobs, dag } = shapeDefinition(r, o);
    const create: BulkLine = {
      op: 'create_pipeline',
      pipeline_id: pipelineId,
      project_id: project.id,
      ref,
      sha,
      source,
      definition: { stages, jobs: jobs.map((j) => j.def) },
    };
    // A cancel lands somewhere in the expected run time (if the pipeline is still running then).
    const expected = stages.reduce((ms, s) => ms + (STAGE.get(s)?.duration[0] ?? 60) * 1000 + 6_000, 0);
    const cancelAt = r.chance(o.cancelRate) ? Math.round(expected * r.uniform(0.05, 0.9)) : null;
    const sim = new PipelineSim(r, o, project, pipelineId, jobs, stages, dag);
    const { ops, final } = sim.run(create, cancelAt);
    return {
      index,
      pipelineId,
      projectId: project.id,
      ref,
      sha,
      ops,
      spanMs: ops[ops.length - 1]!.at,
      final,
      facts: sim.facts,
    };
  }
}

function stripUndefined<T extends object>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
}

// ---------------------------------------------------------------------------------------------------
// The stream: many pipelines interleaved by simulated time

export interface StreamItem {
  plan: PipelinePlan;
  op: PlannedOp;
  /** Position of the op in its pipeline. */
  opIndex: number;
  last: boolean;
  /** Simulated time of the op on the stream's clock. */
  simAt: number;
}

export interface StreamOptions {
  /** Pipelines in progress at once (a closed population: one ends, the next starts). */
  active: number;
  /** Stop after this many pipelines (all their ops included). */
  maxPipelines?: number;
}

/**
 * A pure, deterministic merge of many pipelines' ops by simulated time. `active` pipelines run at
 * once; the first ones start spread over ten simulated minutes, each later one when another ends.
 */
export class OpStream {
  private readonly agenda = new Agenda<{ plan: PipelinePlan; start: number; i: number }>();
  private readonly arrivals: Rng;
  private nextIndex = 0;
  private starting = true;
  private clock = 0;
  /** Ops of started pipelines not yet handed out. */
  remaining = 0;

  constructor(
    private readonly model: ScenarioModel,
    private readonly opts: StreamOptions,
  ) {
    if (!Number.isInteger(opts.active) || opts.active < 1)
      throw new Error(`active must be a positive integer, got ${opts.active}`);
    this.arrivals = new Rng(model.options.seed, 'arrivals');
    let t = 0;
    for (let k = 0; k < opts.active; k++) {
      this.start(Math.round(t));
      t += this.arrivals.exponential(600_000 / opts.active);
    }
  }

  get pipelinesStarted(): number {
    return this.nextIndex;
  }

  /** No new pipeline starts; the ones in progress run to their end. */
  stopStarting(): void {
    this.starting = false;
  }

  next(): StreamItem | undefined {
    const top = this.agenda.pop();
    if (!top) return undefined;
    const { plan, start, i } = top.v;
    this.clock = top.t;
    this.remaining--;
    const last = i === plan.ops.length - 1;
    if (!last) this.agenda.push(start + plan.ops[i + 1]!.at, { plan, start, i: i + 1 }, plan.index * 1024 + i + 1);
    else this.start(this.clock + Math.round(this.arrivals.exponential(2_000)));
    return { plan, op: plan.ops[i]!, opIndex: i, last, simAt: top.t };
  }

  private start(at: number): void {
    if (!this.starting || (this.opts.maxPipelines !== undefined && this.nextIndex >= this.opts.maxPipelines)) return;
    const plan = this.model.pipeline(this.nextIndex++);
    this.remaining += plan.ops.length;
    this.agenda.push(at, { plan, start: at, i: 0 }, plan.index * 1024);
  }
}
