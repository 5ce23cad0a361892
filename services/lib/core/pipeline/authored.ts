// The definition as a producer writes it (GitLab's job keywords) compiled to the canonical definition the
// decider folds: a flat list of jobs with string needs and GitLab's defaults filled in.
//
//  - `parallel: N` and `parallel: {matrix}` → one job per instance, named as GitLab names them (matrix.ts);
//    needs, dependencies and every other setting are copied to each instance.
//  - `needs`: a job name or `{job, optional?, parallel?: {matrix}}`. A need on a parallel job means all its
//    jobs; with `parallel.matrix`, exactly the jobs of each entry (GitLab's Config::Normalizer
//    #expand_parallelized_needs names them from the need's own values, so a combination the matrix does
//    not make is an undefined need). `optional: true` on a job the definition does not have is dropped
//    (YamlProcessor#validate_job_dependency!: "we ignore the optional needed job"); GitLab refuses
//    `optional` together with `parallel:matrix` (docs, needs:parallel:matrix).
//  - `dependencies`: names expanded like needs (Normalizer#expand_parallelized_job_names).
//  - `when: delayed` + `start_in`, `timeout`: GitLab durations (duration.ts) → whole seconds.
//  - `allow_failure: {exit_codes}` → `allow_failure: false` + `allow_failure_exit_codes` (Entry::Job#ignored?
//    is false for the hash form); `retry: {max, when, exit_codes}` → `retry.exit_codes`, and `when` defaults
//    to none when exit codes are given (Gitlab::Ci::Build::AutoRetry#options_retry_when), else `[always]`.
//
// Any other member of a job or of the definition (a keyword this compiler does not know) is copied to the
// canonical definition as it is, to every instance of a parallel job; the intake schema is the judge of it.
//
// compileDefinition also runs the canonical checks (definition.ts) and maps every error's pointer back to
// what the producer sent: an expanded job to its authored index, a need or dependency to the authored item
// it came from, `start_in_s` to `start_in`, and so on.
import { LIMITS, validateDefinition, type Definition, type DefinitionError, type JobDefinition } from './definition.js';
import { parseDuration, wholeSeconds } from './duration.js';
import { jobAt, sourceOf, tidy, toAuthoredPointer, type Source } from './authored-pointers.js';
import { entryJobNames, matrixSize, parallelJobNames, PARALLEL_LIMIT, type MatrixEntry } from './matrix.js';

export type RetryReason = JobDefinition['retry']['when'][number];
/** An exit code or a list of them (GitLab: "A single exit code. An array of exit codes."). */
export type ExitCodes = number | readonly number[];

export interface AuthoredNeed {
  job: string;
  optional?: boolean;
  parallel?: { matrix: readonly MatrixEntry[] };
}

export interface AuthoredJob {
  name: string;
  stage: string;
  /** null or absent: stage order; an array (even empty): these jobs only. */
  needs?: readonly (string | AuthoredNeed)[] | null;
  dependencies?: readonly string[];
  when?: JobDefinition['when'];
  /** With `when: delayed` only, e.g. "30 minutes". */
  start_in?: string;
  /** E.g. "3h 30m". */
  timeout?: string;
  allow_failure?: boolean | { exit_codes: ExitCodes };
  retry?: number | { max: number; when?: RetryReason | readonly RetryReason[]; exit_codes?: ExitCodes };
  parallel?: number | { matrix: readonly MatrixEntry[] };
  interruptible?: boolean;
}

export interface AuthoredDefinition {
  stages: readonly string[];
  jobs: readonly AuthoredJob[];
}

export interface CompiledDefinition {
  /** The canonical definition; meaningful only when `errors` is empty. */
  definition: Definition;
  /** Every error, each with a pointer into the authored definition (relative to the request body). */
  errors: DefinitionError[];
}

