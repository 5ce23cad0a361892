// Dashboard first-paint benchmark (issue 15): how long the pipelines page takes to show its first rows in
// Chromium with 10,000 and with 1,000,000 pipelines in the read model, the small size being the baseline
// measured in the same run (the ratio says what a hundred times more rows costs the page).
//   npx tsx load-tests/bench/dashboard.ts      BENCH_UI_SIZES=10000,1000000  BENCH_UI_RUNS=7
// Writes load-tests/results/dashboard.json and .md and a row of HISTORY.md. Reported, never asserted.
//
// Setup: a scratch database (verity_bench_ui_<time>) on the stack's Postgres, migrated, with read-model version 1
// (ensureActiveVersion, as the query service makes it), pipelines written straight into rm_v1.pipelines
// with generate_series over 500 projects, newest first a few seconds apart (the shape of
// test/integration/query-api.test.ts's EXPLAIN data), ANALYZEd; the query service started in this process
// (services/run/query/main.ts) on that database with QUERY_STREAM=off and QUERY_FEEDBACK=off (no Kafka: what
// is measured is the read model, the API and the page) and one read token for every project.
// Per size, BENCH_UI_RUNS page loads in one logged-in Chromium context (Debian's chromium, playwright-core,
// headless, 1280×800; the fingerprinted assets cached after the first load, as a returning user's are),
// for two views: every project (the default view of a `*` token) and one project (`?project=bench/7`).
// From the browser's performance API, per load: the navigation's responseEnd (the HTML shell), first
// contentful paint (the shell drawn), the app's `verity:pipelines-first-rows` mark (ui/app/pipelines.tsx: the
// frame after the first rows rendered — the first paint with data), and the resource timing of the
// /v1/pipelines request (its duration). Medians over the runs but the first (cold caches: reported alone).
import { existsSync } from 'node:fs';
import { loadavg } from 'node:os';
import pg from 'pg';
import { chromium, type Page } from 'playwright-core';
import { loadConfig } from '../../services/lib/platform/config/index.js';
import { runMigrations } from '../../services/lib/platform/db/migrate.js';
import { ensureActiveVersion } from '../../services/lib/readmodel/versions.js';
import { FIRST_ROWS_MARK, loadQueryConfig, startQuery } from '../../services/run/query/index.js';
import { fmt } from '../format.js';
import { adminQuery, machine, withDatabase } from '../lib.js';
import { writeResults } from '../result-files.js';

const SIZES = (process.env.BENCH_UI_SIZES ?? '10000,1000000').split(',').map(Number);
const RUNS = Number(process.env.BENCH_UI_RUNS ?? 7);
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const TOKEN = 'bench-dashboard-read-token-0123456789';
const PROJECTS = 500;
const VIEWS = { 'every project': '/', 'one project': '/?project=bench%2F7' } as const;

interface Load {
  shell_ms: number;
  fcp_ms: number | null;
  first_rows_ms: number;
  api_ms: number | null;
}

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length ? s[Math.floor((s.length - 1) / 2)]! : NaN;
};
const round = (v: number) => Math.round(v * 10) / 10;

