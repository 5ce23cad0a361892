// Ids of observed pipelines and jobs (issue 14): UUIDv5 of (instance URL, kind, external id), so every
// delivery of the same GitLab build or GitHub job names the same Verity id, on every ingest instance, and
// two CI instances never collide (GitLab pipeline 42 on gitlab.com and on gitlab.example.com differ).
import { v5 as uuidv5 } from 'uuid';
import type { ObservePipeline } from '../events/generated.js';
import type { IntakeEnvelope } from '../events/internal-envelope.js';

/** Verity's namespace for observed ids (a fixed random UUID; changing it renames every observed pipeline). */
export const OBSERVED_NAMESPACE = '6f1d8a2e-3c4b-5d6e-8f70-9a1b2c3d4e5f';

export type ObservedKind = 'pipeline' | 'job';

/** The instance URL as ids see it: lower-case scheme and host, no trailing slash. */
export function normaliseInstance(instance: string): string {
  const trimmed = instance.trim().replace(/\/+$/, '');
  try {
    const url = new URL(trimmed);
    return `${url.protocol}//${url.host}${url.pathname.replace(/\/+$/, '')}`.toLowerCase();
  } catch {
    return trimmed.toLowerCase();
  }
}

export function observedId(instance: string, kind: ObservedKind, externalId: string | number): string {
  return uuidv5(`${normaliseInstance(instance)}\n${kind}\n${String(externalId)}`, OBSERVED_NAMESPACE);
}

/** What an adapter makes of one delivery: an ObservePipeline record without the envelope ingest adds. */
export type Observation = Omit<ObservePipeline, keyof IntakeEnvelope | 'type'> & { pipeline_id: string };
export type ObservedJob = ObservePipeline['jobs'][number];
export type ObservedPipelineFacts = NonNullable<ObservePipeline['pipeline']>;
