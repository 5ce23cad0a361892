// GET /v1/stream: Server-Sent Events of pipeline and job changes. One Kafka consumer per query
// instance follows ci.pipeline.events.v1 (read_committed) into a bounded ring buffer; each SSE client
// gets the events of the projects it may see, with id = "<partition>:<offset>". A client that
// reconnects with Last-Event-ID gets what it missed from the ring; one whose last event left the ring
// gets a `reset` event (refetch with the list API). Slow clients are disconnected, never buffered
// without bound. A client sees only the events of the projects its token may read (a `project` of
// another project narrows to none), and resumes only after an event it could see: any other
// Last-Event-ID gets the same `reset` as an unknown one, so ids of other projects' events tell nothing.
import { randomUUID } from 'node:crypto';
import type { Response } from 'express';
import type { Kafka } from 'kafkajs';
import type { PipelineEvent } from '../../lib/core/events/generated.js';
import { ConsumerRunner, type Slice } from '../../lib/platform/consumer/runner.js';
import { scopedId, TOPICS } from '../../lib/platform/kafka/topics.js';
import type { Logger } from '../../lib/platform/log.js';
import type { EventCodec } from '../../lib/platform/registry/codec.js';

export interface StreamItem {
  id: string;
  partition: number;
  offset: bigint;
  projectId: string;
  pipelineId: string;
  data: string;
}

interface Client {
  res: Response;
  /** The projects it may see; undefined: every project; []: none. */
  projects: string[] | undefined;
  pipelineId: string | undefined;
}

/**
 * The change a UI needs: the event without its bulky or internal fields, and without the values of a played
 * job's variables (secrets): only their keys, as `variable_keys`.
 */
export function summary(e: PipelineEvent): Record<string, unknown> {
  const {
    log_excerpt: _excerpt,
    definition: _definition,
    causation_id: _c,
    correlation_id: _k,
    variables,
    ...rest
  } = e as PipelineEvent & { log_excerpt?: string; definition?: unknown; variables?: { key: string }[] };
  return variables === undefined ? rest : { ...rest, variable_keys: variables.map((v) => v.key) };
}

/**
 * Whether a client may see an item: its project among the client's (none when []), and its pipeline if the client named
 * one.
 */
function visibleTo(
  c: Pick<Client, 'projects' | 'pipelineId'>,
  item: Pick<StreamItem, 'projectId' | 'pipelineId'>,
): boolean {
  if (c.projects && !c.projects.includes(item.projectId)) return false;
  return c.pipelineId === undefined || item.pipelineId === c.pipelineId;
}

export class StreamHub {
  private readonly ring: StreamItem[] = [];
  private readonly clients = new Set<Client>();
  private runner: ConsumerRunner<PipelineEvent> | undefined;

  constructor(
    private readonly kafka: Kafka,
    private readonly codec: EventCodec<PipelineEvent>,
    private readonly log: Logger,
    private readonly ringSize = 10_000,
    private readonly maxClients = 1_000,
    private readonly stallMs = 60_000,
  ) {}

  get ready(): boolean {
    return this.runner?.ready ?? false;
  }

  /** True, or why the live stream cannot follow the topic now. */
  readiness(): true | string {
    return this.runner?.readiness() ?? 'live-update consumer not started';
  }

  /**
   * Follows the topic from its end with a group of its own (the consumer runner in 'none' mode: nothing is
   * committed; an undecodable record is logged and skipped — the projector dead-letters it).
   */
  async start(instanceId: string): Promise<void> {
    this.runner = new ConsumerRunner<PipelineEvent>(
      this.kafka,
      {
        service: 'query',
        groupId: scopedId(`verity-query-stream-${instanceId}-${randomUUID().slice(0, 8)}`),
        topics: [TOPICS.pipelineEvents],
        codecs: new Map([[TOPICS.pipelineEvents, this.codec]]),
        mode: 'none',
        fromBeginning: false,
        stallMs: this.stallMs,
      },
      { process: async (slice) => this.onSlice(slice) },
      this.log,
    );
    await this.runner.start();
  }

  private onSlice(slice: Slice<PipelineEvent>): void {
    for (const r of slice.records) {
      const item: StreamItem = {
        id: `${slice.partition}:${r.offset}`,
        partition: slice.partition,
        offset: r.offset,
        projectId: r.event.project_id,
        pipelineId: r.event.pipeline_id,
        data: JSON.stringify(summary(r.event)),
      };
      this.ring.push(item);
      if (this.ring.length > this.ringSize) this.ring.shift();
      for (const c of this.clients) this.send(c, item);
    }
  }

  private visible(c: Client, item: StreamItem): boolean {
    return visibleTo(c, item);
  }

  private send(c: Client, item: StreamItem): void {
    if (!this.visible(c, item)) return;
    // Backpressure: a client whose socket buffer is full is too slow; drop it (it can resume).
    if (c.res.writableLength > 1 << 20) {
      c.res.end();
      this.clients.delete(c);
      return;
    }
    c.res.write(`id: ${item.id}\nevent: ${JSON.parse(item.data).type}\ndata: ${item.data}\n\n`);
  }

  /** Attaches an SSE response; returns false when the hub is full (caller answers 503). */
  attach(
    res: Response,
    projects: string[] | undefined,
    pipelineId: string | undefined,
    lastEventId: string | undefined,
  ): boolean {
    if (this.clients.size >= this.maxClients) return false;
    res.status(200).set({
      'Content-Type': 'text/event-stream',
      'Cache-Control': 'no-cache',
      Connection: 'keep-alive',
      'X-Accel-Buffering': 'no',
    });
    res.flushHeaders();
    res.write('retry: 2000\n\n');
    const client: Client = { res, projects, pipelineId };
    if (lastEventId) this.replay(client, lastEventId);
    this.clients.add(client);
    const heartbeat = setInterval(() => res.write(': keep-alive\n\n'), 15_000);
    res.on('close', () => {
      clearInterval(heartbeat);
      this.clients.delete(client);
    });
    return true;
  }

  /**
   * Sends what arrived after the event `lastEventId` ("<partition>:<offset>"), in arrival order; when
   * that event is not in the ring (too old, or seen on another instance), a `reset` event instead.
   */
  private replay(c: Client, lastEventId: string): void {
    const id = lastEventId.trim();
    const after = this.ring.findIndex((item) => item.id === id && this.visible(c, item));
    if (after < 0) {
      c.res.write(`event: reset\ndata: {"reason":"cannot resume after this event id; refetch with the list API"}\n\n`);
      return;
    }
    for (const item of this.ring.slice(after + 1)) this.send(c, item);
  }

  async stop(): Promise<void> {
    for (const c of this.clients) c.res.end();
    this.clients.clear();
    await this.runner?.stop();
  }
}
