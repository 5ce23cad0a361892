// What the remediation tests build their cases from: a failed job's context and a Travis CI log.
import type { RemediationContext } from './proposal.js';

/** A failed job of `group/app` (script_failure, exit 1, no history) whose log is `log`; `over` wins. */
export function contextOf(log: string[], over: Partial<RemediationContext> = {}): RemediationContext {
  return {
    project_id: 'group/app',
    pipeline_id: '0190c2d4-0000-7000-8000-000000000001',
    job_id: '0190c2d4-0000-7000-8000-000000000002',
    job_name: 'test',
    stage: 'test',
    attempt: 1,
    ref: 'main',
    sha: 'c0ffee0000000000000000000000000000000000',
    failure_reason: 'script_failure',
    exit_code: 1,
    allow_failure: false,
    definition: null,
    log_lines: log,
    signature: '0'.repeat(32),
    history: [],
    similar: [],
    ...over,
  };
}

/** `n` lines of successful output. */
export const filler = (n: number): string[] => Array.from({ length: n }, (_, i) => `step ${i + 1} ok`);

/** A Travis CI log whose failing command printed `output` after 60 lines of successful output. */
export const logOf = (...output: string[]): string[] => [
  '$ ./ci.sh',
  ...filler(60),
  ...output,
  'The command "./ci.sh" exited with 1.',
  'Done. Your build exited with 1.',
];
