// Semantic validation of a pipeline definition (what JSON Schema cannot say): unique names, known stages
// and needs, needs only on the same or earlier stages, no cycles, GitLab's limits; `when: delayed` with
// its start_in, timeouts within GitLab's bounds, dependencies that can deliver artifacts. Each error names
// the offending value by JSON pointer, relative to the CreatePipeline report. This is the canonical (flat,
// compiled) definition; the authored one a producer sends is compiled and checked by authored.ts, which
// maps these pointers back to what the producer wrote.
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
  | 'invalid_retry_max'
  | 'empty_retry_when'
  | 'delayed_without_start_in'
  | 'start_in_without_delayed'
  | 'invalid_start_in'
  | 'invalid_timeout'
  | 'exit_codes_with_allow_failure'
  | 'duplicate_dependency'
  | 'unknown_dependency'
  | 'dependency_not_needed'
  | 'dependency_not_in_earlier_stage'
  // Trigger jobs, checked over the tree of downstream definitions (validate-pipeline.ts):
  | 'trigger_cycle'
  | 'trigger_too_deep'
  // Found while compiling the authored definition (authored.ts), never in a canonical one:
  | 'invalid_duration'
  | 'invalid_parallel'
  | 'unknown_matrix_need'
  | 'need_not_matrix'
  | 'optional_need_with_matrix';

export interface DefinitionError {
  /** JSON pointer, e.g. /definition/jobs/2/needs/0. */
  pointer: string;
  code: DefinitionErrorCode;
  message: string;
}

export const LIMITS = {
  stages: 50,
  jobs: 500,
  needs: 50,
  nameLength: 255,
  retryMax: 2,
  /** GitLab: `validates :start_in, duration: { limit: '1 week' }` (Entry::Job); docs: "less than or equal to one week". */
  startInS: 7 * 24 * 3600,
  /**
   * GitLab: Entry::Timeout `duration: { limit: ChronicDuration.output(Project::MAX_BUILD_TIMEOUT) }`, where
   * MAX_BUILD_TIMEOUT is Rails' 1.month = 2,629,746 s (30.436875 days); no lower bound for a job's own timeout
   * (the 10-minute minimum is the project's and the runner's setting).
   */
  timeoutS: 2_629_746,
} as const;

const intIn = (v: unknown, lo: number, hi: number): boolean =>
  typeof v === 'number' && Number.isInteger(v) && v >= lo && v <= hi;

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
    validateJobSettings(job, at, add);
  });

  jobs.forEach((job, i) => validateNeeds(job, i, jobs, jobIndex, stageIndex, add));
  jobs.forEach((job, i) => validateDependencies(job, i, jobs, jobIndex, stageIndex, add));
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
  add: Add,
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

type Add = (pointer: string, code: DefinitionErrorCode, message: string) => void;

/** One job's own settings: retry conditions, delayed ↔ start_in, timeout, allow_failure exit codes. */
function validateJobSettings(job: JobDefinition, at: string, add: Add): void {
  if (job.retry !== undefined && job.retry.when.length === 0 && (job.retry.exit_codes ?? []).length === 0)
    add(`${at}/retry/when`, 'empty_retry_when', 'retry when is empty, and there are no retry exit codes');
  const delayed = job.when === 'delayed';
  if (job.start_in_s !== undefined) {
    if (!delayed)
      add(
        `${at}/start_in_s`,
        'start_in_without_delayed',
        `start_in is only for when: delayed; job "${job.name}" is when: ${job.when}`,
      );
    else if (!intIn(job.start_in_s, 1, LIMITS.startInS))
      add(
        `${at}/start_in_s`,
        'invalid_start_in',
        `start_in is 1 second to one week (${LIMITS.startInS} s), got ${job.start_in_s} s`,
      );
  } else if (delayed)
    add(`${at}/when`, 'delayed_without_start_in', `job "${job.name}" is when: delayed, which needs start_in`);
  if (job.timeout_s !== undefined && !intIn(job.timeout_s, 1, LIMITS.timeoutS))
    add(
      `${at}/timeout_s`,
      'invalid_timeout',
      `timeout is 1 second to one month (${LIMITS.timeoutS} s), got ${job.timeout_s} s`,
    );
  if (job.allow_failure_exit_codes !== undefined && job.allow_failure)
    add(
      `${at}/allow_failure_exit_codes`,
      'exit_codes_with_allow_failure',
      'allow_failure exit codes go with allow_failure false (the job may fail with those codes only)',
    );
}

/**
 * `dependencies`: the jobs whose artifacts a job fetches. GitLab fetches them from the job's needs when it
 * has needs (even `needs: []`; Ci::BuildDependencies#from_needs) and from earlier stages otherwise
 * (#from_previous_stages), so any other name would silently deliver nothing: each must be a defined job,
 * one of the needs of a job with needs (GitLab's Entry::Job: "should be part of needs"), else of an earlier
 * stage. (GitLab's own check, YamlProcessor#validate_job_dependency!, lets a stage job name a job of its
 * own stage, whose artifacts it then never gets.)
 */
function validateDependencies(
  job: JobDefinition,
  i: number,
  jobs: readonly JobDefinition[],
  jobIndex: ReadonlyMap<string, number>,
  stageIndex: ReadonlyMap<string, number>,
  add: Add,
): void {
  const deps = job.dependencies;
  if (deps === undefined) return;
  const needs = job.needs ?? null;
  const seen = new Set<string>();
  deps.forEach((dep, k) => {
    const at = `/definition/jobs/${i}/dependencies/${k}`;
    if (seen.has(dep)) return add(at, 'duplicate_dependency', `"${dep}" is already a dependency`);
    seen.add(dep);
    const target = jobIndex.get(dep);
    if (target === undefined)
      return add(at, 'unknown_dependency', `job "${job.name}" depends on "${dep}", which is not defined`);
    if (needs !== null) {
      if (!needs.includes(dep))
        add(
          at,
          'dependency_not_needed',
          `job "${job.name}" has needs, so its dependencies must be among them: "${dep}" is not`,
        );
      return;
    }
    const own = stageIndex.get(job.stage);
    const theirs = stageIndex.get(jobs[target]!.stage);
    if (own !== undefined && theirs !== undefined && theirs >= own)
      add(
        at,
        'dependency_not_in_earlier_stage',
        `job "${job.name}" (stage "${job.stage}") depends on "${dep}" (stage "${jobs[target]!.stage}"), which is not of an earlier stage`,
      );
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
