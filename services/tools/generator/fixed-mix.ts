// The benchmarks' fixed event mix (QUALITY.md): pipelines of one stage and three jobs; each job runs and
// passes, except one job in five pipelines that fails with a 4 KiB log excerpt. Seeded, so a run is
// reproducible; the same traffic both as intake records (straight to Kafka) and as bulk NDJSON lines
// (through the ingest API). The realistic traffic of the demo and the soak is model.ts's.
import type { IntakeEvent } from '../../lib/core/events/generated.js';
import { Rng } from './rng.js';

// 80 lines cut to exactly 4 KiB (the old 64 lines came to 3,651 bytes, short of the mix it claimed).
const EXCERPT = Array.from(
  { length: 80 },
  (_, i) => `[${String(i).padStart(4, '0')}] FAILED spec/models/user_spec.rb:${40 + i} expected valid`,
)
  .join('\n')
  .slice(0, 4096);

export interface FixedMix {
  records: IntakeEvent[];
  /** The same traffic as bulk NDJSON lines for the ingest API. */
  lines: string[];
}

export function fixedMix(pipelines: number, seed = 42): FixedMix {
  const r = new Rng(seed, 'fixed-mix');
  const records: IntakeEvent[] = [];
  const lines: string[] = [];
  const now = '2026-11-28T00:00:00.000Z';
  for (let i = 0; i < pipelines; i++) {
    const pipelineId = r.uuid();
    const project = `bench/project-${i % 50}`;
    const env = () => {
      const id = r.uuid();
      return {
        report_id: id,
        pipeline_id: pipelineId,
        project_id: project,
        occurred_at: now,
        received_at: now,
        idempotency_key: null,
        producer: 'bench',
        correlation_id: id,
      };
    };
    const jobs = ['rspec', 'jest', 'lint'];
    records.push({
      type: 'CreatePipeline',
      ...env(),
      ref: `refs/heads/branch-${i % 200}`,
      sha: r.hex(40),
      source: 'push',
      definition: {
        stages: ['test'],
        jobs: jobs.map((name) => ({
          name,
          stage: 'test',
          needs: null,
          when: 'on_success',
          allow_failure: false,
          retry: { max: 0, when: ['always'] },
        })),
        // 200 refs for thousands of pipelines: without this, newer pipelines would auto-cancel older ones.
        workflow: { auto_cancel: { on_new_commit: 'none' } },
      },
    });
    lines.push(
      JSON.stringify({
        op: 'create_pipeline',
        pipeline_id: pipelineId,
        project_id: project,
        ref: `refs/heads/branch-${i % 200}`,
        sha: r.hex(40),
        definition: { stages: ['test'], jobs: jobs.map((name) => ({ name, stage: 'test' })) },
      }),
    );
    const failing = i % 5 === 0 ? jobs[r.int(0, 2)] : undefined;
    for (const job of jobs) {
      records.push({
        type: 'ReportJob',
        ...env(),
        job,
        status: 'running',
        runner_id: `runner-${i % 16}`,
        failure_reason: null,
        exit_code: null,
        log: null,
        log_excerpt: null,
      });
      lines.push(
        JSON.stringify({
          op: 'report',
          pipeline_id: pipelineId,
          job,
          project_id: project,
          status: 'running',
          runner_id: `runner-${i % 16}`,
        }),
      );
      if (job === failing) {
        records.push({
          type: 'ReportJob',
          ...env(),
          job,
          status: 'failed',
          runner_id: null,
          failure_reason: 'script_failure',
          exit_code: 1,
          log: null,
          log_excerpt: EXCERPT,
        });
        lines.push(
          JSON.stringify({
            op: 'report',
            pipeline_id: pipelineId,
            job,
            project_id: project,
            status: 'failed',
            failure_reason: 'script_failure',
            exit_code: 1,
            log_tail: EXCERPT,
          }),
        );
      } else {
        records.push({
          type: 'ReportJob',
          ...env(),
          job,
          status: 'success',
          runner_id: null,
          failure_reason: null,
          exit_code: null,
          log: null,
          log_excerpt: null,
        });
        lines.push(
          JSON.stringify({ op: 'report', pipeline_id: pipelineId, job, project_id: project, status: 'success' }),
        );
      }
    }
  }
  return { records, lines };
}
