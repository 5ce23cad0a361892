// Deterministic benchmark traffic: pipelines of one stage and three jobs; each job runs and passes,
// except one job in five pipelines that fails with a 4 KiB log excerpt (QUALITY.md's event mix).
import type { IntakeEvent } from '../../services/lib/core/events/generated.js';

/** mulberry32: small seeded PRNG, so a run is reproducible. */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const hex = (r: () => number, n: number) => Array.from({ length: n }, () => Math.floor(r() * 16).toString(16)).join('');
const uuid = (r: () => number) => `${hex(r, 8)}-${hex(r, 4)}-7${hex(r, 3)}-a${hex(r, 3)}-${hex(r, 12)}`;
const EXCERPT = Array.from({ length: 64 }, (_, i) => `[${String(i).padStart(4, '0')}] FAILED spec/models/user_spec.rb:${40 + i} expected valid`).join('\n').slice(0, 4096);

export interface Traffic {
  records: IntakeEvent[];
  /** The same traffic as bulk NDJSON lines for the ingest API. */
  lines: string[];
}

export function traffic(pipelines: number, seed = 42): Traffic {
  const r = prng(seed);
  const records: IntakeEvent[] = [];
  const lines: string[] = [];
  const now = '2026-11-28T00:00:00.000Z';
  for (let i = 0; i < pipelines; i++) {
    const pipelineId = uuid(r);
    const project = `bench/project-${i % 50}`;
    const env = () => {
      const id = uuid(r);
      return { report_id: id, pipeline_id: pipelineId, project_id: project, occurred_at: now, received_at: now, idempotency_key: null, producer: 'bench', correlation_id: id };
    };
    const jobs = ['rspec', 'jest', 'lint'];
    records.push({ type: 'CreatePipeline', ...env(), ref: `refs/heads/branch-${i % 200}`, sha: hex(r, 40), source: 'push', definition: { stages: ['test'], jobs: jobs.map((name) => ({ name, stage: 'test', needs: null, when: 'on_success', allow_failure: false, retry: { max: 0, when: ['always'] } })) } });
    lines.push(JSON.stringify({ op: 'create_pipeline', pipeline_id: pipelineId, project_id: project, ref: `refs/heads/branch-${i % 200}`, sha: hex(r, 40), definition: { stages: ['test'], jobs: jobs.map((name) => ({ name, stage: 'test' })) } }));
    const failing = i % 5 === 0 ? jobs[Math.floor(r() * 3)] : undefined;
    for (const job of jobs) {
      records.push({ type: 'ReportJob', ...env(), job, status: 'running', runner_id: `runner-${i % 16}`, failure_reason: null, exit_code: null, log: null, log_excerpt: null });
      lines.push(JSON.stringify({ op: 'report', pipeline_id: pipelineId, job, project_id: project, status: 'running', runner_id: `runner-${i % 16}` }));
      if (job === failing) {
        records.push({ type: 'ReportJob', ...env(), job, status: 'failed', runner_id: null, failure_reason: 'script_failure', exit_code: 1, log: null, log_excerpt: EXCERPT });
        lines.push(JSON.stringify({ op: 'report', pipeline_id: pipelineId, job, project_id: project, status: 'failed', failure_reason: 'script_failure', exit_code: 1, log_tail: EXCERPT }));
      } else {
        records.push({ type: 'ReportJob', ...env(), job, status: 'success', runner_id: null, failure_reason: null, exit_code: null, log: null, log_excerpt: null });
        lines.push(JSON.stringify({ op: 'report', pipeline_id: pipelineId, job, project_id: project, status: 'success' }));
      }
    }
  }
  return { records, lines };
}