/** An authored job and the names of the jobs it becomes. */
interface Plan {
  index: number;
  job: AuthoredJob;
  /** Each instance's name and the pointer (under the authored job) of what made that name. */
  instances: { name: string; made: string }[];
  /** The names a matrix job's matrix makes (to check needs:parallel:matrix); null when it has no matrix. */
  matrixNames: ReadonlySet<string> | null;
}

/** The job keywords compiled here; a job's other members are copied as they are. */
const COMPILED_KEYS: ReadonlySet<string> = new Set([
  'name',
  'stage',
  'needs',
  'dependencies',
  'when',
  'start_in',
  'timeout',
  'allow_failure',
  'retry',
  'parallel',
  'interruptible',
]);
const others = (o: object, known: ReadonlySet<string>): Record<string, unknown> =>
  Object.fromEntries(Object.entries(o).filter(([k]) => !known.has(k)));

const list = <T>(v: T | readonly T[]): T[] => (Array.isArray(v) ? [...(v as readonly T[])] : [v as T]);
const unique = <T>(v: readonly T[]): T[] => [...new Set(v)];
const quote = (names: readonly string[], max = 3) =>
  names
    .slice(0, max)
    .map((n) => `"${n}"`)
    .join(', ') + (names.length > max ? ` and ${names.length - max} more` : '');

/** The definition compiled; `origins`: for each of its jobs, the index of the authored job it was made from. */
export function compileDefinition(authored: AuthoredDefinition): CompiledDefinition & { origins: number[] } {
  const errors: DefinitionError[] = [];
  const add = (pointer: string, code: DefinitionError['code'], message: string) =>
    errors.push({ pointer, code, message });
  const jobs = authored.jobs ?? [];

  const plans = jobs.map((job, index) => planJob(job, index, add));
  const total = plans.reduce((n, p) => n + p.instances.length, 0);
  if (total > LIMITS.jobs) {
    add(
      '/definition/jobs',
      'too_many_jobs',
      `at most ${LIMITS.jobs} jobs, got ${total} once parallel jobs are expanded`,
    );
    // Compile each job as one, so that the other checks still run and say something useful.
    for (const p of plans) p.instances = [{ name: p.job.name, made: '/name' }];
  }

  const byName = new Map<string, Plan>();
  for (const p of plans) {
    const first = byName.get(p.job.name);
    // Checked as written: a parallel job's instances are named apart from a job of the same name.
    if (first)
      add(`${jobAt(p.index)}/name`, 'duplicate_job', `job "${p.job.name}" is already defined at ${jobAt(first.index)}`);
    else byName.set(p.job.name, p);
  }
  const instanceNames = new Set(plans.flatMap((p) => p.instances.map((x) => x.name)));
  /** The canonical jobs a name means: a parallel job's instances, or the job itself; undefined: none. */
  const resolve = (name: string): string[] | undefined => {
    const plan = byName.get(name);
    if (plan) return plan.instances.map((x) => x.name);
    return instanceNames.has(name) ? [name] : undefined;
  };

  const outJobs: JobDefinition[] = [];
  const sources: Source[] = [];
  for (const plan of plans) {
    const { job, index } = plan;
    const at = jobAt(index);
    const skip = new Set<string>();
    const settings = compileSettings(job, at, skip, add);
    const needs = compileNeeds(job, at, byName, resolve, add);
    const deps = job.dependencies === undefined ? undefined : compileDependencies(job.dependencies, resolve);
    const extra = others(job, COMPILED_KEYS);
    for (const instance of plan.instances) {
      const out: JobDefinition = {
        ...structuredClone(extra),
        name: instance.name,
        stage: job.stage,
        needs: needs === null ? null : needs.names.slice(),
        ...structuredClone(settings),
      };
      if (deps !== undefined) out.dependencies = deps.names.slice();
      outJobs.push(out);
      sources.push({
        index,
        made: instance.made,
        needs: needs?.from ?? [],
        dependencies: deps?.from ?? [],
        job,
        skip,
      });
    }
  }

  const definition = {
    ...structuredClone(others(authored, new Set(['stages', 'jobs']))),
    stages: [...(authored.stages ?? [])],
    jobs: outJobs,
  } as Definition;
  for (const e of validateDefinition(definition)) {
    const source = sourceOf(e.pointer, sources);
    if (source?.skip.has(e.code)) continue;
    errors.push({ ...e, pointer: toAuthoredPointer(e.pointer, sources) });
  }
  return { definition, origins: sources.map((x) => x.index), errors: tidy(errors) };
}

