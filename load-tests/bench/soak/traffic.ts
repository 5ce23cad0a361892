// The soak's traffic and what is sampled while it runs. Open loop: BENCH_SOAK_RATE reports/s as bulk NDJSON
// to ingest, whole pipelines of the generator's fixed mix per request (one pipeline in five fails with a
// 4 KiB log tail), at most 64 requests in flight, plus one query API list + detail a second; every 5 s the
// RSS of each service and the projector's /stats (lag p50/p99 over its last 50,000 events, events applied).
// Then the drain: how long until every pipeline sent is finished in the read model.
import { loadavg } from 'node:os';
import pg from 'pg';
import { fixedMix } from '../../../services/tools/generator/index.js';
import { rssMiB, type Running, type Service } from './services.js';
import { MINUTES, RATE, SAMPLE_MS, TICK_MS, TOKEN } from './settings.js';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** What the traffic sent and how it went. */
export interface TrafficStats {
  sentReports: number;
  sentPipelines: number;
  requests: number;
  failedRequests: number;
  firstFailure: string;
  skippedTicks: number;
  queries: number;
  failedQueries: number;
}

export const newTrafficStats = (): TrafficStats => ({
  sentReports: 0,
  sentPipelines: 0,
  requests: 0,
  failedRequests: 0,
  firstFailure: '',
  skippedTicks: 0,
  queries: 0,
  failedQueries: 0,
});

/** One sample of the series: RSS per service, the projector's lag and progress, the load average. */
export interface Sample {
  t_s: number;
  rss_mib: Partial<Record<Service, number | null>>;
  /** V8's used heap per service (nodejs_heap_size_used_bytes of its /metrics): what a leak in JS grows. */
  heap_used_mib?: Partial<Record<Service, number | null>>;
  /** Memory outside V8's heap that V8 knows of (nodejs_external_memory_bytes: Buffers, ArrayBuffers). */
  external_mib?: Partial<Record<Service, number | null>>;
  lag_p50_ms: number | null;
  lag_p99_ms: number | null;
  lag_samples: number | null;
  applied_events: number | null;
  sent_reports: number;
  load_1m: number;
}

/**
 * Runs the traffic for BENCH_SOAK_MINUTES (or until `stopped`), counting into `stats` and sampling into
 * `samples`; throws if a service exits meanwhile.
 */
