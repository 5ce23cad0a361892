// Dashboard scenarios: login (a wrong token refused, a read token opens a session) and the pipelines
// page (a pipeline appears, a job reported failed turns its row failed live without reload, the status
// filter, axe-core and screenshots light and dark).
import { expect } from 'chai';
import { api, TOKENS } from '../../support/services.js';
import {
  axeViolations,
  checkAndShoot,
  createPipeline,
  reportJob,
  untilProjected,
  type DashboardContext,
} from './context.js';

export function loginScenarios(ctx: DashboardContext): void {
  it('a wrong token is refused: the login page says so, with 401, and no cookie is set', async () => {
    const { page, base, context } = ctx;
    await page.goto(`${base}/`);
    expect(new URL(page.url()).pathname).to.equal('/login');
    await checkAndShoot(page, 'login');
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
    const { page, base, context } = ctx;
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
}

export function pipelinesScenarios(ctx: DashboardContext): void {
  const row = (id: string) => ctx.page.locator(`tr[data-pipeline-id="${id}"]`);
  let failing: string;
  let passing: string;

  it('a pipeline created through ingest appears; a job reported failed turns its row failed live, without reload', async () => {
    const { page } = ctx;
    await page.evaluate(() => ((globalThis as unknown as { notReloaded: boolean }).notReloaded = true));
    failing = await createPipeline(ctx, 'test/alpha', TOKENS.alpha);
    const other = await createPipeline(ctx, 'test/beta', TOKENS.beta);
    await row(failing).waitFor({ timeout: 30_000 });
    const cells = await row(failing).locator('td').allTextContents();
    expect(cells[1]).to.include('test/alpha');
    await reportJob(ctx, failing, 'build', 'running', { runner_id: 'runner-1' });
    await page.locator(`tr[data-pipeline-id="${failing}"][data-status="running"]`).waitFor({ timeout: 30_000 });
    await reportJob(ctx, failing, 'build', 'failed', { failure_reason: 'script_failure', exit_code: 1 });
    await page.locator(`tr[data-pipeline-id="${failing}"][data-status="failed"]`).waitFor({ timeout: 30_000 });
    expect(await row(failing).locator('.status').textContent()).to.include('failed');
    expect(await page.evaluate(() => (globalThis as unknown as { notReloaded?: boolean }).notReloaded)).to.equal(true);
    expect(await row(other).count(), 'test/beta is not for the alpha token').to.equal(0);
  });

  it('the status filter narrows the list to failed pipelines', async () => {
    const { page, base } = ctx;
    passing = await createPipeline(ctx, 'test/alpha', TOKENS.alpha);
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

  it('columns: queued time and who started it; the source filter; a row links to its pipeline', async () => {
    const { page, base } = ctx;
    const ref = `src-${passing.slice(0, 8)}`;
    const scheduled = await createPipeline(ctx, 'test/alpha', TOKENS.alpha, undefined, ref, { source: 'schedule' });
    await untilProjected(ctx, scheduled);
    await page.goto(`${base}/?source=schedule&ref=${ref}`);
    await row(scheduled).waitFor({ timeout: 30_000 });
    expect(await page.locator('tbody tr').count()).to.equal(1);
    const headers = await page.locator('table.pipelines th').allTextContents();
    expect(headers).to.include.members(['Queued', 'Started by', 'Source']);
    const cells = await row(scheduled).locator('td').allTextContents();
    expect(cells[headers.indexOf('Source')]).to.equal('schedule');
    expect(cells[headers.indexOf('Queued')], 'not started: waiting so far').to.match(/^\d+s…$/);
    expect(cells[headers.indexOf('Started by')]).to.equal('—');
    expect(await row(scheduled).locator(`a[href="/pipelines/${scheduled}"]`).count()).to.equal(1);
    await reportJob(ctx, scheduled, 'build', 'running', { runner_id: 'runner-1' });
    await page.locator(`tr[data-pipeline-id="${scheduled}"][data-status="running"]`).waitFor({ timeout: 30_000 });
    await page.waitForFunction(
      ([id, i]) =>
        /^\d+s$/.test(
          (
            globalThis as unknown as { document: { querySelectorAll(s: string): { textContent: string | null }[] } }
          ).document.querySelectorAll(`tr[data-pipeline-id="${id}"] td`)[i]!.textContent ?? '',
        ),
      [scheduled, headers.indexOf('Queued')] as const,
      { timeout: 10_000 },
    );
  });

  it('pages by cursor; a pipeline created while on an older page is counted, not pushed in, until "Show newest"', async () => {
    const { page, base } = ctx;
    const ref = `page-${passing.slice(0, 8)}`;
    const made: string[] = [];
    for (let i = 0; i < 3; i++) made.push(await createPipeline(ctx, 'test/alpha', TOKENS.alpha, undefined, ref));
    for (const id of made) await untilProjected(ctx, id);
    await page.goto(`${base}/?ref=${ref}&limit=2`);
    await page.locator('.live-live').waitFor({ timeout: 30_000 });
    const ids = () =>
      page.locator('tbody tr').evaluateAll((rows) => rows.map((r) => r.getAttribute('data-pipeline-id')));
    await row(made[2]!).waitFor({ timeout: 30_000 });
    expect(await ids()).to.deep.equal([made[2], made[1]]);
    await page.click('nav.pager button:has-text("Older")');
    await row(made[0]!).waitFor();
    expect(await ids()).to.deep.equal([made[0]]);
    const newest = await createPipeline(ctx, 'test/alpha', TOKENS.alpha, undefined, ref);
    await page.locator('.unseen-count').waitFor({ timeout: 30_000 });
    expect(await page.locator('.unseen-count').textContent()).to.match(/1 new pipeline,/);
    expect(await ids(), 'the older page stays as it was').to.deep.equal([made[0]]);
    await page.click('.unseen button');
    await row(newest).waitFor({ timeout: 10_000 });
    expect(await ids()).to.deep.equal([newest, made[2]]);
    expect(await page.locator('.unseen-count').count()).to.equal(0);
    // An older pipeline (on page 2; auto-canceled when a newer one on its ref came) changes — its job is
    // retried: it is not new, so it neither enters page 1 nor counts.
    const retried = await api(
      ctx.ingest,
      'POST',
      `/v1/pipelines/${made[0]!}/jobs/build/retry?wait=10000`,
      { project_id: 'test/alpha' },
      { token: TOKENS.alpha },
    );
    expect(retried.status, JSON.stringify(retried.body)).to.equal(200);
    await page.waitForTimeout(2_500); // the page refetches 250 ms and 1.5 s after an event
    expect(await ids(), 'page 1 unchanged').to.deep.equal([newest, made[2]]);
    expect(await page.locator('.unseen-count').count()).to.equal(0);
    await page.goto(`${base}/`);
  });

  it('axe-core: no serious or critical violation on the pipelines page, light and dark (screenshots)', async () => {
    await ctx.page.click('form.filters button.secondary'); // clear the filters: every row back
    await row(passing).waitFor({ timeout: 10_000 });
    await checkAndShoot(ctx.page, 'pipelines');
  });
}
