// Test support: deterministic decide contexts, intake reports and definitions. Imports only core.
import type { CancelPipeline, CreatePipeline, IntakeEvent, PlayJob, ReportJob, RetryJob } from '../events/generated.js';
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

  /** running then success (or the given final status) of one job. */
  runs(jobRef: string, final: ReportJob['status'] = 'success', over: Partial<ReportJob> = {}): IntakeEvent[] {
    return [this.job(jobRef, 'running'), this.job(jobRef, final, over)];
  }
}
