// The op stream: many pipelines of the model interleaved by simulated time, in the order the driver sends
// their ops (the driver decides the wall-clock pacing).
import { Agenda } from './agenda.js';
import type { ScenarioModel } from './model.js';
import type { PipelinePlan, PlannedOp } from './ops.js';
import { Rng } from './rng.js';

export interface StreamItem {
  plan: PipelinePlan;
  op: PlannedOp;
  /** Position of the op in its pipeline. */
  opIndex: number;
  last: boolean;
  /** Simulated time of the op on the stream's clock. */
  simAt: number;
}

export interface StreamOptions {
  /** Pipelines in progress at once (a closed population: one ends, the next starts). */
  active: number;
  /** Stop after this many pipelines (all their ops included). */
  maxPipelines?: number;
}

/**
 * A pure, deterministic merge of many pipelines' ops by simulated time. `active` pipelines run at
 * once; the first ones start spread over ten simulated minutes, each later one when another ends.
 */
export class OpStream {
  private readonly agenda = new Agenda<{ plan: PipelinePlan; start: number; i: number }>();
  private readonly arrivals: Rng;
  private nextIndex = 0;
  private starting = true;
  private clock = 0;
  /** Ops of started pipelines not yet handed out. */
  remaining = 0;

  constructor(
    private readonly model: ScenarioModel,
    private readonly opts: StreamOptions,
  ) {
    if (!Number.isInteger(opts.active) || opts.active < 1)
      throw new Error(`active must be a positive integer, got ${opts.active}`);
    this.arrivals = new Rng(model.options.seed, 'arrivals');
    let t = 0;
    for (let k = 0; k < opts.active; k++) {
      this.start(Math.round(t));
      t += this.arrivals.exponential(600_000 / opts.active);
    }
  }

  get pipelinesStarted(): number {
    return this.nextIndex;
  }

  /** No new pipeline starts; the ones in progress run to their end. */
  stopStarting(): void {
    this.starting = false;
  }

  next(): StreamItem | undefined {
    const top = this.agenda.pop();
    if (!top) return undefined;
    const { plan, start, i } = top.v;
    this.clock = top.t;
    this.remaining--;
    const last = i === plan.ops.length - 1;
    if (!last) this.agenda.push(start + plan.ops[i + 1]!.at, { plan, start, i: i + 1 }, plan.index * 1024 + i + 1);
    else this.start(this.clock + Math.round(this.arrivals.exponential(2_000)));
    return { plan, op: plan.ops[i]!, opIndex: i, last, simAt: top.t };
  }

  private start(at: number): void {
    if (!this.starting || (this.opts.maxPipelines !== undefined && this.nextIndex >= this.opts.maxPipelines)) return;
    const plan = this.model.pipeline(this.nextIndex++);
    this.remaining += plan.ops.length;
    this.agenda.push(at, { plan, start: at, i: 0 }, plan.index * 1024);
  }
}
