// Dashboard scenarios: the project health page (/projects/:project). Pipelines of our own in test/alpha — two
// succeed, two fail (script_failure, one with a failing test's log for the remediator), one passes after a
// retry (a flaky job) — change what the page shows by exactly what was made: pipelines, the success rate, the
// failed jobs by reason, the remediator's category, the flaky job; the charts draw their series; the window
// picker; test/beta is "not found" for the alpha session although it has pipelines; axe-core and screenshots.
import { expect } from 'chai';
import type { Page } from 'playwright-core';
import { api, TOKENS } from '../../support/services.js';
import { checkAndShoot, createPipeline, reportJob, type DashboardContext, type Definition } from './context.js';
import { until } from '../../support/wait.js';

const ALPHA = '/projects/test%2Falpha';
const DEFINITION: Definition = {
  stages: ['build', 'test'],
  jobs: [
    { name: 'build', stage: 'build' },
    { name: 'unit', stage: 'test', retry: 1 },
  ],
};
const FAILING_TEST_LOG = [
  '$ npm test',
  ' FAIL  src/sum.test.js',
  '  ● sum › adds 1 + 2 to equal 3',
  '    Expected: 3',
  '    Received: 4',
  'Tests:       1 failed, 3 passed, 4 total',
].join('\n');

/** What the page shows, as the user reads it. */
interface Shown {
  pipelines: number;
  succeeded: number;
  finished: number;
  rate: string;
  scriptFailures: number;
  flakyUnit: number;
  categories: number;
}

const num = async (page: Page, selector: string): Promise<number> => {
  const loc = page.locator(selector);
  if ((await loc.count()) === 0) return 0;
  const text = (await loc.first().textContent()) ?? '';
  expect(text, selector).to.match(/^\d+$/);
  return Number(text);
};

async function shown(page: Page): Promise<Shown> {
  await page.locator('.health-figures').waitFor({ timeout: 30_000 });
  const detail = (await page.locator('[data-figure="success-rate"] .muted').textContent()) ?? '';
  const m = /^(\d+) of (\d+) finished succeeded$/.exec(detail);
  expect(m, `success-rate detail "${detail}"`).to.not.equal(null);
  const categories = await page
    .locator('#failure-categories tbody tr td:nth-child(2)')
    .allTextContents()
    .then((cells) => cells.reduce((sum, c) => sum + Number(c), 0));
  return {
    pipelines: await num(page, '[data-figure="pipelines"] .health-value'),
    succeeded: Number(m![1]),
    finished: Number(m![2]),
    rate: (await page.locator('[data-figure="success-rate"] .health-value').textContent()) ?? '',
    scriptFailures: await num(page, '#failure-reasons tr[data-reason="script_failure"] td:nth-child(2)'),
    flakyUnit: await num(page, '#flaky-jobs tr[data-job="unit"] td:nth-child(2)'),
    categories,
  };
}

