// Who reports a pipeline: Verity decides its own; the others are external CIs whose pipelines Verity observes
// (docs/OBSERVED.md). One list for the connections file, the query API's filter and the dashboard.
import type { ObservePipeline } from '../events/generated.js';

export type ObservedSystem = ObservePipeline['system'];

export const OBSERVED_SYSTEMS = ['gitlab', 'github', 'cdevents'] as const satisfies readonly ObservedSystem[];

// Compile-time check that the list is complete: fails to type-check when the schema gains a system.
type Missing = Exclude<ObservedSystem, (typeof OBSERVED_SYSTEMS)[number]>;
const _complete: [Missing] extends [never] ? true : Missing = true;
void _complete;

export const PIPELINE_SYSTEMS = ['verity', ...OBSERVED_SYSTEMS] as const;
export type PipelineSystem = (typeof PIPELINE_SYSTEMS)[number];
