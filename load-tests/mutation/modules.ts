// The modules issue 19 scores separately, their targets, and the mutation score of a set of files from a
// StrykerJS JSON report (mutation-testing-report-schema): (killed + timeout) ÷ (killed + timeout + survived
// + no coverage), Stryker's own definition; mutants that do not compile or are ignored do not count.

export interface MutantCounts {
  killed: number;
  timeout: number;
  survived: number;
  no_coverage: number;
  /** CompileError, RuntimeError, Ignored, Pending: not part of the score. */
  other: number;
}

export interface Module {
  name: string;
  /** Path prefixes (repository-relative) of the module's files. */
  paths: string[];
  /** Issue 19's target (%). */
  target: number;
}

export const MODULES: Module[] = [
  { name: 'core', paths: ['services/lib/core/'], target: 85 },
  { name: 'logs', paths: ['services/lib/core/logs/'], target: 80 },
  { name: 'redaction', paths: ['services/lib/core/logs/redact.ts', 'services/lib/core/logs/secrets/'], target: 80 },
  { name: 'evidence', paths: ['services/lib/core/remediation/evidence.ts'], target: 80 },
  { name: 'scoring', paths: ['services/lib/core/remediation/scoring.ts'], target: 80 },
  {
    name: 'heuristic',
    paths: [
      'services/lib/core/remediation/heuristic.ts',
      'services/lib/core/remediation/taxonomy.ts',
      'services/lib/core/remediation/category/',
    ],
    target: 80,
  },
];

interface Report {
  files: Record<string, { mutants: { status: string }[] }>;
}

/** Counts per file (repository-relative paths) of a Stryker JSON report. */
export function countsByFile(report: Report, repoRoot: string): Record<string, MutantCounts> {
  const out: Record<string, MutantCounts> = {};
  for (const [file, { mutants }] of Object.entries(report.files)) {
    const path = file.startsWith(repoRoot) ? file.slice(repoRoot.length).replace(/^\//, '') : file;
    const c: MutantCounts = { killed: 0, timeout: 0, survived: 0, no_coverage: 0, other: 0 };
    for (const m of mutants) {
      if (m.status === 'Killed') c.killed++;
      else if (m.status === 'Timeout') c.timeout++;
      else if (m.status === 'Survived') c.survived++;
      else if (m.status === 'NoCoverage') c.no_coverage++;
      else c.other++;
    }
    out[path] = c;
  }
  return out;
}

/** The module's counts summed over its files, and its score (%), null when it has no scored mutant. */
export function moduleScore(
  module: Module,
  byFile: Record<string, MutantCounts>,
): MutantCounts & { files: number; score: number | null } {
  const sum: MutantCounts = { killed: 0, timeout: 0, survived: 0, no_coverage: 0, other: 0 };
  let files = 0;
  for (const [path, c] of Object.entries(byFile)) {
    if (!module.paths.some((p) => (p.endsWith('/') ? path.startsWith(p) : path === p))) continue;
    files++;
    for (const k of Object.keys(sum) as (keyof MutantCounts)[]) sum[k] += c[k];
  }
  const detected = sum.killed + sum.timeout;
  const scored = detected + sum.survived + sum.no_coverage;
  return { ...sum, files, score: scored === 0 ? null : Math.round((detected / scored) * 1000) / 10 };
}

/** A file's counts as the committed result keeps them: when and by which run they were measured. */
export type MeasuredCounts = MutantCounts & { measured: string; command: string };

/**
 * The committed per-file counts after a run: every file the run mutated takes the run's counts; a file
 * of an earlier run keeps its own (a whole run over the core takes hours here, so runs narrowed to a
 * module add up), unless it no longer exists.
 */
export function mergeMeasured(
  previous: Record<string, MeasuredCounts>,
  run: Record<string, MutantCounts>,
  measured: string,
  command: string,
  exists: (path: string) => boolean,
): Record<string, MeasuredCounts> {
  const out: Record<string, MeasuredCounts> = {};
  for (const [path, c] of Object.entries(previous)) if (!(path in run) && exists(path)) out[path] = c;
  for (const [path, c] of Object.entries(run)) out[path] = { ...c, measured, command };
  return Object.fromEntries(Object.entries(out).sort(([a], [b]) => a.localeCompare(b)));
}
