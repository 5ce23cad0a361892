// Test support: deterministic decide contexts, intake reports and definitions. Imports only core.
import type {
  AssignResource,
  AutoCancel,
  CancelJob,
  DownstreamStatus,
  CancelPipeline,
  CreatePipeline,
  IntakeEvent,
  PlayJob,
  ReportJob,
  RetryJob,
  RetryPipeline,
  Tick,
  UnscheduleJob,
} from '../events/generated.js';
import type { DecideContext } from './decision.js';
import type { Definition, JobDefinition } from './definition.js';

export const PIPELINE_ID = '0193a1b2-c3d4-7e5f-8a9b-000000000001';
export const PROJECT_ID = 'acme/shop';
const T0 = Date.parse('2026-11-28T10:00:00.000Z');
export const NOW = '2026-11-28T12:00:00.000Z';

/** A UUID-shaped id: a 2-hex-digit kind prefix and a counter. */
export function testId(kind: string, n: number): string {
  return `${kind}000000-0000-7000-8000-${n.toString(16).padStart(12, '0')}`;
}

export type TestContext = DecideContext & { eventIds: number; jobIds: number };

/** Counters for event ids ("0e…") and job ids ("0a…"), a fixed decider clock. */
export function testContext(now = NOW): TestContext {
  const ctx = {
    now,
    eventIds: 0,
    jobIds: 0,
    newEventId: () => testId('0e', ++ctx.eventIds),
    newJobId: () => testId('0a', ++ctx.jobIds),
  };
  return ctx;
}

type JobOptions = Partial<Omit<JobDefinition, 'name' | 'stage'>>;

export function job(name: string, stage: string, options: JobOptions = {}): JobDefinition {
  return {
    name,
    stage,
    needs: null,
    when: 'on_success',
    allow_failure: false,
    retry: { max: 0, when: ['always'] },
    ...options,
  };
}

export function definition(stages: string[], jobs: JobDefinition[]): Definition {
  return { stages, jobs } as Definition;
}

/** Builds the reports of one pipeline; each is 10 s after the previous one (producer clock). */
export class Reports {
  private n = 0;
  private t = T0;

  constructor(
    readonly pipeline_id = PIPELINE_ID,
    readonly project_id = PROJECT_ID,
  ) {}

  /** Lets the producer clock run on. */
  wait(seconds: number): this {
    this.t += seconds * 1000;
    return this;
  }

  private envelope() {
    this.n += 1;
    this.t += 10_000;
    return {
      report_id: testId('0b', this.n),
      pipeline_id: this.pipeline_id,
      project_id: this.project_id,
      occurred_at: new Date(this.t).toISOString(),
      received_at: new Date(this.t + 5).toISOString(),
      idempotency_key: null,
      producer: 'test',
      correlation_id: testId('0c', this.n),
    };
  }

  create(def: Definition, over: Partial<CreatePipeline> = {}): CreatePipeline {
    return {
      type: 'CreatePipeline',
      ...this.envelope(),
      ref: 'main',
      sha: '9f86d081884c7d659a2feaa0c55ad015a3bf4f1b',
      source: 'push',
      definition: def,
      ...over,
    };
  }

  job(jobRef: string, status: ReportJob['status'], over: Partial<ReportJob> = {}): ReportJob {
    return {
      type: 'ReportJob',
      ...this.envelope(),
      job: jobRef,
      status,
      runner_id: status === 'running' ? 'runner-1' : null,
      failure_reason: status === 'failed' ? 'script_failure' : null,
      exit_code: status === 'failed' ? 1 : null,
      log: null,
      log_excerpt: null,
      ...over,
    };
  }

  cancel(over: Partial<CancelPipeline> = {}): CancelPipeline {
    return { type: 'CancelPipeline', ...this.envelope(), ...over };
  }

  retry(jobRef: string, over: Partial<RetryJob> = {}): RetryJob {
    return { type: 'RetryJob', ...this.envelope(), job: jobRef, ...over };
  }

  play(jobRef: string, over: Partial<PlayJob> = {}): PlayJob {
    return { type: 'PlayJob', ...this.envelope(), job: jobRef, ...over };
  }

  cancelJob(jobRef: string, over: Partial<CancelJob> = {}): CancelJob {
    return { type: 'CancelJob', ...this.envelope(), job: jobRef, ...over };
  }

  retryPipeline(over: Partial<RetryPipeline> = {}): RetryPipeline {
    return { type: 'RetryPipeline', ...this.envelope(), ...over };
  }

  unschedule(jobRef: string, over: Partial<UnscheduleJob> = {}): UnscheduleJob {
    return { type: 'UnscheduleJob', ...this.envelope(), job: jobRef, ...over };
  }

  /**
   * The timer's report, `seconds` after the decider clock of the test context (NOW): due times are on the
   * decider's clock (the recorded_at of the events that started them).
   */
  tick(seconds: number, over: Partial<Tick> = {}): Tick {
    const at = new Date(Date.parse(NOW) + seconds * 1000).toISOString();
    return { type: 'Tick', ...this.envelope(), occurred_at: at, received_at: at, ...over };
  }

  /** The producer clock of the last report built. */
  get clock(): string {
    return new Date(this.t).toISOString();
  }

  /** The coordinator granting a resource group's resource to a job. */
  assign(jobId: string, group = 'production', over: Partial<AssignResource> = {}): AssignResource {
    return { type: 'AssignResource', ...this.envelope(), job: jobId, resource_group: group, ...over };
  }

  /** The coordinator: a newer pipeline on the same ref makes this one redundant. */
  autoCancel(byPipelineId: string, over: Partial<AutoCancel> = {}): AutoCancel {
    return { type: 'AutoCancel', ...this.envelope(), by_pipeline_id: byPipelineId, ...over };
  }

  /** A downstream pipeline's decider: how the pipeline a trigger job created finished. */
  downstream(
    jobId: string,
    downstreamId: string,
    status: DownstreamStatus['status'],
    finished = true,
    over: Partial<DownstreamStatus> = {},
  ): DownstreamStatus {
    return {
      type: 'DownstreamStatus',
      ...this.envelope(),
      job: jobId,
      downstream_pipeline_id: downstreamId,
      status,
      finished,
      ...over,
    };
  }

  /** running then success (or the given final status) of one job. */
  runs(jobRef: string, final: ReportJob['status'] = 'success', over: Partial<ReportJob> = {}): IntakeEvent[] {
    return [this.job(jobRef, 'running'), this.job(jobRef, final, over)];
  }
}
