// GitHub's REST API (Actions) as Verity reads it: a job's log (the endpoint answers 302 to a storage URL,
// which request.ts follows without the token), and for the import a repository's workflow runs created since a
// date and the jobs of a run (one attempt's, or every attempt's with filter=all). Shapes: the fields read.
import { pages, type Page } from './pagination.js';
import type { ProducerClient } from './producer-client.js';

export interface GithubRun {
  id: number;
  name?: string | null;
  head_branch?: string | null;
  head_sha?: string | null;
  event?: string | null;
  status: string;
  conclusion?: string | null;
  run_attempt?: number | null;
  created_at?: string | null;
  run_started_at?: string | null;
  updated_at: string;
  html_url?: string | null;
  actor?: { login?: string | null } | null;
  triggering_actor?: { login?: string | null } | null;
}

export interface GithubStep {
  number: number;
  name: string;
  status: string;
  conclusion?: string | null;
  started_at?: string | null;
  completed_at?: string | null;
}

export interface GithubJob {
  id: number;
  run_id: number;
  run_attempt?: number | null;
  name: string;
  workflow_name?: string | null;
  head_branch?: string | null;
  head_sha?: string | null;
  status: string;
  conclusion?: string | null;
  created_at?: string | null;
  started_at?: string | null;
  completed_at?: string | null;
  html_url?: string | null;
  runner_name?: string | null;
  steps?: GithubStep[] | null;
}

/** owner/repo as a path: each part encoded, the slash kept. */
const repo = (r: string) => r.split('/').map(encodeURIComponent).join('/');

export class GithubApi {
  constructor(private readonly client: ProducerClient) {}

  /** The job's log (its last `limitBytes` when longer), from wherever the 302 leads. */
  async jobLogs(repository: string, jobId: string, limitBytes?: number) {
    const res = await this.client.get(`/repos/${repo(repository)}/actions/jobs/${encodeURIComponent(jobId)}/logs`, {
      keep: 'tail',
      ...(limitBytes === undefined ? {} : { limitBytes }),
    });
    return { data: res.body, truncated: res.truncated };
  }

  /** Runs created at or after `since` (newest first, as GitHub lists them); `from`: a page URL to go on from. */
  runs(repository: string, since: string, from?: string): AsyncGenerator<Page<GithubRun>> {
    const q = new URLSearchParams({ created: `>=${since}`, per_page: '100' });
    const first = from ?? this.url(`/repos/${repo(repository)}/actions/runs?${q}`);
    return pages(
      first,
      (u) => this.client.get(u),
      (json) => {
        const j = json as { workflow_runs?: GithubRun[]; total_count?: number };
        return { items: j.workflow_runs ?? [], total: j.total_count ?? null };
      },
    );
  }

  /** The jobs of a run: of one attempt, or (no attempt) of every attempt. */
  async runJobs(repository: string, runId: number, attempt?: number): Promise<GithubJob[]> {
    const base = `/repos/${repo(repository)}/actions/runs/${runId}`;
    const path =
      attempt === undefined ? `${base}/jobs?filter=all&per_page=100` : `${base}/attempts/${attempt}/jobs?per_page=100`;
    const out: GithubJob[] = [];
    const pick = (json: unknown) => ({ items: (json as { jobs?: GithubJob[] }).jobs ?? [] });
    for await (const page of pages(this.url(path), (u) => this.client.get(u), pick)) out.push(...page.items);
    return out;
  }

  private url(path: string): string {
    return `${this.client.connection.apiUrl.replace(/\/+$/, '')}${path}`;
  }
}
