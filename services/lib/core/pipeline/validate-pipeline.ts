// A pipeline definition and the downstream definitions its trigger jobs carry, as one tree. The trigger rules
// run over the whole tree: each downstream definition is itself valid (its errors point into it), a chain
// of multi-project triggers never comes back to a project already in it (GitLab: pipeline_loop_detected),
// and child pipelines nest at most two levels deep (GitLab's parent-child limit).
// - validatePipeline: a canonical definition (the decider's check of a CreatePipeline record).
// - compilePipeline: an authored definition (ingest), each level compiled by compileDefinition.
import { compileDefinition, type AuthoredDefinition, type CompiledDefinition } from './authored.js';
import { validateDefinition, type Definition, type DefinitionError, type DefinitionErrorCode } from './definition.js';

export const TRIGGER_LIMITS = { childDepth: 2 } as const;

type Trigger = NonNullable<Definition['jobs'][number]['trigger']>;
type Where = { projects: readonly string[]; childDepth: number };

/** Where a trigger's downstream pipeline runs in the tree, or why it may not run there. */
function downstreamOf(
  trigger: Pick<Trigger, 'project'>,
  where: Where,
): Where | { pointer: '/project' | ''; code: DefinitionErrorCode; message: string } {
  const project = trigger.project;
  if (project !== undefined && where.projects.includes(project)) {
    return {
      pointer: '/project',
      code: 'trigger_cycle',
      message: `triggers form a cycle: ${[...where.projects, project].join(' → ')} (GitLab: pipeline_loop_detected)`,
    };
  }
  const childDepth = project === undefined ? where.childDepth + 1 : 0;
  if (childDepth > TRIGGER_LIMITS.childDepth)
    return {
      pointer: '',
      code: 'trigger_too_deep',
      message: `child pipelines nest at most ${TRIGGER_LIMITS.childDepth} levels deep`,
    };
  return { projects: project === undefined ? where.projects : [...where.projects, project], childDepth };
}

const under = (prefix: string, e: DefinitionError): DefinitionError => ({
  ...e,
  pointer: `${prefix}${e.pointer.replace(/^\/definition/, '')}`,
});

/** Every error of a canonical pipeline definition run by `projectId`, its downstream definitions included. */
export function validatePipeline(def: Definition, projectId: string): DefinitionError[] {
  const errors: DefinitionError[] = [];
  const visit = (d: Definition, pointer: string, where: Where) => {
    errors.push(...validateDefinition(d).map((e) => under(pointer, e)));
    (d.jobs ?? []).forEach((job, i) => {
      if (!job.trigger) return;
      const at = `${pointer}/jobs/${i}/trigger`;
      const next = downstreamOf(job.trigger, where);
      if ('code' in next) errors.push({ pointer: `${at}${next.pointer}`, code: next.code, message: next.message });
      else visit(job.trigger.definition, `${at}/definition`, next);
    });
  };
  visit(def, '/definition', { projects: [projectId], childDepth: 0 });
  return errors;
}

type AuthoredTrigger = { project?: string; branch?: string; strategy?: 'depend'; definition: AuthoredDefinition };

/**
 * An authored pipeline definition compiled, its trigger jobs' downstream definitions too; every error points
 * into what the producer wrote.
 */
export function compilePipeline(authored: AuthoredDefinition, projectId: string): CompiledDefinition {
  const errors: DefinitionError[] = [];
  const visit = (a: AuthoredDefinition, pointer: string, where: Where): Definition => {
    const { definition, errors: own, origins } = compileDefinition(a);
    errors.push(...own.map((e) => under(pointer, e)));
    // Per authored trigger job, its downstream definition (or why there is none): a parallel trigger job's
    // instances share it, so its errors are said once, at the job as written.
    const downstream = new Map<number, Definition | null>();
    definition.jobs.forEach((job, i) => {
      const trigger = (job as { trigger?: AuthoredTrigger }).trigger;
      if (!trigger) return;
      const index = origins[i]!;
      if (!downstream.has(index)) {
        const at = `${pointer}/jobs/${index}/trigger`;
        const next = downstreamOf(trigger, where);
        if ('code' in next) errors.push({ pointer: `${at}${next.pointer}`, code: next.code, message: next.message });
        downstream.set(index, 'code' in next ? null : visit(trigger.definition, `${at}/definition`, next));
      }
      const made = downstream.get(index);
      if (made) job.trigger = { ...trigger, definition: structuredClone(made) };
    });
    return definition;
  };
  const definition = visit(authored, '/definition', { projects: [projectId], childDepth: 0 });
  return { definition, errors };
}
