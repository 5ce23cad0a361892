// What every scenario of the dashboard suite (test/integration/dashboard.test.ts) shares: the whole of
// Verity (`bin/verity up`), Debian's Chromium driven by playwright-core with one logged-in page, ingest's
// API to make things happen, axe-core, and the screenshots written into docs/screenshots/.
import { expect } from 'chai';
import { randomUUID } from 'node:crypto';
import { mkdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { REPO_ROOT } from '../../../services/lib/platform/schemas/catalog.js';
import { api, TOKENS } from '../../support/services.js';
import type { RunningSystem } from '../../support/system.js';
import { until } from '../../support/wait.js';

export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const AXE_SOURCE = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');
export const SCREENSHOTS = join(REPO_ROOT, 'docs/screenshots');

/** Filled by the suite's before(): read inside `it`, never at describe time. */
export interface DashboardContext {
  system: RunningSystem;
  /** Ingest's and the query service's (the dashboard's) base URLs. */
  ingest: string;
  base: string;
  browser: Browser;
  context: BrowserContext;
  /** The page logged in with the alpha token (test/alpha) once the login scenario ran. */
  page: Page;
}

export const sha = () => randomUUID().replace(/-/g, '').slice(0, 40);

interface AxeViolation {
  id: string;
  impact: string | null;
  help: string;
  nodes: { target: string[] }[];
}

/** The serious and critical violations axe-core finds on the page (injected through the debugger: the CSP stays on). */
export async function axeViolations(page: Page): Promise<string[]> {
  await page.evaluate(AXE_SOURCE);
  const violations = await page.evaluate(async () => {
    const axe = (globalThis as unknown as { axe: { run(): Promise<{ violations: AxeViolation[] }> } }).axe;
    return (await axe.run()).violations;
  });
  return violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => `${v.impact} ${v.id} (${v.help}): ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`);
}

/**
 * axe-core on the page in light and dark, and a screenshot of each into docs/screenshots/<name>-light.png and
 * <name>-dark.png (shown in the README and docs/DASHBOARD.md). Leaves the page light.
 */
export async function checkAndShoot(page: Page, name: string): Promise<void> {
  mkdirSync(SCREENSHOTS, { recursive: true });
  for (const scheme of ['light', 'dark'] as const) {
    await page.emulateMedia({ colorScheme: scheme });
    expect(await axeViolations(page), `axe on ${name} (${scheme})`).to.deep.equal([]);
    await page.screenshot({ path: join(SCREENSHOTS, `${name}-${scheme}.png`), fullPage: false });
  }
  await page.emulateMedia({ colorScheme: 'light' });
}

export interface Definition {
  stages: string[];
  jobs: { name: string; stage: string; needs?: string[]; [k: string]: unknown }[];
}

/** Creates a pipeline through ingest's API (waiting for the decider's answer) and returns its id. */
export async function createPipeline(
  ctx: DashboardContext,
  project: string,
  token: string,
  definition: Definition = { stages: ['build'], jobs: [{ name: 'build', stage: 'build' }] },
  ref = `ui-${randomUUID().slice(0, 8)}`,
  more: { source?: string } = {},
): Promise<string> {
  const r = await api(
    ctx.ingest,
    'POST',
    '/v1/pipelines?wait=10000',
    { project_id: project, ref, sha: sha(), definition, ...more },
    { token },
  );
  expect(r.status, JSON.stringify(r.body)).to.equal(200);
  return r.body.pipeline_id as string;
}

/** Reports a job's status through ingest's API (test/alpha), waiting for the decider's answer. */
export async function reportJob(
  ctx: DashboardContext,
  pipelineId: string,
  job: string,
  status: string,
  extra: object = {},
): Promise<void> {
  const r = await api(
    ctx.ingest,
    'POST',
    `/v1/pipelines/${pipelineId}/jobs/${encodeURIComponent(job)}/reports?wait=10000`,
    { project_id: 'test/alpha', status, ...extra },
    { token: TOKENS.alpha },
  );
  expect(r.status, `${job} ${status}: ${JSON.stringify(r.body)}`).to.equal(200);
}

/**
 * Waits until the read model lists the pipeline (the projector trails the decider's answer): a page opened
 * before would miss it, since its events went out before the page's stream connected.
 */
export async function untilProjected(ctx: DashboardContext, pipelineId: string, token = TOKENS.alpha): Promise<void> {
  await until(`pipeline ${pipelineId} in the read model`, async () => {
    const r = await api(ctx.base, 'GET', `/v1/pipelines/${pipelineId}`, undefined, { token });
    return r.status === 200 ? true : undefined;
  });
}
