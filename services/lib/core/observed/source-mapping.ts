// What started an observed pipeline, in GitLab's terms (PipelineCreated.source): GitLab's own sources pass
// through; GitHub's triggering events map to the closest one; anything else is `unknown` (the raw value is
// in the delivery, and GitLab's newer sources — security policies, DAST — are not in Verity's enum).
import type { PipelineCreated } from '../events/generated.js';

export type PipelineSource = PipelineCreated['source'];

const GITLAB: ReadonlySet<string> = new Set<PipelineSource>([
  'push',
  'web',
  'trigger',
  'schedule',
  'api',
  'external',
  'pipeline',
  'chat',
  'merge_request_event',
  'external_pull_request_event',
  'parent_pipeline',
  'webhook',
]);

const GITHUB: Readonly<Record<string, PipelineSource>> = {
  push: 'push',
  pull_request: 'merge_request_event',
  pull_request_target: 'merge_request_event',
  merge_group: 'merge_request_event',
  schedule: 'schedule',
  workflow_dispatch: 'web',
  repository_dispatch: 'api',
  workflow_call: 'parent_pipeline',
  workflow_run: 'pipeline',
  dynamic: 'external',
};

export function pipelineSource(system: 'gitlab' | 'github' | 'cdevents', raw: string | null): PipelineSource {
  if (raw === null) return 'unknown';
  if (system === 'gitlab') return GITLAB.has(raw) ? (raw as PipelineSource) : 'unknown';
  if (system === 'github') return Object.hasOwn(GITHUB, raw) ? GITHUB[raw]! : 'unknown';
  return 'external';
}
