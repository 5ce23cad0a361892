// A create's definition compiled from GitLab's keywords and checked by the decider's own rules
// (services/lib/core/pipeline/authored.ts and definition.ts: parallel and matrix jobs within GitLab's
// limits, needs on matrix jobs that exist, durations GitLab reads, unique names, known stages, needs and
// dependencies, no cycles, GitLab's limits; trigger jobs' downstream definitions too, without trigger cycles
// or child pipelines deeper than two levels) before anything is written: an invalid definition is a 400
// with the pointer of each error into the definition as sent, not a record the decider rejects later.
import { compilePipeline } from '../../lib/core/pipeline/index.js';
import type { CreatePipeline } from '../../lib/core/events/generated.js';
import { badRequest } from '../../lib/platform/http/problem.js';
import type { ApiCreatePipeline } from './intake-records.js';

/** The canonical definition of a valid `def` (what the intake record carries); a 400 otherwise. */
export function checkDefinition(def: ApiCreatePipeline['definition'], projectId: string): CreatePipeline['definition'] {
  const { definition, errors } = compilePipeline(def, projectId);
  if (errors.length > 0) {
    throw badRequest(
      `the pipeline definition has ${errors.length} error${errors.length === 1 ? '' : 's'}`,
      errors.map((e) => ({ pointer: e.pointer, message: `${e.code}: ${e.message}` })),
    );
  }
  return definition;
}
