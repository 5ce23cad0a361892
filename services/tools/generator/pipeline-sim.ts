// The simulation of one pipeline: a small discrete-event simulation in which the pure decider of
// services/lib/core/pipeline plays the coordinator. A simulated runner only picks up a job the decider
// enqueued, as a real runner only gets what GitLab hands out; jobs run for their drawn durations and end as
// planned, somebody plays manual jobs and retries failures now and then, a cancel may come. Every op is
// decided against the state, so the ops are legal by construction (a rejection throws: it is a bug here),
// and each op carries the number of canonical events it leads to.
import {
  decide,
  evolveAll,
  type DecideContext,
  type FinalStatus,
  type PipelineState,
} from '../../lib/core/pipeline/index.js';
import type { RecordContext } from '../../run/ingest/index.js';
import { Agenda } from './agenda.js';
import type { FailureCategory } from './logs.js';
import { lineToRecord, type BulkLine, type PipelineFacts, type PlannedOp } from './ops.js';
import type { Project, ResolvedModelOptions } from './projects.js';
import type { Rng } from './rng.js';
import type { JobPlan } from './shapes.js';

type Step =
  | { kind: 'start'; jobId: string }
  | { kind: 'finish'; jobId: string; status: 'success' | 'failed' | 'canceled'; category?: FailureCategory }
  | { kind: 'play'; jobId: string }
  | { kind: 'retry'; jobId: string }
  | { kind: 'cancel' };

const SIM_EPOCH = Date.parse('2026-01-01T00:00:00.000Z');
const counterUuid = (prefix: string, n: number) => `${prefix}-0000-4000-8000-${n.toString(16).padStart(12, '0')}`;

/** How a failure of each category is reported: its failure_reason and exit code. */
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

export class PipelineSim {
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
    private readonly o: ResolvedModelOptions,
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
      const latest = Object.values(state.latest).map((id) => state.jobs[id]!);
      if (state.finished || !latest.some((j) => ['created', 'pending', 'running', 'manual'].includes(j.status))) return;
      this.canceled = this.facts.canceled = true;
      if (latest.some((j) => ['created', 'pending', 'running'].includes(j.status)))
        this.apply(at, { op: 'cancel', ...this.base() });
      // GitLab's pipeline cancel leaves a blocking manual job manual (the pipeline waits on it): whoever
      // canceled the pipeline cancels those jobs too.
      for (const job of Object.values(this.state!.latest).map((id) => this.state!.jobs[id]!))
        if (job.status === 'manual' && !job.allow_failure)
          this.apply(at, { op: 'cancel_job', ...this.base(), job: job.name });
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
