// The values of the variables a manual job was played with (POST …/play, bulk `play`): secrets as far as
// Verity knows. Ingest masks them, as it masks a producer's masked values, in every log it stores and every
// excerpt it cuts for the same pipeline afterwards. They are held in this process's memory only (bounded,
// expiring), never written to a table and never logged: a log uploaded to another ingest instance, or after
// a restart, is masked with the producer's own masked values and the masker's rules only.
import { Lru } from '../../lib/platform/lru.js';

/** The most values kept per pipeline (the newest win): two full plays of 50 variables. */
const MAX_VALUES = 100;

export class PlayedValues {
  private readonly byPipeline: Lru<string, readonly string[]>;

  constructor(
    maxPipelines = 10_000,
    private readonly ttlMs = 7 * 86_400_000,
    now: () => number = Date.now,
  ) {
    this.byPipeline = new Lru(maxPipelines, now);
  }

  /** Remembers the values of a play of one of `pipelineId`'s jobs (the project owns it: checked before). */
  remember(projectId: string, pipelineId: string, values: readonly string[]): void {
    if (values.length === 0) return;
    const key = `${projectId}\0${pipelineId}`;
    const merged = [...new Set([...(this.byPipeline.get(key) ?? []), ...values])];
    this.byPipeline.set(key, merged.slice(-MAX_VALUES), this.ttlMs);
  }

  /** The values to mask in a log or excerpt of `pipelineId`, besides the producer's own. */
  of(projectId: string, pipelineId: string): readonly string[] {
    return this.byPipeline.get(`${projectId}\0${pipelineId}`) ?? [];
  }
}
