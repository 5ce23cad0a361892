// The single-report load client of the write-side benchmark, in a worker thread: webhooks and runners
// post from other machines, so the client must not share the event loop of the ingest it measures.
// Input (workerData): the base URL, a bearer token, the requests and the number of concurrent callers;
// it posts back { ms } when every request has been answered, or { error } on the first non-2xx answer.
// Plain JavaScript: a worker thread of Node 20 does not inherit tsx's loader.
/* global fetch */
import { performance } from 'node:perf_hooks';
import { parentPort, workerData } from 'node:worker_threads';

/** @param {{ url: string, token: string, requests: { path: string, body: string }[], concurrency: number }} job */
async function run({ url, token, requests, concurrency }) {
  let next = 0;
  const t0 = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < requests.length) {
        const { path, body } = requests[next++];
        const res = await fetch(url + path, {
          method: 'POST',
          headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
          body,
        });
        const text = await res.text();
        if (res.status >= 300) throw new Error(`${path}: ${res.status} ${text.slice(0, 300)}`);
      }
    }),
  );
  return performance.now() - t0;
}

if (parentPort && workerData) {
  run(workerData).then(
    (ms) => parentPort.postMessage({ ms }),
    (err) => parentPort.postMessage({ error: err.message }),
  );
}
