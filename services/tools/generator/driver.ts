// The load generator's drive loop: takes the model's op stream (op-stream.ts) and sends it through a sink
// (http-sink.ts, kafka-sink.ts). Pacing: open loop — op k is due at t0 + (reports or canonical events
// before it) / rate, by the wall clock; the sender never slows down because the system lags, it measures
// how far behind that schedule each op actually went out ("behind schedule"). Or max mode: as fast as the
// bounded in-flight requests allow. Order: a pipeline's ops go out in order, and an op is only sent once
// every request holding an earlier op of its pipeline was answered (two requests in flight may be handled
// by ingest in any order).
import { record } from '../../lib/core/stats/histogram.js';
import type { DriveOptions } from './drive-options.js';
import { emptyResult, ledgerEntry, tallyFinished, type DriveResult, type Progress } from './ledger.js';
import type { ScenarioModel } from './model.js';
import { OpStream, type StreamItem } from './op-stream.js';
import type { BulkLine, PipelinePlan } from './ops.js';
import { remember, type Sink } from './sink.js';

interface Queued {
  item: StreamItem;
  /** performance.now() when due; null in max mode. */
  due: number | null;
}

export async function drive(model: ScenarioModel, sink: Sink, o: DriveOptions): Promise<DriveResult> {
  const stream = new OpStream(model, {
    active: o.active,
    ...(o.maxPipelines === undefined ? {} : { maxPipelines: o.maxPipelines }),
  });
  const max = o.rate === null;
  const t0 = performance.now();
  const runEnd = t0 + o.durationS * 1000;
  const cost = (item: StreamItem) => (o.rateUnit === 'events' ? item.op.events : 1);

  let pending: Queued[] = [];
  const maxPending = max ? o.batchLines * (o.maxInFlight + 2) : 200_000;
  const busy = new Map<number, number>(); // pipeline index → requests in flight holding its ops
  const dead = new Set<number>(); // pipelines with a refused op: the rest of their ops is dropped
  const anchors = new Map<number, number>(); // pipeline index → epoch ms its creation went out
  let units = 0;
  let exhausted = false;
  let draining = false;
  let inFlight = 0;
  let wake: (() => void) | undefined;
  const r = emptyResult(max);

  const finished = (plan: PipelinePlan) => {
    anchors.delete(plan.index);
    tallyFinished(r, plan);
  };

  const serialise = (item: StreamItem): BulkLine => {
    const { plan, op, opIndex } = item;
    if (opIndex === 0) {
      r.pipelines++;
      if (o.collectPipelineIds) r.pipelineIds.push(plan.pipelineId);
      if (o.clock === 'sim') anchors.set(plan.index, Date.now());
      o.ledger?.set(plan.pipelineId, ledgerEntry(plan));
    }
    const entry = o.ledger?.get(plan.pipelineId);
    if (entry) entry.sent++;
    const line = (
      o.idempotencyKeys ? { ...op.line, idempotency_key: `${plan.pipelineId}:${opIndex}` } : op.line
    ) as BulkLine;
    if (o.clock === 'wall') return line;
    const anchor = anchors.get(plan.index) ?? Date.now();
    // The pipeline's simulated timeline, ending when its creation went out: real durations, never in the future.
    return { ...line, occurred_at: new Date(anchor - plan.spanMs + op.at).toISOString() };
  };

  const endRun = (now: number) => {
    if (r.run.ms === 0) r.run = { ms: now - t0, reports: r.reports, accepted: r.accepted };
  };

  const pull = (now: number) => {
    if (!draining && !o.signal?.aborted && now >= runEnd) {
      draining = true;
      endRun(now);
      if (o.drain) stream.stopStarting();
      else exhausted = true;
    }
    if (o.signal?.aborted) {
      exhausted = true;
      r.unsent += pending.length; // stop soon: what waits is not sent
      pending = [];
    }
    while (!exhausted && pending.length < maxPending) {
      const due = max ? null : t0 + (units / o.rate!) * 1000;
      if (due !== null && due > now) break;
      const item = stream.next();
      if (!item) {
        exhausted = true;
        break;
      }
      units += cost(item);
      pending.push({ item, due });
    }
  };

  /** The oldest sendable ops: none of a pipeline with a request in flight, a pipeline's ops in order. */
  const takeBatch = (): { q: Queued; line: BulkLine }[] => {
    const batch: { q: Queued; line: BulkLine }[] = [];
    const held = new Set<number>();
    let rest: Queued[] = [];
    let chars = 0;
    for (let i = 0; i < pending.length; i++) {
      if (batch.length >= o.batchLines || chars >= o.batchChars) {
        rest = rest.concat(pending.slice(i)); // full: the rest waits, in order
        break;
      }
      const q = pending[i]!;
      const p = q.item.plan.index;
      if (dead.has(p)) {
        r.dropped++;
        if (q.item.last) anchors.delete(p);
        continue;
      }
      if (held.has(p) || busy.has(p)) {
        held.add(p); // its later ops wait too
        rest.push(q);
        continue;
      }
      const line = serialise(q.item);
      chars += line.op === 'report' && line.log_tail ? line.log_tail.length + 300 : 300;
      batch.push({ q, line });
    }
    pending = rest;
    return batch;
  };

  const dispatch = (batch: { q: Queued; line: BulkLine }[]) => {
    const sentAt = performance.now();
    for (const { q } of batch) {
      const p = q.item.plan.index;
      busy.set(p, (busy.get(p) ?? 0) + 1);
      if (q.due !== null && r.behind) {
        const late = Math.max(0, sentAt - q.due);
        record(r.behind, late);
        r.behindMax = Math.max(r.behindMax, late);
      }
    }
    inFlight++;
    r.requests++;
    r.reports += batch.length;
    void sink
      .send(batch.map((b) => b.line))
      .catch((err: unknown) => {
        remember(sink.errors, `send: ${(err as Error).message}`);
        return batch.map(() => 599);
      })
      .then((statuses) => {
        record(r.requestMs, performance.now() - sentAt);
        batch.forEach(({ q }, i) => {
          const { plan, op, last } = q.item;
          const p = plan.index;
          const n = busy.get(p)! - 1;
          if (n === 0) busy.delete(p);
          else busy.set(p, n);
          const status = statuses[i] ?? 599;
          const entry = o.ledger?.get(plan.pipelineId);
          if (status === 202) {
            o.onAccepted?.(op.line);
            r.accepted++;
            r.eventsExpected += op.events;
            if (entry) {
              entry.accepted++;
              entry.events += op.events;
              entry.complete = last && !entry.refused;
            }
          } else {
            dead.add(p);
            if (entry) entry.refused = true;
            if (status >= 500) r.errors++;
            else r.rejected++;
          }
          if (last && !dead.has(p)) finished(plan);
        });
        inFlight--;
        wake?.();
      });
  };

  let lastProgress = 0;
  const progress = (phase: Progress['phase']) => {
    const now = performance.now();
    const oldest = pending[0]?.due;
    o.onProgress?.({
      phase,
      elapsed_ms: Math.round(now - t0),
      pipelines: r.pipelines,
      reports: r.reports,
      accepted: r.accepted,
      rejected: r.rejected,
      errors: r.errors,
      in_flight: inFlight,
      pending: pending.length,
      remaining: stream.remaining + pending.length,
      reports_per_s: now > t0 ? Math.round((r.reports / (now - t0)) * 1000) : 0,
      behind_ms: oldest === undefined || oldest === null ? 0 : Math.max(0, Math.round(now - oldest)),
      run_ms: o.durationS * 1000,
    });
    lastProgress = now;
  };

  for (;;) {
    const now = performance.now();
    pull(now);
    while (inFlight < o.maxInFlight) {
      const batch = takeBatch();
      if (batch.length === 0) break;
      dispatch(batch);
    }
    if (exhausted && pending.length === 0 && inFlight === 0) break;
    if (o.onProgress && now - lastProgress >= o.progressEveryMs) progress(draining ? 'drain' : 'run');
    // Sleep until the next op is due (at least a tick, so ops due together share a request), or a reply.
    const nextDue = max || exhausted ? Infinity : t0 + (units / o.rate!) * 1000;
    const waitMs = Math.min(
      Math.max(o.tickMs, nextDue - performance.now()),
      Math.max(1, runEnd - performance.now()),
      o.progressEveryMs,
    );
    await new Promise<void>((resolve) => {
      const timer = setTimeout(done, max && pending.length === 0 && !exhausted ? 0 : waitMs);
      function done() {
        clearTimeout(timer);
        wake = undefined;
        resolve();
      }
      wake = done;
    });
  }
  r.unsent += pending.length;
  r.elapsedMs = performance.now() - t0;
  endRun(performance.now()); // the stream ended (or was aborted) before the duration
  if (o.onProgress) progress('done');
  return r;
}