/** The instances of one authored job (itself, its `parallel: N` jobs, or its matrix jobs). */
function planJob(
  job: AuthoredJob,
  index: number,
  add: (p: string, c: DefinitionError['code'], m: string) => void,
): Plan {
  const at = jobAt(index);
  const self = { index, job, instances: [{ name: job.name, made: '/name' }], matrixNames: null };
  const parallel = job.parallel;
  if (parallel === undefined) return self;
  if (typeof parallel === 'number') {
    if (!Number.isInteger(parallel) || parallel < 1 || parallel > PARALLEL_LIMIT) {
      add(`${at}/parallel`, 'invalid_parallel', `parallel is 1..${PARALLEL_LIMIT}, got ${parallel}`);
      return self;
    }
    return { ...self, instances: parallelJobNames(job.name, parallel).map((name) => ({ name, made: '/parallel' })) };
  }
  const matrix = parallel.matrix ?? [];
  const size = matrixSize(matrix);
  if (size > PARALLEL_LIMIT || size < 1) {
    add(
      `${at}/parallel/matrix`,
      'invalid_parallel',
      size < 1
        ? 'parallel:matrix makes no job'
        : `parallel:matrix makes ${size} jobs; GitLab's limit is ${PARALLEL_LIMIT} jobs from one matrix`,
    );
    return self;
  }
  const instances = matrix.flatMap((entry, m) =>
    entryJobNames(job.name, entry).map((name) => ({ name, made: `/parallel/matrix/${m}` })),
  );
  return { ...self, instances, matrixNames: new Set(instances.map((x) => x.name)) };
}

type Settings = Omit<JobDefinition, 'name' | 'stage' | 'needs' | 'dependencies'>;

/** when, start_in, timeout, allow_failure, retry, interruptible: the same for every instance. */
function compileSettings(
  job: AuthoredJob,
  at: string,
  skip: Set<string>,
  add: (p: string, c: DefinitionError['code'], m: string) => void,
): Settings {
  const when = job.when ?? 'on_success';
  const out: Settings = { when, allow_failure: false, retry: compileRetry(job.retry) };

  const af = job.allow_failure;
  if (typeof af === 'object' && af !== null) out.allow_failure_exit_codes = unique(list(af.exit_codes));
  // GitLab: manual jobs may fail (allow_failure) unless told otherwise; every other job may not.
  else out.allow_failure = af ?? when === 'manual';

  if (job.start_in !== undefined) {
    const parsed = parseDuration(job.start_in);
    if ('seconds' in parsed) out.start_in_s = wholeSeconds(parsed.seconds);
    else if (when === 'delayed') {
      add(`${at}/start_in`, 'invalid_duration', `start_in ${parsed.error} (e.g. "30 minutes", "1 day")`);
      skip.add('delayed_without_start_in');
    } else
      add(
        `${at}/start_in`,
        'start_in_without_delayed',
        `start_in is only for when: delayed; job "${job.name}" is when: ${when}`,
      );
  }
  if (job.timeout !== undefined) {
    const parsed = parseDuration(job.timeout);
    if ('seconds' in parsed) out.timeout_s = wholeSeconds(parsed.seconds);
    else add(`${at}/timeout`, 'invalid_duration', `timeout ${parsed.error} (e.g. "3h 30m", "1 hour")`);
  }
  if (job.interruptible !== undefined) out.interruptible = job.interruptible;
  return out;
}

