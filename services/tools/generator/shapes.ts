// Pipeline shapes: the catalogue of stages (their jobs, durations and failure mix by category) and the
// drawing of one pipeline's GitLab-like definition from it — 2–5 stages, 3–20 jobs, DAG `needs` some of
// the time, manual jobs, allow_failure, retry rules, `when: always|on_failure` jobs — with each job's
// planned outcome (success, a failure, a flaky failure that passes on a retry, a cancel).
import type { ApiJob } from '../../run/ingest/index.js';
import { FAILURE_CATEGORIES, type FailureCategory } from './logs.js';
import type { ResolvedModelOptions } from './projects.js';
import type { Rng } from './rng.js';

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
export const STAGE = new Map(STAGES.map((s) => [s.name, s]));

const RETRY_RULES: readonly ApiJob['retry'][] = [
  1,
  2,
  { max: 2, when: ['runner_system_failure', 'stuck_or_timeout_failure'] },
  { max: 1, when: ['runner_system_failure', 'api_failure', 'unknown_failure'] },
  { max: 1, when: ['script_failure'] },
];

/** How a job's attempts end. `flaky`: the first attempt fails, a retry passes. */
type Outcome = { kind: 'success' } | { kind: 'fail' | 'flaky'; category: FailureCategory } | { kind: 'cancel' };

export interface JobPlan {
  def: ApiJob;
  stage: StageSpec;
  outcome: Outcome;
  /** A manual job that blocks the pipeline (allow_failure: false): always played. */
  blocking: boolean;
}

export function shapeDefinition(r: Rng, o: ResolvedModelOptions): { stages: string[]; jobs: JobPlan[]; dag: boolean } {
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

function drawOutcome(r: Rng, stage: StageSpec, o: ResolvedModelOptions): Outcome {
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
