// validatePipeline: a pipeline definition and the downstream definitions its trigger jobs carry. The trigger
// checks run over the whole tree of downstream definitions a pipeline carries: each
// downstream definition is itself valid (its errors point into it), a chain of multi-project triggers
// never comes back to a project already in it (GitLab: pipeline_loop_detected), and child pipelines nest at
// most two levels deep (GitLab's parent-child limit).
import { validateDefinition, type Definition, type DefinitionError, type DefinitionErrorCode } from './definition.js';

export const TRIGGER_LIMITS = { childDepth: 2 } as const;

type Add = (pointer: string, code: DefinitionErrorCode, message: string) => void;
type Validate = (def: Definition) => DefinitionError[];

/**
 * Checks the trigger jobs of `def` (at `pointer`, the definition's own JSON pointer) run by project
 * `projects[projects.length - 1]`, whose multi-project chain so far is `projects`; `childDepth` is how many
 * child pipelines deep `def` is.
 */
export function checkTriggers(
  def: Definition,
  validate: Validate,
  add: Add,
  pointer: string,
  projects: readonly string[],
  childDepth = 0,
): void {
  (def.jobs ?? []).forEach((job, i) => {
    const trigger = job.trigger;
    if (!trigger) return;
    const at = `${pointer}/jobs/${i}/trigger`;
    const downstream = trigger.definition;
    if (trigger.project !== undefined && projects.includes(trigger.project)) {
      add(
        `${at}/project`,
        'trigger_cycle',
        `triggers form a cycle: ${[...projects, trigger.project].join(' → ')} (GitLab: pipeline_loop_detected)`,
      );
      return;
    }
    const depth = trigger.project === undefined ? childDepth + 1 : 0;
    if (depth > TRIGGER_LIMITS.childDepth) {
      add(at, 'trigger_too_deep', `child pipelines nest at most ${TRIGGER_LIMITS.childDepth} levels deep`);
      return;
    }
    for (const e of validate(downstream))
      add(`${at}/definition${e.pointer.replace(/^\/definition/, '')}`, e.code, e.message);
    const chain = trigger.project === undefined ? projects : [...projects, trigger.project];
    checkTriggers(downstream, validate, add, `${at}/definition`, chain, depth);
  });
}

/** Every error of a pipeline definition run by `projectId`, its downstream definitions included. */
export function validatePipeline(def: Definition, projectId: string): DefinitionError[] {
  const errors = validateDefinition(def);
  checkTriggers(
    def,
    validateDefinition,
    (pointer, code, message) => errors.push({ pointer, code, message }),
    '/definition',
    [projectId],
  );
  return errors;
}