export function healthScenarios(ctx: DashboardContext): void {
  let before: Shown;

  it('opens /projects/test%2Falpha: the project, the window picker (30 days by default), the figures', async () => {
    const { page, base } = ctx;
    await page.goto(`${base}${ALPHA}`);
    await page.getByRole('heading', { level: 1, name: 'Project health' }).waitFor();
    expect(await page.locator('.health-project').textContent()).to.equal('test/alpha');
    const picker = page.getByRole('navigation', { name: 'Window' });
    expect(await picker.getByRole('link').allTextContents()).to.deep.equal(['7 days', '30 days', '90 days']);
    expect(await picker.locator('a[aria-current="true"]').textContent()).to.equal('30 days');
    before = await shown(page);
  });

  it('what was made shows: pipelines, success rate, script_failure, the flaky job, the remediator category', async () => {
    const { page, base } = ctx;
    const alpha = TOKENS.alpha;
    // Two succeed.
    for (let i = 0; i < 2; i++) {
      const id = await createPipeline(ctx, 'test/alpha', alpha, DEFINITION);
      for (const job of ['build', 'unit']) {
        await reportJob(ctx, id, job, 'running', { runner_id: 'runner-h' });
        await reportJob(ctx, id, job, 'success');
      }
    }
    // Two fail at build (script_failure); the first with a failing test's log, for the remediator.
    for (let i = 0; i < 2; i++) {
      const id = await createPipeline(ctx, 'test/alpha', alpha, DEFINITION);
      await reportJob(ctx, id, 'build', 'running', { runner_id: 'runner-h' });
      await reportJob(ctx, id, 'build', 'failed', {
        failure_reason: 'script_failure',
        exit_code: 1,
        ...(i === 0 ? { log_tail: FAILING_TEST_LOG } : {}),
      });
    }
    // One passes after its unit job failed once and was retried (retry: 1): a flaky job.
    const flaky = await createPipeline(ctx, 'test/alpha', alpha, DEFINITION);
    await reportJob(ctx, flaky, 'build', 'running', { runner_id: 'runner-h' });
    await reportJob(ctx, flaky, 'build', 'success');
    await reportJob(ctx, flaky, 'unit', 'running', { runner_id: 'runner-h' });
    await reportJob(ctx, flaky, 'unit', 'failed', { failure_reason: 'script_failure', exit_code: 1 });
    await reportJob(ctx, flaky, 'unit', 'running', { runner_id: 'runner-h' });
    await reportJob(ctx, flaky, 'unit', 'success');

    // The read model follows the events: wait until the API has all five finished and the proposal, then reload.
    const path = '/v1/projects/test%2Falpha';
    await until('the five pipelines, the flaky job and a proposal in the read model', async () => {
      const [stats, health] = await Promise.all([
        api(ctx.base, 'GET', `${path}/stats?window=30d`, undefined, { token: alpha }),
        api(ctx.base, 'GET', `${path}/health?window=30d`, undefined, { token: alpha }),
      ]);
      const categories = (health.body.failures_by_category as { failed_jobs: number }[]).reduce(
        (s, c) => s + c.failed_jobs,
        0,
      );
      const done =
        stats.body.finished >= before.finished + 5 && stats.body.flaky_jobs > 0 && categories >= before.categories + 1;
      return done ? true : undefined;
    });
    await page.goto(`${base}${ALPHA}`);
    const after = await shown(page);
    expect(after.pipelines - before.pipelines, 'pipelines').to.equal(5);
    expect(after.finished - before.finished, 'finished').to.equal(5);
    expect(after.succeeded - before.succeeded, 'succeeded').to.equal(3);
    const rate = (after.succeeded / after.finished) * 100;
    expect(after.rate).to.equal(`${Number.isInteger(rate) ? rate : rate.toFixed(1)}%`);
    expect(after.scriptFailures - before.scriptFailures, 'script_failure').to.equal(3);
    expect(after.flakyUnit - before.flakyUnit, 'flaky unit').to.equal(1);
    // The heuristic may propose for the failures without a log too: at least the one with the failing test.
    expect(after.categories - before.categories, "the remediator's categories").to.be.at.least(1);
    expect(await page.locator('#failure-reasons tbody th code').allTextContents()).to.include('script_failure');
    expect(await page.locator('#slowest-stages tbody th').allTextContents()).to.include.members(['build', 'test']);
  });

  it('the charts draw their series as SVG, each with its data as a table', async () => {
    const { page } = ctx;
    const legends: [string, string[]][] = [
      ['success-rate', ['Success rate']],
      ['pipelines', ['Succeeded', 'Failed or canceled', 'Not finished']],
      ['duration', ['p50 (median)', 'p95']],
      ['queue-time', ['p50 (median)', 'p95']],
    ];
    for (const [id, names] of legends) {
      const figure = page.locator(`#chart-${id}`);
      // The legend names every series (colour is never the only signal); the SVG draws grid, axes and series.
      await figure.locator('svg text', { hasText: names[0]! }).first().waitFor({ state: 'attached', timeout: 30_000 });
      expect(await figure.locator('svg text').allTextContents(), id).to.include.members(names);
      expect(await figure.locator('svg path').count(), id).to.be.greaterThan(8);
      expect(await figure.locator('[role="img"]').getAttribute('aria-label'), id).to.match(/days with data/);
    }
    // Today's success rate is a point on its line: a circle in the series' colour, inside the plot.
    expect(await page.locator('#chart-success-rate svg path[d^="M1 0A1 1 0"]').count()).to.be.at.least(1);
    // The success rate's table: one row per day of the window, today's rate as the figure's day shows it.
    const details = page.locator('#chart-success-rate details');
    await details.locator('summary').click();
    expect(await details.locator('tbody tr').count()).to.equal(30);
    const today = await details.locator('tbody tr').last().locator('td').textContent();
    expect(today).to.match(/^\d+(\.\d)?%$/);
    await details.locator('summary').click();
  });

  it('the window picker: 7 days, by keyboard, in the URL', async () => {
    const { page, base } = ctx;
    const seven = page.getByRole('navigation', { name: 'Window' }).getByRole('link', { name: '7 days' });
    await seven.focus();
    await page.keyboard.press('Enter');
    await page.waitForURL(`${base}${ALPHA}?window=7d`);
    await page.locator('.health-window a[aria-current="true"]', { hasText: '7 days' }).waitFor();
    await page.locator('#chart-success-rate details tbody tr').nth(6).waitFor({ state: 'attached' });
    expect(await page.locator('#chart-success-rate details tbody tr').count()).to.equal(7);
    expect((await shown(page)).scriptFailures).to.be.at.least(3);
  });

  it('test/beta is not found for the alpha session, although it has pipelines', async () => {
    const { page, base } = ctx;
    await createPipeline(ctx, 'test/beta', TOKENS.beta, DEFINITION);
    await page.goto(`${base}/projects/test%2Fbeta`);
    await page.locator('.health-missing').waitFor({ timeout: 30_000 });
    expect(await page.locator('.health-missing').textContent()).to.match(/test\/beta not found/);
    expect(await page.locator('.health-figures').count()).to.equal(0);
    expect(await page.locator('.health-chart').count()).to.equal(0);
  });

  it('axe-core: no serious or critical violation, light and dark (screenshots)', async () => {
    const { page, base } = ctx;
    await page.goto(`${base}${ALPHA}`);
    await page.locator('#chart-queue-time svg text', { hasText: 'p95' }).first().waitFor({ state: 'attached' });
    await checkAndShoot(page, 'health');
  });
}
