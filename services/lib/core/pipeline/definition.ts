// Semantic validation of a pipeline definition (what JSON Schema cannot say): unique names, known stages
// and needs, needs only on the same or earlier stages, no cycles, GitLab's limits. Each error names the
// offending value by JSON pointer, relative to the CreatePipeline report.
import type { CreatePipeline } from '../events/generated.js';

export type Definition = CreatePipeline['definition'];
export type JobDefinition = Definition['jobs'][number];

export type DefinitionErrorCode =
  | 'no_stages'
  | 'too_many_stages'
  | 'invalid_stage_name'
  | 'duplicate_stage'
  | 'no_jobs'
  | 'too_many_jobs'
  | 'invalid_job_name'
  | 'duplicate_job'
  | 'unknown_stage'
  | 'too_many_needs'
  | 'duplicate_need'
  | 'need_on_itself'
  | 'unknown_need'
  | 'need_in_later_stage'
  | 'cyclic_needs'
  | 'invalid_retry_max';

export interface DefinitionError {
  /** JSON pointer, e.g. /definition/jobs/2/needs/0. */
  pointer: string;
  code: DefinitionErrorCode;
  message: string;
}

const LIMITS = { stages: 50, jobs: 500, needs: 50, nameLength: 255, retryMax: 2 } as const;

const validName = (name: unknown): name is string =>
  typeof name === 'string' && name.trim().length > 0 && name.length <= LIMITS.nameLength;

export function validateDefinition(def: Definition): DefinitionError[] {
  const errors: DefinitionError[] = [];
  const add = (pointer: string, code: DefinitionErrorCode, message: string) => errors.push({ pointer, code, message });
  const stages: readonly string[] = def.stages ?? [];
  const jobs: readonly JobDefinition[] = def.jobs ?? [];

  if (stages.length === 0) add('/definition/stages', 'no_stages', 'a pipeline needs at least one stage');
  if (stages.length > LIMITS.stages)
    add('/definition/stages', 'too_many_stages', `at most ${LIMITS.stages} stages, got ${stages.length}`);
  const stageIndex = new Map<string, number>();
  stages.forEach((stage, i) => {
    if (!validName(stage))
      add(
        `/definition/stages/${i}`,
        'invalid_stage_name',
        `stage names are 1..${LIMITS.nameLength} characters, not blank`,
      );
    else if (stageIndex.has(stage))
      add(
        `/definition/stages/${i}`,
        'duplicate_stage',
        `stage "${stage}" is already defined at /definition/stages/${stageIndex.get(stage)}`,
      );
    else stageIndex.set(stage, i);
  });

  if (jobs.length === 0) add('/definition/jobs', 'no_jobs', 'a pipeline needs at least one job');
  if (jobs.length > LIMITS.jobs)
    add('/definition/jobs', 'too_many_jobs', `at most ${LIMITS.jobs} jobs, got ${jobs.length}`);
  const jobIndex = new Map<string, number>();
  jobs.forEach((job, i) => {
    const at = `/definition/jobs/${i}`;
    if (!validName(job.name))
      add(`${at}/name`, 'invalid_job_name', `job names are 1..${LIMITS.nameLength} characters, not blank`);
    else if (jobIndex.has(job.name))
      add(
        `${at}/name`,
        'duplicate_job',
        `job "${job.name}" is already defined at /definition/jobs/${jobIndex.get(job.name)}`,
      );
    else jobIndex.set(job.name, i);
    if (!stageIndex.has(job.stage))
      add(
        `${at}/stage`,
        'unknown_stage',
        `job "${job.name}" is in stage "${job.stage}", which is not in /definition/stages`,
      );
    const max = job.retry?.max;
    if (!Number.isInteger(max) || max < 0 || max > LIMITS.retryMax)
      add(`${at}/retry/max`, 'invalid_retry_max', `retry max is an integer 0..${LIMITS.retryMax}`);
  });

  jobs.forEach((job, i) => validateNeeds(job, i, jobs, jobIndex, stageIndex, add));
  for (const cycle of findCycles(jobs, jobIndex))
    add(cycle.pointer, 'cyclic_needs', `needs form a cycle: ${cycle.names.join(' → ')}`);
  return errors;
}

function validateNeeds(
  job: JobDefinition,
  i: number,
  jobs: readonly JobDefinition[],
  jobIndex: ReadonlyMap<string, number>,
  stageIndex: ReadonlyMap<string, number>,
  add: (pointer: string, code: DefinitionErrorCode, message: string) => void,
): void {
  const needs = job.needs;
  if (needs === null || needs === undefined) return;
  const at = `/definition/jobs/${i}/needs`;
  if (needs.length > LIMITS.needs) add(at, 'too_many_needs', `at most ${LIMITS.needs} needs, got ${needs.length}`);
  const seen = new Set<string>();
  needs.forEach((need, k) => {
    if (seen.has(need)) return add(`${at}/${k}`, 'duplicate_need', `"${need}" is already needed`);
    seen.add(need);
    if (need === job.name) return add(`${at}/${k}`, 'need_on_itself', `job "${job.name}" needs itself`);
    const target = jobIndex.get(need);
    if (target === undefined)
      return add(`${at}/${k}`, 'unknown_need', `job "${job.name}" needs "${need}", which is not defined`);
    const own = stageIndex.get(job.stage);
    const theirs = stageIndex.get(jobs[target]!.stage);
    if (own !== undefined && theirs !== undefined && theirs > own) {
      add(
        `${at}/${k}`,
        'need_in_later_stage',
        `job "${job.name}" (stage "${job.stage}") needs "${need}", which is in the later stage "${jobs[target]!.stage}"`,
      );
    }
  });
}

/** Each cycle of the needs graph once, named from its first job back to it, pointing at the closing need. */
function findCycles(
  jobs: readonly JobDefinition[],
  jobIndex: ReadonlyMap<string, number>,
): { pointer: string; names: string[] }[] {
  const cycles: { pointer: string; names: string[] }[] = [];
  const state = new Map<number, 'visiting' | 'done'>();
  const path: number[] = [];
  const visit = (i: number): void => {
    state.set(i, 'visiting');
    path.push(i);
    (jobs[i]!.needs ?? []).forEach((need, k) => {
      const j = jobIndex.get(need);
      if (j === undefined || j === i) return; // unknown needs and self-needs are reported on their own
      if (state.get(j) === 'visiting') {
        const names = path.slice(path.indexOf(j)).map((n) => jobs[n]!.name);
        cycles.push({ pointer: `/definition/jobs/${i}/needs/${k}`, names: [...names, need] });
      } else if (!state.has(j)) visit(j);
    });
    path.pop();
    state.set(i, 'done');
  };
  // Only the first definition of a duplicated name takes part; duplicates are reported on their own.
  for (const i of jobIndex.values()) if (!state.has(i)) visit(i);
  return cycles;
}
