// What the fetcher remembers of observed pipelines, from the canonical events: each observed pipeline's
// external CI (PipelineCreated with mode observed: system, instance, its id and link there) and each observed
// job attempt's id and link there (JobObserved). Both bounded, least recently used first out; what falls out
// is counted. Nothing here is durable: the feed (feed.ts) rebuilds it at every assignment by reading the
// partition again from FETCHER_LOOKBACK_HOURS ago (or from its committed offset, if older).
import type { JobObserved, PipelineCreated } from '../../lib/core/events/generated.js';
import type { ConnectionSystem } from '../../lib/platform/connections/connection.js';
import { Lru } from '../../lib/platform/lru.js';

export interface ObservedPipeline {
  projectId: string;
  system: ConnectionSystem;
  instance: string;
  externalId: string;
  url: string | null;
}

export interface ObservedJob {
  pipelineId: string;
  externalId: string;
  url: string | null;
}

export class ObservedBook {
  private readonly pipelines: Lru<string, ObservedPipeline>;
  private readonly jobs: Lru<string, ObservedJob>;

  constructor(limits: { maxPipelines: number; maxJobs: number }) {
    this.pipelines = new Lru(limits.maxPipelines);
    this.jobs = new Lru(limits.maxJobs);
  }

  /** Takes what the event says of an observed pipeline or job; any other event is left alone. */
  note(event: PipelineCreated | JobObserved): void {
    if (event.type === 'PipelineCreated') {
      if (event.mode !== 'observed' || !event.external) return;
      const x = event.external;
      this.pipelines.set(event.pipeline_id, {
        projectId: event.project_id,
        system: x.system,
        instance: x.instance,
        externalId: x.id,
        url: x.url,
      });
      return;
    }
    this.jobs.set(event.job_id, { pipelineId: event.pipeline_id, externalId: event.external_id, url: event.url });
    // A job of the pipeline keeps the pipeline in memory as long as the job.
    this.pipelines.get(event.pipeline_id);
  }

  pipeline(pipelineId: string): ObservedPipeline | undefined {
    return this.pipelines.get(pipelineId);
  }

  job(jobId: string): ObservedJob | undefined {
    return this.jobs.get(jobId);
  }

  stats() {
    return {
      pipelines: this.pipelines.size,
      jobs: this.jobs.size,
      evictedPipelines: this.pipelines.evicted,
      evictedJobs: this.jobs.evicted,
    };
  }
}