/** Adds pipelines until the table holds `total` (ids and times continue from what is there). */
async function seedTo(pool: pg.Pool, from: number, total: number): Promise<void> {
  for (let start = from + 1; start <= total; start += 100_000) {
    const end = Math.min(total, start + 99_999);
    await pool.query(
      `INSERT INTO rm_v1.pipelines (pipeline_id, project_id, ref, sha, source, status, warnings, stages, definition, created_at, started_at, finished_at, duration_ms, last_seq, updated_at)
       SELECT md5('p' || i)::uuid, 'bench/' || (i % ${PROJECTS}), CASE WHEN i % 4 = 0 THEN 'ref-' || (i % 40) ELSE 'main' END, md5(i::text),
              CASE WHEN i % 7 = 0 THEN 'web' ELSE 'push' END, s.status, false, ARRAY['build', 'test'], '{"stages": ["build", "test"], "jobs": []}'::jsonb,
              now() - i * interval '3 seconds', now() - i * interval '3 seconds' + interval '4 seconds',
              CASE WHEN s.status IN ('success', 'failed', 'canceled') THEN now() - i * interval '3 seconds' + (i % 600) * interval '1 second' END,
              CASE WHEN s.status IN ('success', 'failed', 'canceled') THEN (i % 600) * 1000 END, 10, now()
       FROM generate_series($1::int, $2::int) i,
            LATERAL (SELECT CASE WHEN i % 20 < 14 THEN 'success' WHEN i % 20 < 17 THEN 'failed' WHEN i % 20 = 17 THEN 'running' WHEN i % 20 = 18 THEN 'canceled' ELSE 'manual' END AS status) s`,
      [start, end],
    );
    process.stdout.write(`\r  seeded ${fmt(end)} pipelines`);
  }
  process.stdout.write('\n');
  await pool.query('ANALYZE rm_v1.pipelines');
}

async function measure(page: Page, url: string): Promise<Load> {
  await page.goto(url);
  await page.locator('tbody tr').first().waitFor({ timeout: 60_000 });
  await page.waitForFunction((mark) => performance.getEntriesByName(mark).length > 0, FIRST_ROWS_MARK);
  // Runs in the page: typed by hand (this project's TypeScript has no DOM library).
  return page.evaluate((mark) => {
    interface Entry {
      name: string;
      startTime: number;
      duration: number;
      responseEnd?: number;
    }
    const perf = (
      globalThis as unknown as {
        performance: { getEntriesByType(t: string): Entry[]; getEntriesByName(n: string): Entry[] };
      }
    ).performance;
    const nav = perf.getEntriesByType('navigation')[0]!;
    const fcp = perf.getEntriesByName('first-contentful-paint')[0];
    const api = perf.getEntriesByType('resource').find((r) => new URL(r.name).pathname === '/v1/pipelines');
    return {
      shell_ms: nav.responseEnd ?? NaN,
      fcp_ms: fcp ? fcp.startTime : null,
      first_rows_ms: perf.getEntriesByName(mark)[0]!.startTime,
      api_ms: api ? api.duration : null,
    };
  }, FIRST_ROWS_MARK);
}

async function main(): Promise<void> {
  if (!existsSync(CHROMIUM)) throw new Error(`no Chromium at ${CHROMIUM} (apt install chromium, or CHROMIUM_PATH)`);
  const mainUrl = loadConfig().databaseUrl;
  const dbName = `verity_bench_ui_${Date.now()}`;
  const url = withDatabase(mainUrl, dbName);
  const date = new Date().toISOString();
  await adminQuery(mainUrl, `CREATE DATABASE "${dbName}"`);
  const pool = new pg.Pool({ connectionString: url, max: 2 });
  const query = await (async () => {
    await runMigrations(url);
    await ensureActiveVersion(pool);
    return startQuery(
      loadQueryConfig({
        ...process.env,
        DATABASE_URL: url,
        QUERY_PORT: '0',
        QUERY_STREAM: 'off',
        QUERY_FEEDBACK: 'off',
        QUERY_TOKENS: `bench:${TOKEN}:*`,
        QUERY_TOKENS_FILE: undefined,
        LOG_LEVEL: 'warn',
      }),
    );
  })();
  const browser = await chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: process.getuid?.() === 0 ? ['--no-sandbox'] : [],
  });
  const rows: Record<string, unknown>[] = [];
  try {
    const base = `http://127.0.0.1:${query.port}`;
    const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
    const login = await context.request.post(`${base}/session`, { form: { token: TOKEN }, maxRedirects: 0 });
    if (login.status() !== 303) throw new Error(`login answered ${login.status()}`);
    let seeded = 0;
    for (const size of SIZES) {
      console.log(`${fmt(size)} pipelines`);
      await seedTo(pool, seeded, size);
      seeded = size;
      for (const [view, path] of Object.entries(VIEWS)) {
        const loads: Load[] = [];
        for (let i = 0; i < RUNS; i++) {
          const page = await context.newPage();
          loads.push(await measure(page, `${base}${path}`));
          await page.close();
        }
        const warm = loads.slice(1);
        const pick = (k: keyof Load) => round(median(warm.map((l) => l[k]).filter((v): v is number => v !== null)));
        const row = {
          pipelines: size,
          view,
          runs: RUNS,
          first_rows_ms: pick('first_rows_ms'),
          fcp_ms: pick('fcp_ms'),
          shell_ms: pick('shell_ms'),
          api_ms: pick('api_ms'),
          first_rows_max_ms: round(Math.max(...warm.map((l) => l.first_rows_ms))),
          cold_first_rows_ms: round(loads[0]!.first_rows_ms),
        };
        console.log(
          `  ${view}: first rows ${row.first_rows_ms} ms (api ${row.api_ms} ms, cold ${row.cold_first_rows_ms} ms)`,
        );
        rows.push(row);
      }
    }
    await context.close();
  } finally {
    await browser.close();
    await query.stop();
    await pool.end();
    await adminQuery(mainUrl, `DROP DATABASE IF EXISTS "${dbName}" WITH (FORCE)`);
  }
  report(date, rows);
}

