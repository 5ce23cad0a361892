// `verity demo` (what `make demo` runs after starting everything): drives seeded demo traffic through
// the running services — ingest → decider → projector → remediator → scorer → query API — for a
// bounded time, with a live one-line summary (pipelines/s, lag, failures, proposals, scores), then
// prints where to look. Needs the services of `verity up` on their configured ports (infra/stack/verity.sh
// starts them with a demo token in .data/verity/token).
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Option, type Command } from 'commander';
import { loadDeciderConfig } from '../../../run/decider/index.js';
import { loadIngestConfig } from '../../../run/ingest/index.js';
import { REPO_ROOT } from '../../../lib/platform/schemas/catalog.js';
import { loadProjectorConfig } from '../../../run/projector/index.js';
import { loadQueryConfig } from '../../../run/query/index.js';
import { loadRemediatorConfig } from '../../../run/remediator/index.js';
import { loadScorerConfig } from '../../../run/scorer/index.js';
import { loadTimerConfig } from '../../../run/timer/index.js';
import { loadCoordinatorConfig } from '../../../run/coordinator/index.js';
import { loadFetcherConfig } from '../../../run/fetcher/index.js';
import { sendObservedDemo } from './demo-observed.js';
import type { Invoke } from '../invoke.js';
import { positiveNumber } from '../parsers.js';

const HOST = '127.0.0.1';
type Service =
  'ingest' | 'decider' | 'query' | 'projector' | 'remediator' | 'scorer' | 'timer' | 'coordinator' | 'fetcher';
let ports: Record<Service, number> | undefined;
/**
 * Where `verity up` listens: each service's own configured port (the same environment, the same defaults); read when
 * the demo runs.
 */
const portsOf = (): Record<Service, number> =>
  (ports ??= {
    ingest: loadIngestConfig().port,
    decider: loadDeciderConfig().port,
    query: loadQueryConfig().port,
    projector: loadProjectorConfig().port,
    remediator: loadRemediatorConfig().port,
    scorer: loadScorerConfig().port,
    timer: loadTimerConfig().port,
    coordinator: loadCoordinatorConfig().port,
    fetcher: loadFetcherConfig().port,
  });
const url = (service: Service, path: string) => `http://${HOST}:${portsOf()[service]}${path}`;

export interface DemoOptions {
  seconds: number;
  /** Reports per second. */
  rate: number;
  seed: number;
}

/** A positive number; an empty value (DEMO_SECONDS= in the environment) keeps the default. */
const positiveOrDefault = (value: string, previous: number): number =>
  value === '' ? previous : positiveNumber(value);

const numberOption = (flags: string, description: string, env: string, fallback: number) =>
  new Option(flags, description).env(env).default(fallback).argParser(positiveOrDefault);

