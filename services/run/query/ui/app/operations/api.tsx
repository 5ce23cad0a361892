// The operations page's reads and its one write (docs/API.md, "Operations"): the answers' shapes as the query
// API gives them, GETs through getJson, and the redrive POST (JSON, so that no cross-site form can send it).
// Every operations route answers 403 to a token scoped to projects: that is Forbidden here, explained by the page.
import { getJson, SessionEnded } from '../api.js';

export interface PartitionLag {
  topic: string;
  partition: number;
  position: number | null;
  end: number;
  lag: number | null;
  stalled: boolean;
  moved_at: string | null;
}

export interface ConsumerGroup {
  group: string;
  positions_in: 'kafka' | 'postgres';
  projection: string | null;
  state: string;
  members: number;
  lag: number;
  stalled: number;
  partitions: PartitionLag[];
}

export interface Consumers {
  observed_at: string;
  stall_ms: number;
  groups: ConsumerGroup[];
  truncated: boolean;
}

export interface DeadLetter {
  partition: number;
  offset: number;
  timestamp: string;
  key: string | null;
  reason: string | null;
  error_class: string | null;
  error: string | null;
  consumer_group: string | null;
  source_topic: string | null;
  source_partition: number | null;
  source_offset: number | null;
  recorded_at: string | null;
  event_type: string | null;
  redriven_from: string | null;
  bytes: number;
  kind: 'none' | 'avro' | 'text' | 'binary';
  schema_id: number | null;
  preview: string | null;
}

export interface DeadLetterTopic {
  topic: string;
  dlq: string;
  count: number;
  pending: number;
  /** False: count and pending are upper bounds (offset spans). */
  exact: boolean;
  redrivable: boolean;
  complete: boolean;
  records: DeadLetter[];
}

export interface ProjectionPoison {
  projection: string;
  topic: string;
  partition: number;
  offset: number;
  pipeline_id: string | null;
  reason: string;
  error: string;
  recorded_at: string;
}

export interface DeadLetters {
  observed_at: string;
  limit: number;
  topics: DeadLetterTopic[];
  projections: {
    counts: { projection: string; topic: string; count: number; newest: string | null }[];
    newest: ProjectionPoison[];
  };
}

export interface Progress {
  done: number;
  total: number;
  percent: number;
}

export interface Version {
  version: number;
  schema: string;
  active: boolean;
  building: boolean;
  serving: boolean;
  projections: (Progress & {
    projection: string;
    topics: (Progress & { topic: string; checkpoints: number; partitions: number })[];
  })[];
}

export interface ReadModels {
  observed_at: string;
  active: number | null;
  building: number | null;
  serving: number | null;
  versions: Version[];
}

/** The session's token is scoped to projects: operations are not for it (403). */
export class Forbidden extends Error {}

async function get<T>(path: string): Promise<T> {
  try {
    return await getJson<T>(path);
  } catch (err) {
    if (err instanceof Error && / answered 403$/.test(err.message)) throw new Forbidden(err.message);
    throw err;
  }
}

export const loadConsumers = () => get<Consumers>('/v1/operations/consumers');
export const loadDeadLetters = () => get<DeadLetters>('/v1/operations/dead-letters');
export const loadReadModels = () => get<ReadModels>('/v1/operations/read-models');

/** Re-publishes the dead letters of `<topic>.dlq` not redriven yet; the problem's detail when refused. */
export async function redrive(topic: string): Promise<{ topic: string; redriven: number }> {
  const r = await fetch(`/v1/operations/dead-letters/${encodeURIComponent(topic)}/redrive`, {
    method: 'POST',
    headers: { Accept: 'application/json', 'Content-Type': 'application/json' },
    credentials: 'same-origin',
    body: '{}',
  });
  if (r.status === 401) {
    window.location.assign('/login');
    throw new SessionEnded('the session ended');
  }
  if (r.status === 403) throw new Forbidden('403');
  if (!r.ok) {
    const problem = (await r.json().catch(() => ({}))) as { detail?: string };
    throw new Error(problem.detail ?? `the redrive answered ${r.status}`);
  }
  return (await r.json()) as { topic: string; redriven: number };
}
