// The read model's row types, inferred from the drizzle tables (tables.ts) and declared only here, and the
// tables readers use. In service readers query the views of schema `rm` (always the active version);
// every query function takes the table objects as a parameter so that the same builders can run against
// any other schema (a replay target, or the scratch rm_v<N> of the index test).
import { readModelTables } from './tables.js';

export type ReadModel = ReturnType<typeof readModelTables>;
export type PipelineRow = ReadModel['pipelines']['$inferSelect'];
export type JobRow = ReadModel['jobs']['$inferSelect'];
export type FlakyRow = ReadModel['flakyJobs']['$inferSelect'];
export type DayRow = ReadModel['projectDailyStats']['$inferSelect'];
export type ProposalRow = ReadModel['remediationProposals']['$inferSelect'];
export type NewProposalRow = ReadModel['remediationProposals']['$inferInsert'];
export type NewSkipRow = ReadModel['remediationSkips']['$inferInsert'];

/** What readers query: the `rm` views (versions.ts points them at the active version). */
export const servingTables = (): ReadModel => readModelTables('rm');
