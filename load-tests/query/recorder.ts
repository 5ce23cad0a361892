// Recording the SQL the query service issues for each request, so that the baseline replays exactly those
// statements, with the same values, in the same order: pg.Pool.prototype.query is wrapped while the
// requests are sent one at a time (every statement then belongs to the request in flight), and the
// statements of a request become Steps (the ones that overlapped in time stay concurrent).
import pg from 'pg';
import type { Steps, Stmt } from './driver.js';
import type { Route } from './routes.js';
import { TOKEN } from './settings.js';

interface Recorded extends Stmt {
  start: number;
  end: number;
}

/** The statements of the request in flight, while one is being recorded. */
let recording: Recorded[] | undefined;

/** Wraps pg.Pool.prototype.query so that it records into `recording`; answers the function that unwraps it. */
function installRecorder(): () => void {
  const proto = pg.Pool.prototype as unknown as { query: (...args: unknown[]) => unknown };
  const original = proto.query;
  proto.query = function (this: pg.Pool, ...args: unknown[]) {
    const result = original.apply(this, args);
    if (recording) {
      const [a0, a1] = args;
      const text = typeof a0 === 'string' ? a0 : (a0 as { text: string }).text;
      const values = (
        Array.isArray(a1)
          ? a1
          : typeof a0 === 'object' && a0 !== null
            ? ((a0 as { values?: unknown[] }).values ?? [])
            : []
      ) as unknown[];
      const rec: Recorded = { text, values, start: performance.now(), end: Infinity };
      recording.push(rec);
      if (result && typeof (result as Promise<unknown>).then === 'function') {
        (result as Promise<unknown>).then(
          () => (rec.end = performance.now()),
          () => (rec.end = performance.now()),
        );
      }
    }
    return result;
  };
  return () => {
    proto.query = original;
  };
}

/** Statements started before the previous group finished ran concurrently with it. */
function toSteps(recs: Recorded[]): Steps {
  const steps: Steps = [];
  let groupEnd = -Infinity;
  for (const r of recs) {
    const s = { text: r.text, values: r.values };
    if (steps.length > 0 && r.start < groupEnd) {
      steps.at(-1)!.push(s);
      groupEnd = Math.max(groupEnd, r.end);
    } else {
      steps.push([s]);
      groupEnd = r.end;
    }
  }
  return steps;
}

/** A route with the recorded statements of each of its request variants and the size of each answer. */
export interface RecordedRoute {
  route: Route;
  steps: Steps[];
  statements: number[];
  bytes: number[];
}

/**
 * Sends every variant of every route once, in sequence, recording its SQL; an optional route this release
 * answers 404 is left out. The recorder is removed before this returns.
 */
export async function recordRoutes(
  list: Route[],
  baseUrl: string,
  log: (msg: string) => void,
): Promise<RecordedRoute[]> {
  const restore = installRecorder();
  try {
    const recorded: RecordedRoute[] = [];
    routes: for (const r of list) {
      const steps: Steps[] = [];
      const statements: number[] = [];
      const bytes: number[] = [];
      for (const path of r.paths) {
        recording = [];
        const res = await fetch(baseUrl + path, { headers: { authorization: `Bearer ${TOKEN}` } });
        const body = await res.arrayBuffer();
        const recs = recording;
        recording = undefined;
        if (res.status === 404 && r.optional) {
          log(`skipped ${r.name}: ${r.route} answers 404 in this release`);
          continue routes;
        }
        if (res.status !== 200)
          throw new Error(`${path} answered ${res.status}: ${Buffer.from(body).toString('utf8').slice(0, 300)}`);
        if (recs.some((x) => x.end === Infinity)) await new Promise((resolve) => setTimeout(resolve, 5));
        steps.push(toSteps(recs));
        statements.push(recs.length);
        bytes.push(body.byteLength);
      }
      recorded.push({ route: r, steps, statements, bytes });
      log(
        `recorded ${r.name}: ${statements[0]} statement(s) per request (${steps[0]!.map((g) => g.length).join(' then ')}), ~${Math.round(bytes.reduce((a, b) => a + b, 0) / bytes.length)} B per answer`,
      );
    }
    return recorded;
  } finally {
    restore();
  }
}
