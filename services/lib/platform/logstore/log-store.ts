// Where whole job logs live. Events never carry logs: they carry a LogRef and a bounded excerpt.
// Postgres now (pg-log-store.ts); object storage later behind the same interface.

export interface LogRef {
  /** Opaque reference, e.g. "pg:job_logs/<uuid>". */
  ref: string;
  bytes: number;
  sha256: string;
}

export interface StoredLogMeta extends LogRef {
  pipelineId: string;
  projectId: string;
  job: string;
}

export interface LogStore {
  /**
   * Stores a (redacted) log once: the same bytes for the same job of the same pipeline and project
   * return the existing reference. Deduplication never crosses projects (no content oracle).
   */
  put(input: {
    pipelineId: string;
    projectId: string;
    job: string;
    data: Buffer;
  }): Promise<LogRef & { created: boolean }>;
  /** The newest log a project stored for a job of its pipeline, or null. */
  latest(at: { projectId: string; pipelineId: string; job: string }): Promise<StoredLogMeta | null>;
  /** The whole log; null when the reference is unknown. */
  get(ref: string): Promise<Buffer | null>;
}