function compileRetry(retry: AuthoredJob['retry']): JobDefinition['retry'] {
  if (retry === undefined) return { max: 0, when: ['always'] };
  if (typeof retry === 'number') return { max: retry, when: ['always'] };
  const exitCodes = retry.exit_codes === undefined ? undefined : unique(list(retry.exit_codes));
  const when = retry.when === undefined ? (exitCodes === undefined ? ['always' as const] : []) : list(retry.when);
  return exitCodes === undefined ? { max: retry.max, when } : { max: retry.max, when, exit_codes: exitCodes };
}

/** Expanded needs and, for each, the pointer suffix of the authored need it came from; null: stage order. */
function compileNeeds(
  job: AuthoredJob,
  at: string,
  byName: ReadonlyMap<string, Plan>,
  resolve: (name: string) => string[] | undefined,
  add: (p: string, c: DefinitionError['code'], m: string) => void,
): { names: string[]; from: string[] } | null {
  if (job.needs === null || job.needs === undefined) return null;
  const names: string[] = [];
  const from: string[] = [];
  job.needs.forEach((need, k) => {
    const here = `${at}/needs/${k}`;
    const push = (targets: readonly string[]) => {
      for (const t of targets) {
        names.push(t);
        from.push(`/needs/${k}`);
      }
    };
    if (typeof need === 'string') return push(resolve(need) ?? [need]);
    const target = resolve(need.job);
    if (need.parallel === undefined) {
      if (target === undefined && need.optional === true) return; // GitLab ignores it
      return push(target ?? [need.job]);
    }
    if (need.optional === true)
      add(`${here}/optional`, 'optional_need_with_matrix', 'GitLab refuses needs:optional with needs:parallel:matrix');
    const plan = byName.get(need.job);
    if (plan === undefined) return push(target ?? [need.job]); // an unknown need, reported as such
    if (plan.job.parallel === undefined || typeof plan.job.parallel === 'number') {
      add(
        `${here}/parallel`,
        'need_not_matrix',
        `job "${need.job}" has no parallel:matrix, so no matrix jobs to choose from`,
      );
      return;
    }
    const made = plan.matrixNames;
    (need.parallel.matrix ?? []).forEach((entry, m) => {
      const wanted = entryJobNames(need.job, entry);
      if (made === null) return push([need.job]); // its matrix is invalid, and reported as such
      const missing = wanted.filter((n) => !made.has(n));
      if (missing.length > 0)
        add(
          `${here}/parallel/matrix/${m}`,
          'unknown_matrix_need',
          `the matrix of job "${need.job}" makes no job ${quote(missing)}`,
        );
      // When the jobs were not expanded (too many in all), the need is on the job as it stands.
      push(
        plan.instances.length === 1 && plan.instances[0]!.name === need.job
          ? [need.job]
          : wanted.filter((n) => made.has(n)),
      );
    });
  });
  if (names.length > LIMITS.needs) {
    add(
      `${at}/needs`,
      'too_many_needs',
      `at most ${LIMITS.needs} needs, got ${names.length} once needs on parallel jobs are expanded`,
    );
    // The canonical checks look at no more than one need past the limit.
    names.length = LIMITS.needs + 1;
    from.length = LIMITS.needs + 1;
  }
  return { names, from };
}

/** Expanded dependencies, each once (GitLab does not mind a repeat), with the authored item each came from. */
function compileDependencies(
  deps: readonly string[],
  resolve: (name: string) => string[] | undefined,
): { names: string[]; from: string[] } {
  const names: string[] = [];
  const from: string[] = [];
  const seen = new Set<string>();
  deps.forEach((dep, k) => {
    for (const t of resolve(dep) ?? [dep]) {
      if (seen.has(t)) continue;
      seen.add(t);
      names.push(t);
      from.push(`/dependencies/${k}`);
    }
  });
  return { names, from };
}