export function registerDemo(program: Command, invoke: Invoke): void {
  program
    .command('demo')
    .summary('seeded demo traffic through the running services, a live summary, then where to look')
    .description(
      'seeded demo traffic through the running services (those of `verity up`) for a bounded time, ' +
        'with a live summary (pipelines/s, lag, failures, proposals, scores), then where to look',
    )
    .addOption(numberOption('--seconds <n>', 'how long to send traffic', 'DEMO_SECONDS', 60))
    .addOption(numberOption('--rate <reports/s>', 'reports per second sent to ingest', 'DEMO_RATE', 150))
    .addOption(numberOption('--seed <n>', 'the seed of the traffic (same seed, same pipelines)', 'DEMO_SEED', 42))
    .addHelpText(
      'after',
      '\nNeeds the services of `verity up` on their configured ports and the demo token (DEMO_TOKEN, or the file\n' +
        '.data/verity/token that infra/stack/verity.sh writes; VERITY_DATA_DIR moves .data). `make demo` runs both.',
    )
    .action((o: DemoOptions) => invoke('demo', { seconds: o.seconds, rate: o.rate, seed: o.seed }, demoCommand));
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- /stats bodies are read field by field
async function stats(service: Service): Promise<any> {
  try {
    const r = await fetch(url(service, '/stats'), { signal: AbortSignal.timeout(2000) });
    return r.ok ? await r.json() : {};
  } catch {
    return {};
  }
}

async function waitReady(timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (const service of Object.keys(portsOf()) as Service[]) {
    for (;;) {
      const ok = await fetch(url(service, '/readyz'), { signal: AbortSignal.timeout(2000) }).then(
        (r) => r.ok,
        () => false,
      );
      if (ok) break;
      if (Date.now() > deadline)
        throw new Error(
          `${service} is not ready on ${url(service, '/readyz')}: start the services first (make demo does: infra/stack/verity.sh start)`,
        );
      await new Promise((r) => setTimeout(r, 500));
    }
  }
}

const ms = (v: unknown) => (typeof v === 'number' ? `${Math.round(v)} ms` : '–');

async function summaryLine(elapsedS: number, pipelines: number, reports: number): Promise<string> {
  const [projector, remediator, scorer] = await Promise.all([stats('projector'), stats('remediator'), stats('scorer')]);
  const scored =
    Object.entries((scorer.scored ?? {}) as Record<string, number>)
      .map(([k, v]) => `${k} ${v}`)
      .join(', ') || '0';
  return (
    `t=${Math.round(elapsedS)}s  pipelines ${pipelines} (${(pipelines / Math.max(1, elapsedS)).toFixed(1)}/s), reports ${reports}  ·  ` +
    `lag p50 ${ms(projector.e2e_lag_ms?.p50)} p99 ${ms(projector.e2e_lag_ms?.p99)}  ·  failures ${remediator.failures ?? 0}, proposals ${remediator.proposed ?? 0}  ·  scores ${scored}`
  );
}

export async function demoCommand({ seconds, rate, seed }: DemoOptions): Promise<number> {
  const token =
    process.env.DEMO_TOKEN ??
    readFileSync(join(process.env.VERITY_DATA_DIR ?? join(REPO_ROOT, '.data'), 'verity/token'), 'utf8').trim();
  await waitReady(90_000);
  console.log(`demo: ${seconds} s of seeded traffic (seed ${seed}) at ${rate} reports/s through ${url('ingest', '')}`);
  const tty = process.stdout.isTTY;
  const started = Date.now();
  let last = { pipelines: 0, reports: 0 };
  let printedAt = 0;
  const ticker = setInterval(() => {
    const elapsed = (Date.now() - started) / 1000;
    if (!tty && Date.now() - printedAt < 5000) return;
    printedAt = Date.now();
    void summaryLine(elapsed, last.pipelines, last.reports).then((line) =>
      tty ? process.stdout.write(`\r${line.padEnd(150)}`) : console.log(line),
    );
  }, 1000);
  // The load generator lives with the benchmarks (services/tools/generator); loaded only for the demo.
  const { runGenerator } = await import('../../generator/index.js');
  let summary;
  try {
    summary = await runGenerator({
      seed,
      rate,
      durationS: seconds,
      mode: 'http',
      // Wall clock: reports carry no occurred_at, so ingest's receipt time starts the lag measured in the read model.
      clock: 'wall',
      url: url('ingest', ''),
      token,
      onProgress: (p: { pipelines: number; reports: number }) =>
        (last = { pipelines: p.pipelines, reports: p.reports }),
    });
  } finally {
    clearInterval(ticker);
  }
  // Let the last failures reach the remediator and the read model.
  const drainUntil = Date.now() + 20_000;
  for (;;) {
    const [remediator, projector] = await Promise.all([stats('remediator'), stats('projector')]);
    if ((remediator.failures ?? 0) > 0 && Date.now() > drainUntil - 15_000 && (projector.e2e_lag_ms?.p50 ?? 0) < 5_000)
      break;
    if (Date.now() > drainUntil) break;
    await new Promise((r) => setTimeout(r, 1000));
  }
  const final = await summaryLine((Date.now() - started) / 1000, summary.pipelines, summary.reports);
  console.log(`${tty ? '\n' : ''}${final}`);
  console.log(`generator: ${JSON.stringify(summary)}`);

  // An observed GitLab pipeline through the webhook route (when the demo's tokens file has its connections).
  const secretFile = join(process.env.VERITY_DATA_DIR ?? join(REPO_ROOT, '.data'), 'verity/hook-secret');
  const observed = existsSync(secretFile)
    ? await sendObservedDemo(url('ingest', ''), readFileSync(secretFile, 'utf8').trim()).catch((err: Error) => {
        console.log(`observed pipeline: not sent (${err.message})`);
        return undefined;
      })
    : undefined;
  if (observed)
    console.log(`observed: a GitLab pipeline through /v1/hooks/gitlab, answers ${observed.answers.join(', ')}`);

  const auth = { authorization: `Bearer ${token}` };
  const example = await fetch(url('query', '/v1/remediations?limit=1'), { headers: auth })
    .then(
      (r) =>
        r.json() as Promise<{ items?: { job_id: string; category: string; suggested_action: { summary: string } }[] }>,
    )
    .catch(() => ({ items: [] }));
  const p = example.items?.[0];
  console.log(
    [
      '',
      'Where to look (read token in .data/verity/token):',
      `  dashboard     ${url('query', '/')}   (log in with the read token; docs/DASHBOARD.md)`,
      `  query API     ${url('query', '/v1/pipelines')}   (OpenAPI: ${url('query', '/openapi.json')})`,
      `  remediations  ${url('query', '/v1/remediations')}   quality: ${url('query', '/v1/remediations/summary')}`,
      `  live updates  ${url('query', '/v1/stream')}  (Server-Sent Events)`,
      ...(observed
        ? [
            `  observed      ${url('query', `/v1/pipelines/${observed.pipelineId}`)}  (GitLab webhooks; docs/OBSERVED.md)`,
          ]
        : []),
      `  metrics       ${Object.keys(portsOf())
        .map((s) => url(s as Service, '/metrics'))
        .join('  ')}`,
      `  logs          .data/verity/logs/<service>.log (JSON; the supervisor: verity.log); what runs: make status`,
      p
        ? `  a failed job with its proposal (${p.category}: ${p.suggested_action.summary}):\n    curl -s -H "Authorization: Bearer $(cat .data/verity/token)" ${url('query', `/v1/jobs/${p.job_id}`)}`
        : '  (no proposal yet: the remediator may still be catching up; try the remediations URL in a moment)',
      '',
      'The services keep running: `make down` stops everything, `make demo-stop` only the Verity services.',
    ].join('\n'),
  );
  return 0;
}
