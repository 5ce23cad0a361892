// Test support: ObservePipeline and AttachJobLog reports of one GitLab pipeline, as the webhook adapters
// would write them. Job ids are stable per (name, attempt), like the adapters' UUIDv5 of the build id.
import type { AttachJobLog, ObservePipeline } from '../events/generated.js';
import { PIPELINE_ID, PROJECT_ID, testId } from './fixtures.js';

type ObservedJob = ObservePipeline['jobs'][number];
type Facts = NonNullable<ObservePipeline['pipeline']>;
export type JobObservation = Pick<ObservedJob, 'name' | 'status'> & Partial<ObservedJob>;

export const T = (minute: number, second = 0): string =>
  new Date(Date.parse('2026-11-28T10:00:00.000Z') + minute * 60_000 + second * 1000).toISOString();

export class Observations {
  private n = 0;
  private readonly ids = new Map<string, number>();

  constructor(
    readonly pipeline_id = PIPELINE_ID,
    readonly project_id = PROJECT_ID,
  ) {}

  /** The id of a job attempt (stable, like the adapters'). */
  jobId(name: string, attempt = 1): string {
    const key = `${name}#${attempt}`;
    if (!this.ids.has(key)) this.ids.set(key, this.ids.size + 1);
    return testId('0d', this.ids.get(key)!);
  }

  private envelope(deliveryId?: string) {
    this.n += 1;
    return {
      report_id: deliveryId ?? testId('0f', this.n),
      pipeline_id: this.pipeline_id,
      project_id: this.project_id,
      occurred_at: T(30, this.n),
      received_at: T(30, this.n),
      idempotency_key: null,
      producer: 'gitlab-hook',
      correlation_id: testId('0c', this.n),
    };
  }

  job(o: JobObservation): ObservedJob {
    const attempt = o.attempt ?? 1;
    const id = this.jobId(o.name, attempt);
    return {
      job_id: id,
      external_id: String(1000 + Number.parseInt(id.slice(-4), 16)),
      url: null,
      stage: 'test',
      failure_reason: null,
      allow_failure: false,
      attempt,
      runner: null,
      user: null,
      queued_at: null,
      started_at: null,
      finished_at: null,
      duration_ms: null,
      queued_duration_ms: null,
      exit_code: null,
      observed_at: o.finished_at ?? o.started_at ?? o.queued_at ?? T(0),
      ...o,
    };
  }

  facts(over: Partial<Facts> = {}): Facts {
    return {
      ref: 'main',
      sha: '9f86d081884c7d659a2feaa0c55ad015a3bf4f1b',
      source: 'push',
      status: null,
      stages: null,
      name: null,
      user: 'alice',
      created_at: null,
      finished_at: null,
      attempt: null,
      observed_at: T(0),
      ...over,
    };
  }

  /** One delivery: the pipeline facts (ref and sha at least, as every GitLab hook has) and some jobs. */
  observe(
    jobs: JobObservation[],
    facts: Partial<Facts> | null = {},
    over: Partial<ObservePipeline> = {},
  ): ObservePipeline {
    return {
      type: 'ObservePipeline',
      ...this.envelope(),
      system: 'gitlab',
      external: { system: 'gitlab', instance: 'https://gitlab.example.com', id: '4711', url: null },
      pipeline: facts === null ? null : this.facts(facts),
      jobs: jobs.map((j) => this.job(j)),
      ...over,
    };
  }

  attachLog(job: string, over: Partial<AttachJobLog> = {}): AttachJobLog {
    return {
      type: 'AttachJobLog',
      ...this.envelope(),
      job,
      log: { ref: `logs/${job}`, bytes: 12, sha256: 'a'.repeat(64) },
      log_excerpt: 'npm ERR! test failed',
      fetch_error: null,
      ...over,
    };
  }
}

const build = { name: 'build', stage: 'build' } as const;
const rspec = { name: 'rspec', stage: 'test' } as const;

/** The five deliveries of one GitLab pipeline: build, then rspec, which fails and passes on its retry. */
export function fiveDeliveries(o: Observations): ObservePipeline[] {
  return [
    o.observe(
      [
        { ...build, status: 'pending', queued_at: T(0) },
        { ...rspec, status: 'created' },
      ],
      {
        status: 'pending',
        stages: ['build', 'test'],
        created_at: T(0),
      },
    ),
    o.observe([{ ...build, status: 'running', queued_at: T(0), started_at: T(1), runner: 'r-1' }]),
    o.observe([{ ...build, status: 'success', queued_at: T(0), started_at: T(1), finished_at: T(3), runner: 'r-1' }]),
    o.observe([
      {
        ...rspec,
        status: 'failed',
        queued_at: T(3),
        started_at: T(4),
        finished_at: T(6),
        failure_reason: 'script_failure',
      },
    ]),
    o.observe([{ ...rspec, attempt: 2, status: 'success', queued_at: T(7), started_at: T(7), finished_at: T(9) }], {
      status: 'success',
      stages: ['build', 'test'],
      created_at: T(0),
      finished_at: T(9),
      observed_at: T(9),
    }),
  ];
}

export function* permutations<T>(items: T[]): Generator<T[]> {
  if (items.length <= 1) {
    yield items;
    return;
  }
  for (let i = 0; i < items.length; i++) {
    const rest = [...items.slice(0, i), ...items.slice(i + 1)];
    for (const p of permutations(rest)) yield [items[i]!, ...p];
  }
}
