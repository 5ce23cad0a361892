// GitLab's REST API (v4) as Verity reads it: a job's log (trace), and for the import the project's pipelines
// updated since a time (oldest update first, so an interrupted import goes on from the last one it finished)
// and every job of a pipeline, retried ones included. Shapes: the fields read, nothing else.
import { pages, type Page } from './pagination.js';
import type { ProducerClient } from './producer-client.js';

/** A pipeline as GET /projects/:id/pipelines lists it. */
export interface GitlabPipeline {
  id: number;
  project_id?: number;
  sha?: string | null;
  ref?: string | null;
  status: string;
  source?: string | null;
  name?: string | null;
  created_at?: string | null;
  updated_at: string;
  web_url?: string | null;
}

/** A job as GET /projects/:id/pipelines/:pipeline_id/jobs lists it. */
export interface GitlabJob {
  id: number;
  name: string;
  stage?: string | null;
  status: string;
  failure_reason?: string | null;
  allow_failure?: boolean;
  retried?: boolean;
  created_at?: string | null;
  started_at?: string | null;
  finished_at?: string | null;
  erased_at?: string | null;
  duration?: number | null;
  queued_duration?: number | null;
  web_url?: string | null;
  user?: { username?: string | null } | null;
  runner?: { id?: number | null; description?: string | null } | null;
  pipeline?: { id: number; ref?: string | null; sha?: string | null; status?: string } | null;
}

const project = (p: string) => encodeURIComponent(p);
const list = <T>(json: unknown) => ({ items: Array.isArray(json) ? (json as T[]) : [] });

export class GitlabApi {
  constructor(private readonly client: ProducerClient) {}

  /** The job's log (its last `limitBytes` when longer). */
  async jobTrace(externalProject: string, jobId: string, limitBytes?: number) {
    const res = await this.client.get(`/projects/${project(externalProject)}/jobs/${encodeURIComponent(jobId)}/trace`, {
      keep: 'tail',
      ...(limitBytes === undefined ? {} : { limitBytes }),
    });
    return { data: res.body, truncated: res.truncated };
  }

  /** Pipelines updated after `since`, oldest update first; `from`: a page URL to go on from. */
  pipelines(externalProject: string, since: string, from?: string): AsyncGenerator<Page<GitlabPipeline>> {
    const q = new URLSearchParams({ updated_after: since, order_by: 'updated_at', sort: 'asc', per_page: '100' });
    const first = from ?? this.url(`/projects/${project(externalProject)}/pipelines?${q}`);
    return pages(first, (u) => this.client.get(u), list<GitlabPipeline>);
  }

  /** Every job of a pipeline, retried attempts included, all pages. */
  async pipelineJobs(externalProject: string, pipelineId: number): Promise<GitlabJob[]> {
    const path = `/projects/${project(externalProject)}/pipelines/${pipelineId}/jobs?include_retried=true&per_page=100`;
    const out: GitlabJob[] = [];
    for await (const page of pages(this.url(path), (u) => this.client.get(u), list<GitlabJob>)) out.push(...page.items);
    return out;
  }

  private url(path: string): string {
    return `${this.client.connection.apiUrl.replace(/\/+$/, '')}${path}`;
  }
}
