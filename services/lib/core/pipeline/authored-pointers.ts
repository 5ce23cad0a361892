// Pointers of errors found on the compiled (canonical) definition, mapped back to what the producer sent:
// an expanded job to its authored index, a need or dependency to the authored item it came from, `start_in_s`
// to `start_in`, and so on (authored.ts records where each canonical job's values came from).
import type { DefinitionError } from './definition.js';

/** Where a canonical job's values come from: pointer suffixes under its authored job. */
export interface Source {
  index: number;
  made: string;
  needs: string[];
  dependencies: string[];
  /** The authored job's members that decide a pointer (an AuthoredJob). */
  job: { when?: unknown; allow_failure?: unknown; retry?: unknown };
  /** Canonical error codes not to report for this job: a compile error already said it. */
  skip: Set<string>;
}

export const jobAt = (i: number) => `/definition/jobs/${i}`;
const CANONICAL_JOB = /^\/definition\/jobs\/(\d+)(\/.*)?$/;

export function sourceOf(pointer: string, sources: readonly Source[]): Source | undefined {
  const m = CANONICAL_JOB.exec(pointer);
  return m ? sources[Number(m[1])] : undefined;
}

/** A pointer into the canonical definition as a pointer into the authored one. */
export function toAuthoredPointer(pointer: string, sources: readonly Source[]): string {
  const m = CANONICAL_JOB.exec(pointer);
  const source = m ? sources[Number(m[1])] : undefined;
  if (!m || !source) return pointer;
  const base = jobAt(source.index);
  const [field, sub] = (m[2] ?? '').split('/').slice(1);
  const job = source.job;
  switch (field) {
    case undefined:
      return base;
    case 'name':
      return base + source.made;
    case 'needs':
      return base + (sub === undefined ? '/needs' : (source.needs[Number(sub)] ?? '/needs'));
    case 'dependencies':
      return base + (sub === undefined ? '/dependencies' : (source.dependencies[Number(sub)] ?? '/dependencies'));
    case 'when':
      return job.when === undefined ? base : `${base}/when`;
    case 'start_in_s':
      return `${base}/start_in`;
    case 'timeout_s':
      return `${base}/timeout`;
    case 'allow_failure_exit_codes':
      return `${base}/allow_failure/exit_codes`;
    case 'allow_failure':
      return job.allow_failure === undefined ? base : `${base}/allow_failure`;
    case 'retry': {
      const retry = job.retry;
      if (typeof retry !== 'object' || retry === null) return retry === undefined ? base : `${base}/retry`;
      return sub !== undefined && sub in retry ? `${base}/retry/${sub}` : `${base}/retry`;
    }
    default:
      return base + (m[2] ?? '');
  }
}

/** Each error once (expanded jobs repeat their authored job's errors), in the order of the authored jobs. */
export function tidy(errors: readonly DefinitionError[]): DefinitionError[] {
  const seen = new Set<string>();
  const once = errors.filter((e) => {
    const key = `${e.code} ${e.pointer}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
  const jobOf = (p: string) => Number(/^\/definition\/jobs\/(\d+)/.exec(p)?.[1] ?? -1);
  return once
    .map((e, n) => ({ e, n, j: jobOf(e.pointer) }))
    .sort((a, b) => a.j - b.j || a.n - b.n)
    .map((x) => x.e);
}
