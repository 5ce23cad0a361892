// Driving the webhook benchmark: sending one side's requests with bounded concurrency, and reading back from
// rm.pipelines and the decider's /stats when it is done.
import type pg from 'pg';
import type { DriverOutput } from '../../query/driver.js';
import type { Req } from './traffic.js';
import { control, DRAIN_TIMEOUT_S, sleep } from './settings.js';

// ---- Driving ----
export interface Sent {
  out: DriverOutput;
  /** Answers by HTTP status. */
  statuses: Record<string, number>;
  /** Pipelines whose every request was answered 202. */
  okPipelines: number;
  firstMs: number;
}

/** `concurrency` senders, each taking the next pipeline and sending its requests in order, one per call. */
export async function send(baseUrl: string, pipelines: Req[][], concurrency: number): Promise<Sent> {
  const latencies: number[] = [];
  const statuses: Record<string, number> = {};
  let errors = 0;
  let firstError: string | null = null;
  let okPipelines = 0;
  let next = 0;
  const t0 = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < pipelines.length && !control.stopRequested) {
        let ok = true;
        for (const r of pipelines[next++]!) {
          const s = performance.now();
          let status = 'error';
          try {
            const res = await fetch(baseUrl + r.path, { method: 'POST', headers: r.headers, body: r.body });
            const text = await res.text();
            status = String(res.status);
            if (res.status !== 202) throw new Error(`${r.path}: ${res.status} ${text.slice(0, 300)}`);
          } catch (err) {
            ok = false;
            errors++;
            firstError ??= (err as Error).message;
          }
          latencies.push(performance.now() - s);
          statuses[status] = (statuses[status] ?? 0) + 1;
        }
        if (ok) okPipelines++;
      }
    }),
  );
  return { out: { latencies, errors, firstError, wallMs: performance.now() - t0 }, statuses, okPipelines, firstMs: t0 };
}

/** Pipelines of `project` finished in rm.pipelines (any status; checked afterwards). */
export async function finished(db: pg.Client, project: string): Promise<number> {
  const r = await db.query<{ n: string }>(
    'SELECT count(*)::text AS n FROM rm.pipelines WHERE project_id = $1 AND finished_at IS NOT NULL',
    [project],
  );
  return Number(r.rows[0]!.n);
}

/** Polls every 50 ms until `target` pipelines of `project` are finished; the time it happened (performance.now). */
export async function waitFinished(db: pg.Client, project: string, target: number): Promise<number> {
  const deadline = performance.now() + DRAIN_TIMEOUT_S * 1000;
  for (let n = await finished(db, project); n < target; n = await finished(db, project)) {
    if (control.stopRequested) throw new Error('interrupted');
    if (performance.now() > deadline)
      throw new Error(
        `only ${n}/${target} pipelines of ${project} finished in rm.pipelines after ${DRAIN_TIMEOUT_S} s`,
      );
    await sleep(50);
  }
  return performance.now();
}

/** The decider's counters (its /stats). */
export async function deciderStats(port: number): Promise<{ reports: number; events: number; rejections: number }> {
  const s = (await (await fetch(`http://127.0.0.1:${port}/stats`)).json()) as Record<string, number>;
  return { reports: s.reports ?? 0, events: s.events ?? 0, rejections: s.rejections ?? 0 };
}

/** What the phase's pipelines look like in the read model (a check that the rates count what they claim). */
export async function readModelOf(db: pg.Client, project: string): Promise<Record<string, unknown>> {
  const p = await db.query<{ status: string; mode: string; system: string; n: string }>(
    `SELECT status, mode, system, count(*)::text AS n FROM rm.pipelines WHERE project_id = $1
     GROUP BY 1, 2, 3 ORDER BY 4 DESC`,
    [project],
  );
  const j = await db.query<{ status: string; n: string }>(
    `SELECT j.status, count(*)::text AS n FROM rm.jobs j JOIN rm.pipelines p USING (pipeline_id)
     WHERE p.project_id = $1 GROUP BY 1 ORDER BY 2 DESC`,
    [project],
  );
  return {
    pipelines: p.rows.map((r) => ({ status: r.status, mode: r.mode, system: r.system, n: Number(r.n) })),
    jobs: Object.fromEntries(j.rows.map((r) => [r.status, Number(r.n)])),
  };
}
