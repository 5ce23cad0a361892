// The dashboard in a real browser (Debian's chromium driven by playwright-core, headless) against the whole
// of Verity as operators run it (`bin/verity up`, test/support/system.ts): a wrong token is refused; a
// login opens a session; a pipeline created through ingest's API appears; a job reported failed through
// ingest's API turns its row failed live, without a reload; the status filter narrows the list; axe-core
// finds no serious or critical violation on the login and pipelines pages.
import { expect } from 'chai';
import { randomUUID } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { api, TOKENS } from '../support/services.js';
import { startSystem, type RunningSystem } from '../support/system.js';

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const AXE_SOURCE = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');
const sha = () => randomUUID().replace(/-/g, '').slice(0, 40);

interface AxeViolation {
  id: string;
  impact: string | null;
  help: string;
  nodes: { target: string[] }[];
}

/** The serious and critical violations axe-core finds on the page (injected through the debugger: the CSP stays on). */
async function axeViolations(page: Page): Promise<string[]> {
  await page.evaluate(AXE_SOURCE);
  const violations = await page.evaluate(async () => {
    const axe = (globalThis as unknown as { axe: { run(): Promise<{ violations: AxeViolation[] }> } }).axe;
    return (await axe.run()).violations;
  });
  return violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => `${v.impact} ${v.id} (${v.help}): ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`);
}

describe('the dashboard in Chromium: login, a live pipeline list, filters, accessibility', function () {
  this.timeout(240_000);
  let system: RunningSystem;
  let ingest: string;
  let base: string;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;

  before(async function () {
    if (!existsSync(CHROMIUM)) {
      if (process.env.CI) throw new Error(`no Chromium at ${CHROMIUM} (.ci/run installs Debian's chromium)`);
      this.skip(); // no Chromium on this machine outside CI (.ci/run installs it; CI fails above instead)
    }
    this.timeout(200_000);
    system = await startSystem('dashboard');
    await system.ready(150_000);
    ingest = `http://127.0.0.1:${await system.port('ingest')}`;
    base = `http://127.0.0.1:${await system.port('query')}`;
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      headless: true,
      args: process.getuid?.() === 0 ? ['--no-sandbox'] : [],
    });
    context = await browser.newContext();
    page = await context.newPage();
  });
  after(async function () {
    this.timeout(120_000);
    await browser?.close();
    await system?.stop();
  });

  const create = async (project: string, token: string) => {
    const r = await api(
      ingest,
      'POST',
      '/v1/pipelines?wait=10000',
      {
        project_id: project,
        ref: `ui-${randomUUID().slice(0, 8)}`,
        sha: sha(),
        definition: { stages: ['build'], jobs: [{ name: 'build', stage: 'build' }] },
      },
      { token },
    );
    expect(r.status, JSON.stringify(r.body)).to.equal(200);
    return r.body.pipeline_id as string;
  };
  const report = async (pipelineId: string, job: string, status: string, extra: object = {}) => {
    const r = await api(
      ingest,
      'POST',
      `/v1/pipelines/${pipelineId}/jobs/${encodeURIComponent(job)}/reports?wait=10000`,
      { project_id: 'test/alpha', status, ...extra },
      { token: TOKENS.alpha },
    );
    expect(r.status, `${job} ${status}: ${JSON.stringify(r.body)}`).to.equal(200);
  };
  const row = (id: string) => page.locator(`tr[data-pipeline-id="${id}"]`);

  it('a wrong token is refused: the login page says so, with 401, and no cookie is set', async () => {
    await page.goto(`${base}/`);
    expect(new URL(page.url()).pathname).to.equal('/login');
    expect(await axeViolations(page), 'axe on the login page').to.deep.equal([]);
    await page.fill('#token', 'not-a-read-token-of-this-system');
    const [response] = await Promise.all([
      page.waitForResponse((r) => r.url() === `${base}/session`),
      page.click('button[type=submit]'),
    ]);
    expect(response.status()).to.equal(401);
    expect(await page.locator('[role=alert]').textContent()).to.match(/not known/);
    expect(await context.cookies()).to.deep.equal([]);
    expect(await axeViolations(page), 'axe on the login page with its error').to.deep.equal([]);
  });

  it('a read token opens a session: an HttpOnly, SameSite=Strict cookie, the token in no URL', async () => {
    await page.fill('#token', TOKENS.alpha);
    await Promise.all([page.waitForURL(`${base}/`), page.click('button[type=submit]')]);
    const cookies = await context.cookies();
    expect(cookies.map((c) => [c.name, c.httpOnly, c.sameSite, c.path])).to.deep.equal([
      ['verity_session', true, 'Strict', '/'],
    ]);
    expect(cookies[0]!.value).to.not.include(TOKENS.alpha);
    expect(page.url()).to.not.include(TOKENS.alpha);
    await page.locator('table.pipelines').waitFor();
    await page.locator('.live-live').waitFor({ timeout: 30_000 });
  });

  let failing: string;
  let passing: string;
  let other: string;

  it('a pipeline created through ingest appears; a job reported failed turns its row failed live, without reload', async () => {
    await page.evaluate(() => ((globalThis as unknown as { notReloaded: boolean }).notReloaded = true));
    failing = await create('test/alpha', TOKENS.alpha);
    other = await create('test/beta', TOKENS.beta);
    await row(failing).waitFor({ timeout: 30_000 });
    const cells = await row(failing).locator('td').allTextContents();
    expect(cells[1]).to.include('test/alpha');
    await report(failing, 'build', 'running', { runner_id: 'runner-1' });
    await page.locator(`tr[data-pipeline-id="${failing}"][data-status="running"]`).waitFor({ timeout: 30_000 });
    await report(failing, 'build', 'failed', { failure_reason: 'script_failure', exit_code: 1 });
    await page.locator(`tr[data-pipeline-id="${failing}"][data-status="failed"]`).waitFor({ timeout: 30_000 });
    expect(await row(failing).locator('.status').textContent()).to.include('failed');
    expect(await page.evaluate(() => (globalThis as unknown as { notReloaded?: boolean }).notReloaded)).to.equal(true);
    expect(await row(other).count(), 'test/beta is not for the alpha token').to.equal(0);
  });

  it('the status filter narrows the list to failed pipelines', async () => {
    passing = await create('test/alpha', TOKENS.alpha);
    await row(passing).waitFor({ timeout: 30_000 });
    await page.selectOption('select[name=status]', 'failed');
    await page.click('form.filters button[type=submit]');
    await page.waitForURL(`${base}/?status=failed`);
    await row(passing).waitFor({ state: 'detached', timeout: 10_000 });
    await row(failing).waitFor();
    const statuses = await page
      .locator('tbody tr')
      .evaluateAll((rows) => rows.map((r) => r.getAttribute('data-status')));
    expect(statuses.length).to.be.greaterThan(0);
    expect(new Set(statuses)).to.deep.equal(new Set(['failed']));
  });

  it('axe-core: no serious or critical violation on the pipelines page, light and dark', async () => {
    await page.click('form.filters button.secondary'); // clear the filters: every row back
    await row(passing).waitFor({ timeout: 10_000 });
    expect(await axeViolations(page), 'light').to.deep.equal([]);
    await page.emulateMedia({ colorScheme: 'dark' });
    expect(await axeViolations(page), 'dark').to.deep.equal([]);
  });
});
