// A create's definition checked by the decider's own rules (services/lib/core/pipeline/definition.ts:
// unique names, known stages and needs, no cycles, GitLab's limits) before anything is written: an
// invalid definition is a 400 with the pointer of each error, not a record the decider rejects later.
import { validateDefinition } from '../../lib/core/pipeline/index.js';
import { badRequest } from '../../lib/platform/http/problem.js';
import { normaliseDefinition, type ApiCreatePipeline } from './intake-records.js';

export function checkDefinition(def: ApiCreatePipeline['definition']): void {
  const errors = validateDefinition(normaliseDefinition(def));
  if (errors.length > 0) {
    throw badRequest(
      `the pipeline definition has ${errors.length} error${errors.length === 1 ? '' : 's'}`,
      errors.map((e) => ({ pointer: e.pointer, message: `${e.code}: ${e.message}` })),
    );
  }
}
