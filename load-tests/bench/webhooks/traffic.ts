// The traffic of the webhook benchmark, built before the clock starts: a GitLab pipeline as its deliveries
// (Pipeline Hook, Job Hooks running and success) and the same pipeline as report API requests.
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { REPO_ROOT } from '../../../services/lib/platform/schemas/catalog.js';
import { INSTANCE, JOBS, KEYED_PROJECT, REPORT_PROJECT, SECRET, TOKEN } from './settings.js';

/** One HTTP request of the traffic, built before the clock starts. */
export interface Req {
  path: string;
  headers: Record<string, string>;
  body: string;
}

// ---- Traffic ----
const fixture = (name: string) =>
  JSON.parse(readFileSync(join(REPO_ROOT, 'test/fixtures/hooks/gitlab', name), 'utf8')) as Record<string, unknown>;
/** GitLab's hook time format, "2024-03-05 09:14:02 UTC". */
const hookTime = (ms: number) => `${new Date(ms).toISOString().slice(0, 19).replace('T', ' ')} UTC`;
const iso = (ms: number) => new Date(ms).toISOString();
const hex = (n: number) => Array.from({ length: n }, () => Math.floor(Math.random() * 16).toString(16)).join('');

/** One GitLab pipeline (external id `id`) as its 7 deliveries: Pipeline Hook, then Job Hooks running and success. */
export function hookPipeline(id: number): Req[] {
  const t0 = Date.now();
  const sha = hex(40);
  const buildId = (j: number) => id * 10 + j;
  const headers = (event: string) => ({
    'content-type': 'application/json',
    'x-gitlab-event': event,
    'x-gitlab-token': SECRET,
    'x-gitlab-event-uuid': randomUUID(),
    'x-gitlab-instance': INSTANCE,
  });
  const pipeline = fixture('pipeline-hook.json');
  const attrs = pipeline.object_attributes as Record<string, unknown>;
  const builds = pipeline.builds as Record<string, unknown>[];
  Object.assign(attrs, {
    id,
    iid: id,
    name: `bench pipeline ${id}`,
    ref: 'main',
    sha,
    source: 'push',
    status: 'pending',
    detailed_status: 'pending',
    stages: ['test'],
    created_at: hookTime(t0),
    finished_at: null,
    duration: null,
    url: `${INSTANCE}/acme/widgets/-/pipelines/${id}`,
  });
  const template = builds.find((b) => b.status === 'success')!;
  pipeline.builds = JOBS.map((name, j) => ({
    ...template,
    id: buildId(j),
    stage: 'test',
    name,
    status: 'created',
    created_at: hookTime(t0),
    started_at: null,
    finished_at: null,
    duration: null,
    queued_duration: null,
    runner: null,
  }));
  const out: Req[] = [{ path: '/v1/hooks/gitlab', headers: headers('Pipeline Hook'), body: JSON.stringify(pipeline) }];
  const job = fixture('job-hook.json');
  for (const [j, name] of JOBS.entries()) {
    const started = t0 + 1000 + j * 100;
    const finished = started + 30_000;
    for (const status of ['running', 'success'] as const) {
      const done = status === 'success';
      const hook = {
        ...job,
        ref: 'main',
        sha,
        build_id: buildId(j),
        build_name: name,
        build_stage: 'test',
        build_status: status,
        build_created_at: iso(t0),
        build_created_at_iso: iso(t0).slice(0, 19) + 'Z',
        build_started_at: iso(started),
        build_started_at_iso: iso(started).slice(0, 19) + 'Z',
        build_finished_at: done ? iso(finished) : null,
        build_finished_at_iso: done ? iso(finished).slice(0, 19) + 'Z' : null,
        build_duration: done ? 30 : null,
        build_queued_duration: 1,
        build_failure_reason: null,
        retries_count: 0,
        pipeline_id: id,
        commit: { ...(job.commit as object), id, name: `bench pipeline ${id}`, sha, status: 'running' },
      };
      out.push({ path: '/v1/hooks/gitlab', headers: headers('Job Hook'), body: JSON.stringify(hook) });
    }
  }
  return out;
}

/** The same pipeline through the report API: create, then per job running and success; `keyed`: Idempotency-Keys. */
export function reportPipeline(i: number, keyed = false): Req[] {
  const id = randomUUID();
  const project = keyed ? KEYED_PROJECT : REPORT_PROJECT;
  const auth = { 'content-type': 'application/json', authorization: `Bearer ${TOKEN}` };
  const headers = (): Record<string, string> => (keyed ? { ...auth, 'idempotency-key': randomUUID() } : auth);
  const create = {
    project_id: project,
    pipeline_id: id,
    ref: `refs/heads/branch-${i % 200}`,
    sha: hex(40),
    source: 'push',
    // Many pipelines per ref: none may auto-cancel another (as the fixed mix's records say).
    definition: {
      stages: ['test'],
      jobs: JOBS.map((name) => ({ name, stage: 'test' })),
      workflow: { auto_cancel: { on_new_commit: 'none' } },
    },
  };
  const out: Req[] = [{ path: '/v1/pipelines', headers: headers(), body: JSON.stringify(create) }];
  for (const job of JOBS) {
    const running = { project_id: project, status: 'running', runner_id: `runner-${i % 16}` };
    const success = { project_id: project, status: 'success' };
    for (const body of [running, success])
      out.push({ path: `/v1/pipelines/${id}/jobs/${job}/reports`, headers: headers(), body: JSON.stringify(body) });
  }
  return out;
}
