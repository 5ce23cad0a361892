// GitLab's `parallel` keyword: the jobs one authored job becomes, and their names.
//
//  - `parallel: N` (1..200, Entry::Product::Parallel::PARALLEL_LIMIT; docs "parallel": "A numeric value
//    from 1 to 200") → N jobs named `<name> 1/N` … `<name> N/N` (Normalizer::ParallelStrategy).
//  - `parallel: {matrix: [{VAR: value | [values]}, …]}` → for each entry, the cartesian product of its
//    values, the first variable varying slowest (MatrixStrategy.expand: `values[0].product(*values[1..])`),
//    the entries one after another; each job is named `<name>: [v1, v2, …]`, its values in the entry's
//    variable order (MatrixStrategy#name: `"#{job_name}: [#{vars.values.compact.join(', ')}]"`). At most
//    200 jobs from one matrix (Entry::Product::Matrix: "generates too many jobs (maximum is 200)"; docs
//    "parallel:matrix": "The number of permutations cannot exceed 200").
//
// JSON objects keep their members in the order sent, except that keys which are array indices ("1",
// "20") come first in ascending order (ECMAScript's own-property order): a matrix variable named by
// digits alone is named first. GitLab's variable names may be digits alone too; nobody names them so.

/** Entry::Product::Parallel::PARALLEL_LIMIT: the most jobs `parallel: N` or one matrix makes. */
export const PARALLEL_LIMIT = 200;

/** One entry of `parallel:matrix` (also of `needs:parallel:matrix`): variable → value or values. */
export type MatrixEntry = Readonly<Record<string, string | readonly string[]>>;

const valuesOf = (v: string | readonly string[]): readonly string[] => (typeof v === 'string' ? [v] : v);

/** How many jobs one entry makes: the product of its value counts (no job is made to count them). */
export function entrySize(entry: MatrixEntry): number {
  return Object.values(entry).reduce<number>((n, v) => n * valuesOf(v).length, 1);
}

/** How many jobs a matrix makes. */
export function matrixSize(matrix: readonly MatrixEntry[]): number {
  return matrix.reduce((n, e) => n + entrySize(e), 0);
}

/** The value lists of an entry's combinations, in GitLab's order: the first variable varies slowest. */
export function entryCombinations(entry: MatrixEntry): string[][] {
  let combos: string[][] = [[]];
  for (const v of Object.values(entry)) combos = combos.flatMap((c) => valuesOf(v).map((x) => [...c, x]));
  return combos;
}

/** GitLab's name of the matrix job with these values. */
export function matrixJobName(name: string, values: readonly string[]): string {
  return `${name}: [${values.join(', ')}]`;
}

/** The names of the jobs one matrix entry makes, in order. */
export function entryJobNames(name: string, entry: MatrixEntry): string[] {
  return entryCombinations(entry).map((values) => matrixJobName(name, values));
}

/** GitLab's name of instance `index` (1-based) of `parallel: total`. */
export function parallelJobName(name: string, index: number, total: number): string {
  return `${name} ${index}/${total}`;
}

/** The names of the jobs `parallel: total` makes, in order. */
export function parallelJobNames(name: string, total: number): string[] {
  return Array.from({ length: total }, (_, i) => parallelJobName(name, i + 1, total));
}
