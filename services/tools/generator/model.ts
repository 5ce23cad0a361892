// The load generator's scenario model: pure and seeded. Pipeline number k of a run is a function of (seed,
// k): a project and ref of the population (projects.ts), a GitLab-like definition with each job's planned
// outcome (shapes.ts), and the ordered ingest operations that drive it to its end (ops.ts), played
// through the pure decider by the pipeline's simulation (pipeline-sim.ts). op-stream.ts interleaves many
// pipelines by simulated time; the driver decides the wall-clock pacing.
import { SyntheticLogs } from './logs.js';
import type { BulkLine, PipelinePlan, PipelineSource } from './ops.js';
import { PipelineSim } from './pipeline-sim.js';
import { makeProject, MODEL_DEFAULTS, type ModelOptions, type Project, type ResolvedModelOptions } from './projects.js';
import { Rng } from './rng.js';
import { shapeDefinition, STAGE } from './shapes.js';

export class ScenarioModel {
  readonly options: ResolvedModelOptions;
  readonly projects: Project[];
  private readonly projectWeights: (readonly [number, number])[];

  constructor(options: ModelOptions) {
    this.options = { ...MODEL_DEFAULTS, logs: new SyntheticLogs(), ...stripUndefined(options) } as ResolvedModelOptions;
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
    const source: PipelineSource = onMain
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
      // The model predicts each pipeline on its own: a newer pipeline on the ref must not cancel this one
      // (the coordinator's AutoCancel is refused, not_cancelable), or its events would not be the ones predicted.
      definition: { stages, jobs: jobs.map((j) => j.def), workflow: { auto_cancel: { on_new_commit: 'none' } } },
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