export async function driveTraffic(
  running: Running[],
  stats: TrafficStats,
  samples: Sample[],
  stopped: () => boolean,
  log: (msg: string) => void,
  /** Called once when this fraction of the soak has passed (not awaited: the traffic goes on). */
  midway?: { at: number; run: () => Promise<void> },
): Promise<void> {
  let t0 = 0;
  let midwayDone: Promise<void> | undefined;
  const port = (s: Service) => running.find((r) => r.service === s)?.port;
  const ingestPort = port('ingest');
  if (!ingestPort) throw new Error('no ingest service: nothing to drive traffic through');
  const projectorPort = port('projector');
  const queryPort = port('query');

  // Traffic: open loop, whole pipelines per request, at most 64 requests in flight.
  const pipelinesPerTick = Math.max(1, Math.round((RATE * TICK_MS) / 1000 / 7));
  const inFlight = new Set<Promise<void>>();
  const post = async (lines: string[]) => {
    stats.requests++;
    try {
      const res = await fetch(`http://127.0.0.1:${ingestPort}/v1/reports:bulk`, {
        method: 'POST',
        headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/x-ndjson' },
        body: lines.join('\n'),
      });
      const text = await res.text();
      if (res.status !== 200 || text.includes('"status":4') || text.includes('"status":5'))
        throw new Error(`${res.status} ${text.slice(0, 200)}`);
    } catch (err) {
      stats.failedRequests++;
      stats.firstFailure ||= (err as Error).message;
    }
  };
  const auth = { headers: { authorization: `Bearer ${TOKEN}` } };
  const query = async (k: number) => {
    if (!queryPort) return;
    stats.queries++;
    try {
      const res = await fetch(
        `http://127.0.0.1:${queryPort}/v1/pipelines?project=${encodeURIComponent(`bench/project-${k % 50}`)}&limit=20`,
        auth,
      );
      const body = (await res.json()) as { items?: { id?: string; pipeline_id?: string }[] };
      if (res.status !== 200) throw new Error(String(res.status));
      const first = body.items?.[0];
      const id = first?.pipeline_id ?? first?.id;
      if (id) {
        stats.queries++;
        const d = await fetch(`http://127.0.0.1:${queryPort}/v1/pipelines/${id}`, auth);
        await d.arrayBuffer();
        if (d.status !== 200) throw new Error(String(d.status));
      }
    } catch {
      stats.failedQueries++;
    }
  };
  const projectorStats = async () => {
    if (!projectorPort) return null;
    try {
      const res = await fetch(`http://127.0.0.1:${projectorPort}/stats`);
      return (await res.json()) as {
        applied?: number;
        e2e_lag_ms?: { samples: number; p50: number | null; p99: number | null };
      };
    } catch {
      return null;
    }
  };
  const memory = async (r: Running): Promise<{ heap: number | null; external: number | null }> => {
    if (r.exited) return { heap: null, external: null };
    try {
      const res = await fetch(`http://127.0.0.1:${r.port}/metrics`, { signal: AbortSignal.timeout(4000) });
      const text = await res.text();
      const mib = (name: string) => {
        const m = new RegExp(`^${name} (\\d+)`, 'm').exec(text);
        return m ? Math.round((Number(m[1]) / 2 ** 20) * 10) / 10 : null;
      };
      return { heap: mib('nodejs_heap_size_used_bytes'), external: mib('nodejs_external_memory_bytes') };
    } catch {
      return { heap: null, external: null };
    }
  };
  const sample = async () => {
    const s = await projectorStats();
    const mem = await Promise.all(running.map(memory));
    samples.push({
      t_s: Math.round((performance.now() - t0) / 100) / 10,
      rss_mib: Object.fromEntries(running.map((r) => [r.service, r.exited ? null : rssMiB(r.pid)])),
      heap_used_mib: Object.fromEntries(running.map((r, i) => [r.service, mem[i]!.heap])),
      external_mib: Object.fromEntries(running.map((r, i) => [r.service, mem[i]!.external])),
      lag_p50_ms: s?.e2e_lag_ms?.p50 ?? null,
      lag_p99_ms: s?.e2e_lag_ms?.p99 ?? null,
      lag_samples: s?.e2e_lag_ms?.samples ?? null,
      applied_events: s?.applied ?? null,
      sent_reports: stats.sentReports,
      load_1m: Math.round(loadavg()[0]! * 100) / 100,
    });
    const last = samples.at(-1)!;
    if (samples.length % 6 === 1)
      log(
        `t=${Math.round(last.t_s)} s sent ${stats.sentReports} reports, applied ${last.applied_events ?? '?'} events, lag p50/p99 ${last.lag_p50_ms ?? '?'}/${last.lag_p99_ms ?? '?'} ms, RSS ${running.map((r) => `${r.service} ${last.rss_mib[r.service] ?? '—'}`).join(', ')} MiB`,
      );
  };

  log(
    `traffic: ${RATE} reports/s (${pipelinesPerTick} pipelines every ${TICK_MS} ms) for ${MINUTES} min; sampling every ${SAMPLE_MS / 1000} s`,
  );
  t0 = performance.now();
  const endAt = t0 + MINUTES * 60_000;
  await sample();
  let nextSample = t0 + SAMPLE_MS;
  for (let tick = 0; performance.now() < endAt && !stopped(); tick++) {
    const due = t0 + tick * TICK_MS;
    const wait = due - performance.now();
    if (wait > 0) await sleep(wait);
    if (inFlight.size >= 64) stats.skippedTicks++;
    else {
      const { lines } = fixedMix(pipelinesPerTick, 1_000_000 + tick);
      const p: Promise<void> = post(lines).finally(() => inFlight.delete(p));
      inFlight.add(p);
      stats.sentReports += lines.length;
      stats.sentPipelines += pipelinesPerTick;
    }
    if (tick % Math.round(1000 / TICK_MS) === 0) void query(tick);
    if (midway && !midwayDone && performance.now() - t0 >= midway.at * MINUTES * 60_000) midwayDone = midway.run();
    if (performance.now() >= nextSample) {
      nextSample += SAMPLE_MS;
      await sample();
    }
    const dead = running.find((r) => r.exited);
    if (dead)
      throw new Error(
        `${dead.service} exited during the soak (${dead.exited!.code ?? dead.exited!.signal}): ${dead.tail.slice(-5).join('\n')}`,
      );
  }
  await Promise.all(inFlight);
  await midwayDone;
  await sample();
}

/** Waits (2 minutes at most) until the read model at dbUrl has every pipeline sent finished. */
export async function drain(
  dbUrl: string,
  sentPipelines: number,
  stopped: () => boolean,
  log: (msg: string) => void,
): Promise<{ finishedInReadModel: number | null; drainS: number | null }> {
  let finishedInReadModel: number | null = null;
  let drainS: number | null = null;
  const drain0 = performance.now();
  const check = new pg.Client({ connectionString: dbUrl });
  await check.connect();
  try {
    const finished = async () =>
      Number(
        (await check.query<{ n: string }>('SELECT count(*)::text AS n FROM rm.pipelines WHERE finished_at IS NOT NULL'))
          .rows[0]!.n,
      );
    for (
      finishedInReadModel = await finished();
      finishedInReadModel < sentPipelines && performance.now() - drain0 < 120_000 && !stopped();
      finishedInReadModel = await finished()
    )
      await sleep(1000);
    drainS = Math.round((performance.now() - drain0) / 100) / 10;
  } catch (err) {
    log(`read-model check failed: ${(err as Error).message}`);
  } finally {
    await check.end();
  }
  log(
    `drained in ${drainS ?? '?'} s: ${finishedInReadModel ?? '?'} of ${sentPipelines} pipelines finished in the read model`,
  );
  return { finishedInReadModel, drainS };
}
