// The read-model tables the query API reads. In service they are the views of schema `rm` (always the
// active version); every query function takes the table objects as a parameter so that the same
// builders can be explained against any other schema (the index test uses a scratch rm_v<N>).
import { readModelTables } from './tables.js';

export type ReadModel = ReturnType<typeof readModelTables>;
export type PipelineRow = ReadModel['pipelines']['$inferSelect'];
export type JobRow = ReadModel['jobs']['$inferSelect'];
export type FlakyRow = ReadModel['flakyJobs']['$inferSelect'];

/** What readers query: the `rm` views (services/lib/readmodel/versions.ts points them at the active version). */
export const servingTables = (): ReadModel => readModelTables('rm');
