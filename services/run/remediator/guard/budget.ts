// Per-project budget of provider requests and tokens over a rolling window (an hour by default). The
// window is kept as BUCKETS time buckets per project, so memory per project is fixed whatever the traffic,
// and at most `maxProjects` projects are tracked: the least recently used one is forgotten first (its
// budget starts afresh if it comes back). Pure: the clock is injected.

export interface BudgetOptions {
  /** Requests a project may start per window. */
  requestsPerWindow: number;
  /** Tokens (prompt + completion) a project may spend per window; a request is refused once it is spent. */
  tokensPerWindow: number;
  windowMs: number;
  /** Projects tracked at once. */
  maxProjects: number;
}

export type BudgetDecision = { ok: true } | { ok: false; exhausted: 'requests' | 'tokens' };

/** Buckets per window: the window rolls forward one bucket (a minute, for an hour) at a time. */
export const BUCKETS = 60;

interface Usage {
  /** Bucket number (time / bucket length) each slot holds, -1 when unused. */
  bucketOf: number[];
  requests: number[];
  tokens: number[];
}

export class ProjectBudget {
  private readonly projects = new Map<string, Usage>();
  private readonly bucketMs: number;

  constructor(
    private readonly opts: BudgetOptions,
    private readonly now: () => number = Date.now,
  ) {
    this.bucketMs = Math.max(1, Math.ceil(opts.windowMs / BUCKETS));
  }

  /** Takes one request from the project's budget if both its requests and its tokens allow it. */
  tryAcquire(project: string): BudgetDecision {
    const { requests, tokens } = this.usage(project);
    if (requests >= this.opts.requestsPerWindow) return { ok: false, exhausted: 'requests' };
    if (tokens >= this.opts.tokensPerWindow) return { ok: false, exhausted: 'tokens' };
    this.add(project, 1, 0);
    return { ok: true };
  }

  /** Records tokens a request spent (known only once it has answered, or failed). */
  recordTokens(project: string, tokens: number): void {
    if (tokens > 0) this.add(project, 0, tokens);
  }

  /** Requests started and tokens spent by the project in the current window. */
  usage(project: string): { requests: number; tokens: number } {
    const usage = this.projects.get(project);
    const sum = { requests: 0, tokens: 0 };
    if (usage === undefined) return sum;
    const oldest = this.bucket() - BUCKETS + 1;
    for (let i = 0; i < BUCKETS; i++) {
      if (usage.bucketOf[i]! < oldest) continue;
      sum.requests += usage.requests[i]!;
      sum.tokens += usage.tokens[i]!;
    }
    return sum;
  }

  /** How many projects are tracked (at most maxProjects). */
  get size(): number {
    return this.projects.size;
  }

  private bucket(): number {
    return Math.floor(this.now() / this.bucketMs);
  }

  private add(project: string, requests: number, tokens: number): void {
    const usage = this.touch(project);
    const bucket = this.bucket();
    const slot = bucket % BUCKETS;
    if (usage.bucketOf[slot] !== bucket) {
      usage.bucketOf[slot] = bucket;
      usage.requests[slot] = 0;
      usage.tokens[slot] = 0;
    }
    usage.requests[slot]! += requests;
    usage.tokens[slot]! += tokens;
  }

  /** The project's usage, now the most recently used; evicts the least recently used beyond maxProjects. */
  private touch(project: string): Usage {
    let usage = this.projects.get(project);
    if (usage !== undefined) this.projects.delete(project);
    else
      usage = {
        bucketOf: new Array<number>(BUCKETS).fill(-1),
        requests: new Array<number>(BUCKETS).fill(0),
        tokens: new Array<number>(BUCKETS).fill(0),
      };
    this.projects.set(project, usage);
    while (this.projects.size > this.opts.maxProjects) this.projects.delete(this.projects.keys().next().value!);
    return usage;
  }
}
