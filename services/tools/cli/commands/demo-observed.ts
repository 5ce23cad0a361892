// The demo's observed pipeline: a GitLab pipeline reported the way a GitLab project hook reports it (a
// Pipeline Hook with its builds, then the Job Hook of the build that failed), through ingest's
// /v1/hooks/gitlab with the demo connection's secret (.data/verity/hook-secret, written by
// infra/stack/verity.sh). The demo connection has no API token, so the fetcher records why the failed
// build's log could not be fetched: every service sees observed traffic too.
import { randomUUID } from 'node:crypto';
import { observedId } from '../../../lib/core/observed/ids.js';

const INSTANCE = 'https://gitlab.example.com';

const gitlabTime = (d: Date) =>
  d
    .toISOString()
    .replace('T', ' ')
    .replace(/\.\d+Z$/, ' UTC');

export interface ObservedDemo {
  pipelineId: string;
  answers: number[];
}

/** Posts one pipeline's hooks; the pipeline id there is the demo's run time, so each demo makes a new one. */
export async function sendObservedDemo(ingest: string, secret: string, now = new Date()): Promise<ObservedDemo> {
  const id = Math.floor(now.getTime() / 1000);
  const at = (s: number) => gitlabTime(new Date(now.getTime() - (300 - s) * 1000));
  const project = { id: 4711, path_with_namespace: 'acme/widgets' };
  const build = (n: number, name: string, stage: string, status: string, extra: object = {}) => ({
    id: id * 10 + n,
    name,
    stage,
    status,
    created_at: at(0),
    started_at: at(10 + n * 60),
    finished_at: at(60 + n * 60),
    duration: 50,
    queued_duration: 10,
    allow_failure: false,
    runner: { id: 7, description: 'demo-runner' },
    user: { username: 'demo' },
    ...extra,
  });
  const pipelineHook = {
    object_kind: 'pipeline',
    object_attributes: {
      id,
      ref: 'main',
      sha: 'c0ffee0000000000000000000000000000000042',
      source: 'push',
      status: 'failed',
      stages: ['build', 'test'],
      created_at: at(0),
      finished_at: at(180),
    },
    user: { username: 'demo' },
    project,
    builds: [
      build(1, 'compile', 'build', 'success'),
      build(2, 'lint', 'test', 'failed', { failure_reason: 'script_failure' }),
    ],
  };
  const jobHook = {
    object_kind: 'build',
    ref: 'main',
    sha: 'c0ffee0000000000000000000000000000000042',
    build_id: id * 10 + 2,
    build_name: 'lint',
    build_stage: 'test',
    build_status: 'failed',
    build_failure_reason: 'script_failure',
    build_started_at: at(130),
    build_finished_at: at(180),
    build_duration: 50,
    retries_count: 0,
    pipeline_id: id,
    project_id: project.id,
    project,
  };
  const answers: number[] = [];
  for (const [event, body] of [
    ['Pipeline Hook', pipelineHook],
    ['Job Hook', jobHook],
  ] as const) {
    const r = await fetch(`${ingest}/v1/hooks/gitlab`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'x-gitlab-event': event,
        'x-gitlab-token': secret,
        'x-gitlab-event-uuid': randomUUID(),
      },
      body: JSON.stringify(body),
    });
    await r.arrayBuffer();
    answers.push(r.status);
  }
  return { pipelineId: observedId(INSTANCE, 'pipeline', id), answers };
}