function report(date: string, rows: Record<string, unknown>[]): void {
  const [small, large] = [Math.min(...SIZES), Math.max(...SIZES)];
  const at = (size: number, view: string) => rows.find((r) => r.pipelines === size && r.view === view)!;
  const ratios = Object.keys(VIEWS).map((view) => ({
    view,
    ratio:
      Math.round(((at(large, view).first_rows_ms as number) / (at(small, view).first_rows_ms as number)) * 100) / 100,
  }));
  const json = {
    machine: machine('Kafka, the registry, Postgres, the query service and Chromium'),
    load_average: loadavg().map((l) => Math.round(l * 100) / 100),
    sizes: SIZES,
    runs: RUNS,
    rows,
    ratios,
    target_ms: 1000,
  };
  const md = [
    '# Dashboard first paint',
    '',
    `${date.slice(0, 16).replace('T', ' ')} UTC · \`npx tsx load-tests/bench/dashboard.ts\` (BENCH_UI_SIZES=${SIZES.join(',')}, BENCH_UI_RUNS=${RUNS}) · load average ${json.load_average.join(' ')}`,
    '',
    'The pipelines page in headless Chromium, logged in with a read token for every project; milliseconds from',
    'navigation start (medians of the warm loads; the first load of each view is "cold"). "First rows": the',
    "app's `verity:pipelines-first-rows` mark, the frame after the first 50 rows rendered. Target: under",
    '1,000 ms at 1,000,000 pipelines (issue 15); reported, not asserted.',
    '',
    '| pipelines | view | first rows | first contentful paint | HTML shell | GET /v1/pipelines | max (warm) | cold |',
    '| ---: | --- | ---: | ---: | ---: | ---: | ---: | ---: |',
    ...rows.map(
      (r) =>
        `| ${fmt(r.pipelines as number)} | ${String(r.view)} | **${String(r.first_rows_ms)}** | ${String(r.fcp_ms)} | ${String(r.shell_ms)} | ${String(r.api_ms)} | ${String(r.first_rows_max_ms)} | ${String(r.cold_first_rows_ms)} |`,
    ),
    '',
    `Ratio, first rows at ${fmt(large)} ÷ at ${fmt(small)} pipelines (the baseline, same run): ${ratios.map((r) => `${r.view} ${r.ratio.toFixed(2)}`).join(', ')}.`,
  ].join('\n');
  writeResults('dashboard', date, json, md);
}

await main();
