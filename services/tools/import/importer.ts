// `verity import`: the history of one connection's project, from its CI's API into Verity, as the webhooks
// would have brought it. Pipelines (GitLab: updated since, oldest update first) or workflow runs (GitHub:
// created since) page by page; each with all its jobs (retried attempts included) becomes ObservePipeline
// records (observe-records.ts), followed by an AttachJobLog for each failed job whose log was fetched the way
// the fetcher fetches it (producer-api/job-log.ts) — the same report id as the fetcher's, so the decider keeps
// one. After each pipeline the state file says how far it got; a stop (Ctrl-C) ends after the pipeline in
// hand, and the next run with the same arguments goes on from there.
import type { IntakeEvent } from '../../lib/core/events/generated.js';
import { iso } from '../../lib/core/observed/fields.js';
import type { Observation } from '../../lib/core/observed/ids.js';
import type { Connection } from '../../lib/platform/connections/connection.js';
import type { LogStore } from '../../lib/platform/logstore/log-store.js';
import { attachJobLogRecord } from '../../lib/platform/producer-api/attach-record.js';
import { GithubApi } from '../../lib/platform/producer-api/github-api.js';
import { GitlabApi } from '../../lib/platform/producer-api/gitlab-api.js';
import { fetchJobLog } from '../../lib/platform/producer-api/job-log.js';
import type { Page } from '../../lib/platform/producer-api/pagination.js';
import { ProducerClient } from '../../lib/platform/producer-api/producer-client.js';
import type { RequestPolicy } from '../../lib/platform/producer-api/request.js';
import type { RateLimits } from '../../lib/platform/producer-api/token-bucket.js';
import type { Progress } from '../../lib/platform/progress-bar.js';
import { githubObservation } from './github-observation.js';
import { gitlabObservation } from './gitlab-observation.js';
import { loadState, saveState, type ImportState } from './import-state.js';
import { importProducer, observeRecords } from './observe-records.js';

export interface ImportOptions {
  connection: Connection;
  /** `--since` as given, and the instant it means now. */
  since: string;
  after: string;
  policy: RequestPolicy;
  limits: RateLimits;
  /** Where fetched logs go; none: no logs are fetched (`--no-logs`). */
  logStore: LogStore | null;
  /** Writes one pipeline's records to ci.intake.v1, in order (they share its key). */
  write: (records: IntakeEvent[]) => Promise<void>;
  stateFile: string;
  progress?: Progress;
  /** Aborted: stop after the pipeline in hand. */
  stop?: AbortSignal;
}

export interface ImportReport {
  pipelines: number;
  /** Pipelines already written by the run this one went on from. */
  skipped: number;
  records: number;
  logs: number;
  fetchErrors: number;
  interrupted: boolean;
  /** The page the run went on from, when it did. */
  resumedFrom: string | null;
}

/** One listed pipeline: its id there, its updated_at, and how to get its jobs and observation. */
interface Listed {
  id: string;
  updatedAt: string;
  observe(): Promise<Observation>;
}

function listing(o: ImportOptions, from: string | undefined): AsyncGenerator<Page<Listed>> {
  const c = o.connection;
  const client = new ProducerClient(c, o.policy, o.limits);
  if (c.system === 'gitlab') {
    const api = new GitlabApi(client);
    return mapPages(api.pipelines(c.externalProject, o.after, from), (p) => ({
      id: String(p.id),
      updatedAt: p.updated_at,
      observe: async () => gitlabObservation(c, p, await api.pipelineJobs(c.externalProject, p.id)),
    }));
  }
  if (c.system === 'github') {
    const api = new GithubApi(client);
    return mapPages(api.runs(c.externalProject, o.after, from), (r) => ({
      id: String(r.id),
      updatedAt: r.updated_at,
      observe: async () => githubObservation(c, r, await api.runJobs(c.externalProject, r.id)),
    }));
  }
  throw new Error(`connection "${c.name}" is ${c.system}: there is no API to import from`);
}

async function* mapPages<T>(pages: AsyncGenerator<Page<T>>, f: (t: T) => Listed): AsyncGenerator<Page<Listed>> {
  for await (const p of pages) yield { ...p, items: p.items.map(f) };
}

export async function runImport(o: ImportOptions): Promise<ImportReport> {
  const c = o.connection;
  const state = loadState(o.stateFile, { connection: c.name, project: c.project, since: o.since, after: o.after });
  const report: ImportReport = {
    pipelines: 0,
    skipped: 0,
    records: 0,
    logs: 0,
    fetchErrors: 0,
    interrupted: false,
    resumedFrom: state.page,
  };
  const started = Date.now();
  let total = 0;
  let seen = 0;
  for await (const page of listing(o, state.page ?? undefined)) {
    if (page.url !== state.page) {
      state.page = page.url;
      state.done = {};
    }
    if (page.total !== null) total = Math.max(total, page.total);
    for (const item of page.items) {
      if (o.stop?.aborted) return stopped(o, state, report);
      seen++;
      if (state.done[item.id] === item.updatedAt) report.skipped++;
      else await importOne(o, item, report);
      state.done[item.id] = item.updatedAt;
      state.imported = report.pipelines;
      saveState(o.stateFile, state);
      o.progress?.(seen, Math.max(total, seen), Date.now() - started);
    }
    if (page.next !== null) {
      state.page = page.next;
      state.done = {};
      saveState(o.stateFile, state);
    }
  }
  state.finished = true;
  saveState(o.stateFile, state);
  return report;
}

function stopped(o: ImportOptions, state: ImportState, report: ImportReport): ImportReport {
  saveState(o.stateFile, state);
  return { ...report, interrupted: true };
}

/** One pipeline: its observation, the logs of its failed jobs, written together. */
async function importOne(o: ImportOptions, item: Listed, report: ImportReport): Promise<void> {
  const c = o.connection;
  const observation = await item.observe();
  const updatedAt = iso(item.updatedAt) ?? item.updatedAt;
  const records: IntakeEvent[] = observeRecords(c, observation, updatedAt);
  if (o.logStore !== null) {
    for (const job of observation.jobs.filter((j) => j.status === 'failed')) {
      const result = await fetchJobLog(
        { connections: () => [c], store: o.logStore, policy: o.policy, limits: o.limits },
        {
          pipelineId: observation.pipeline_id,
          projectId: c.project,
          job: job.job_id,
          externalJobId: job.external_id,
          at: { connection: c, externalProject: c.externalProject },
        },
      );
      if (result.fetch_error === null) report.logs++;
      else report.fetchErrors++;
      records.push(
        attachJobLogRecord({
          pipelineId: observation.pipeline_id,
          projectId: c.project,
          job: job.job_id,
          at: new Date().toISOString(),
          producer: importProducer(c),
          correlationId: records[0]!.report_id,
          result,
        }),
      );
    }
  }
  await o.write(records);
  report.pipelines++;
  report.records += records.length;
}
