// Dashboard scenarios: the pipeline page — its graph (stages as columns, needs as arrows, live statuses,
// the failed node found by its status and reached by its link), the timeline, a retried job's stack, the
// trigger links both ways, a pipeline not found (unknown or another project's), axe-core and screenshots.
import { expect } from 'chai';
import { randomUUID } from 'node:crypto';
import { api, TOKENS } from '../../support/services.js';
import { until } from '../../support/wait.js';
import { checkAndShoot, createPipeline, reportJob, type DashboardContext } from './context.js';

const DAG = {
  stages: ['build', 'test', 'deploy'],
  jobs: [
    { name: 'compile', stage: 'build' },
    { name: 'unit', stage: 'test', needs: ['compile'] },
    { name: 'lint', stage: 'test' },
    { name: 'deploy', stage: 'deploy', needs: ['unit'] },
  ],
};

interface DetailJob {
  job_id: string;
  name: string;
  attempt: number;
  status: string;
  downstream_pipeline_id: string | null;
}

/** The pipeline as the query API answers it to the alpha token. */
async function detail(ctx: DashboardContext, id: string): Promise<{ status: string; jobs: DetailJob[] }> {
  const r = await api(ctx.base, 'GET', `/v1/pipelines/${id}`, undefined, { token: TOKENS.alpha });
  expect(r.status, JSON.stringify(r.body)).to.equal(200);
  return r.body as { status: string; jobs: DetailJob[] };
}

export function pipelineScenarios(ctx: DashboardContext): void {
  const node = (name: string) => ctx.page.locator(`a.dag-node[data-job="${name}"]`);
  /** The node's group: its link, the cards of its earlier attempts, its status icon. */
  const group = (name: string) => ctx.page.locator('g.dag-job', { has: node(name) });
  const notReloaded = () =>
    ctx.page.evaluate(() => (globalThis as unknown as { notReloaded?: boolean }).notReloaded === true);
  let id: string;

  it('opens the DAG: stages as columns in order, needs drawn as arrows, every node with its live status', async () => {
    const { page, base } = ctx;
    id = await createPipeline(ctx, 'test/alpha', TOKENS.alpha, DAG);
    await reportJob(ctx, id, 'compile', 'running', { runner_id: 'runner-1' });
    await reportJob(ctx, id, 'compile', 'success');
    await reportJob(ctx, id, 'unit', 'running', { runner_id: 'runner-1' });
    await until('the read model to show unit running', async () =>
      (await detail(ctx, id)).jobs.find((j) => j.name === 'unit')?.status === 'running' ? true : undefined,
    );
    await page.goto(`${base}/pipelines/${id}`);
    await page.locator('h1#pl-title').waitFor({ timeout: 30_000 });
    await page.locator('.live-live').waitFor({ timeout: 30_000 });
    await node('unit').and(page.locator('[data-status="running"]')).waitFor({ timeout: 30_000 });
    expect(await page.locator('a.dag-node').count()).to.equal(4);
    expect(await node('compile').getAttribute('data-status')).to.equal('success');
    expect(await node('lint').getAttribute('data-status')).to.be.oneOf(['pending', 'running']);
    expect(await node('deploy').getAttribute('data-status')).to.equal('created');
    expect(await node('unit').getAttribute('aria-label')).to.match(/^unit: running · \d+s$/);
    expect(await node('unit').textContent()).to.include('running');

    const x = async (name: string) => (await node(name).locator('.dag-box').boundingBox())!.x;
    const [compile, unit, lint, deploy] = [await x('compile'), await x('unit'), await x('lint'), await x('deploy')];
    expect(compile).to.be.lessThan(unit);
    expect(unit).to.equal(lint);
    expect(unit).to.be.lessThan(deploy);
    const stages = await page.locator('.dag-column').evaluateAll((g) => g.map((e) => e.getAttribute('data-stage')));
    expect(stages).to.deep.equal(['build', 'test', 'deploy']);

    const edges = await page
      .locator('path.dag-edge')
      .evaluateAll((p) => p.map((e) => `${e.getAttribute('data-from')}>${e.getAttribute('data-to')}`));
    expect(edges.length, 'one arrow per need at least').to.be.at.least(2);
    expect(edges).to.include.members(['compile>unit', 'unit>deploy']);
    for (const d of await page.locator('path.dag-edge').evaluateAll((p) => p.map((e) => e.getAttribute('d'))))
      expect(d).to.match(/^M[\d.]+,[\d.]+ C/);

    const head = await page.locator('.pl-facts').textContent();
    expect(head).to.include('test/alpha');
    expect(await page.locator('.page-head .status').first().getAttribute('data-status')).to.equal('running');
    expect(await page.locator('a[href="/"]', { hasText: 'Pipelines' }).count()).to.be.at.least(1);
  });

  it('a job reported failed turns its node failed without reload; the failed node is found and leads to its attempt', async () => {
    const { page, base } = ctx;
    await page.evaluate(() => ((globalThis as unknown as { notReloaded: boolean }).notReloaded = true));
    await reportJob(ctx, id, 'unit', 'failed', { failure_reason: 'script_failure', exit_code: 1 });
    await page.locator('a.dag-node[data-status="failed"]').waitFor({ timeout: 30_000 });
    expect(await notReloaded()).to.equal(true);

    // Find the failed node: by its status, and by its accessible name as a screen reader user would.
    const failed = page.locator('a.dag-node[data-status="failed"]');
    expect(await failed.count()).to.equal(1);
    expect(await failed.getAttribute('data-job')).to.equal('unit');
    const unit = (await detail(ctx, id)).jobs.find((j) => j.name === 'unit')!;
    expect(unit.status).to.equal('failed');
    expect(await failed.getAttribute('href')).to.equal(`/jobs/${unit.job_id}`);
    const byName = page.getByRole('link', { name: /^unit: failed/ });
    expect(await byName.count()).to.equal(1);
    expect(await failed.textContent()).to.include('failed');
    expect(await group('unit').locator('.dag-icon').textContent()).to.equal('✖');

    // Keyboard: the node is a link that takes focus; Enter opens the attempt's page.
    await byName.focus();
    const focused = () =>
      (
        globalThis as unknown as { document: { activeElement: { getAttribute(n: string): string | null } | null } }
      ).document.activeElement?.getAttribute('data-job');
    expect(await page.evaluate(focused)).to.equal('unit');
    await Promise.all([page.waitForURL(`${base}/jobs/${unit.job_id}`), page.keyboard.press('Enter')]);
    await page.goBack();
    await node('unit').waitFor({ timeout: 30_000 });
    expect(await notReloaded(), 'the graph’s links route in the page').to.equal(true);
  });

  it('the timeline: a row per job grouped by stage, queued and running bars said in words', async () => {
    const { page } = ctx;
    await reportJob(ctx, id, 'lint', 'running', { runner_id: 'runner-2' });
    await reportJob(ctx, id, 'lint', 'success');
    await page.locator('tr.gantt-row[data-job="lint"][data-status="success"]').waitFor({ timeout: 30_000 });
    const rows = await page.locator('tr.gantt-row').evaluateAll((r) => r.map((e) => e.getAttribute('data-job')));
    expect(rows).to.deep.equal(['compile', 'lint', 'unit', 'deploy']);
    const groups = await page.locator('tr.gantt-stage th').allTextContents();
    expect(groups.map((g) => g.split(' ')[0])).to.deep.equal(['build', 'test', 'deploy']);
    for (const ran of ['compile', 'unit', 'lint']) {
      const row = page.locator(`tr.gantt-row[data-job="${ran}"]`);
      expect(await row.locator('.gantt-queued').count(), `${ran} queued`).to.equal(1);
      expect(await row.locator('.gantt-running').count(), `${ran} running`).to.equal(1);
      expect(await row.locator('.gantt-running').getAttribute('title')).to.match(/^ran \d+s$/);
      expect(await row.locator('.visually-hidden').textContent()).to.match(/^queued \d+s, ran \d+s$/);
    }
    const deploy = page.locator('tr.gantt-row[data-job="deploy"]');
    expect(await deploy.locator('.gantt-bar').count()).to.equal(0);
    expect(await deploy.locator('.gantt-none').textContent()).to.equal('not enqueued');
    expect(await page.locator('.gantt-tick').first().textContent()).to.equal('0s');
  });

  it('a retried job shows its stack: attempt 2 over attempt 1, both reachable', async () => {
    const { page } = ctx;
    await page.evaluate(() => ((globalThis as unknown as { notReloaded: boolean }).notReloaded = true));
    const before = (await detail(ctx, id)).jobs.find((j) => j.name === 'unit')!;
    const r = await api(
      ctx.ingest,
      'POST',
      `/v1/pipelines/${id}/jobs/unit/retry?wait=10000`,
      { project_id: 'test/alpha' },
      { token: TOKENS.alpha },
    );
    expect(r.status, JSON.stringify(r.body)).to.equal(200);
    await page.locator('a.dag-node[data-job="unit"][data-attempt="2"]').waitFor({ timeout: 30_000 });
    expect(await notReloaded()).to.equal(true);
    const unit = node('unit');
    expect(await group('unit').locator('.dag-stack').count()).to.equal(1);
    expect(await group('compile').locator('.dag-stack').count()).to.equal(0);
    expect(await unit.textContent()).to.include('attempt 2, 1 retry');
    expect(await unit.getAttribute('aria-label')).to.include('attempt 2, 1 retry');
    const after = (await detail(ctx, id)).jobs.find((j) => j.name === 'unit')!;
    expect(after.job_id).to.not.equal(before.job_id);
    expect(await unit.getAttribute('href')).to.equal(`/jobs/${after.job_id}`);
    const earlier = page.locator('.pl-retried li[data-job="unit"]');
    await earlier.locator(`a[href="/jobs/${before.job_id}"]`).waitFor({ timeout: 10_000 });
    expect(await earlier.textContent()).to.match(/attempt 1\s*✖\s*failed → attempt 2/);
    expect(await page.locator('a.dag-node[data-status="failed"]').count()).to.equal(0);

    // The second attempt fails too: the failed node is the stacked one, and the pipeline fails.
    await reportJob(ctx, id, 'unit', 'running', { runner_id: 'runner-1' });
    await reportJob(ctx, id, 'unit', 'failed', { failure_reason: 'script_failure', exit_code: 1 });
    await page
      .locator('a.dag-node[data-job="unit"][data-attempt="2"][data-status="failed"]')
      .waitFor({ timeout: 30_000 });
    await page.locator('section[data-status="failed"]').waitFor({ timeout: 30_000 });
    expect(await page.getByRole('link', { name: /^unit: failed · \d+s, attempt 2, 1 retry$/ }).count()).to.equal(1);
    const statuses = await earlier.locator('.status').evaluateAll((b) => b.map((e) => e.getAttribute('data-status')));
    expect(statuses).to.deep.equal(['failed', 'failed']);
  });

  it('axe-core: no serious or critical violation on the pipeline page, light and dark (screenshots)', async () => {
    await checkAndShoot(ctx.page, 'pipeline');
  });

  it('trigger links: the trigger job and the header lead to the child pipeline, the child back to its parent', async () => {
    const { page, base } = ctx;
    const parent = await createPipeline(ctx, 'test/alpha', TOKENS.alpha, {
      stages: ['build', 'downstream'],
      jobs: [
        { name: 'build', stage: 'build' },
        {
          name: 'bridge',
          stage: 'downstream',
          needs: [],
          trigger: {
            strategy: 'depend',
            definition: { stages: ['test'], jobs: [{ name: 'child-test', stage: 'test' }] },
          },
        },
      ],
    });
    const child = await until(
      'the trigger job to create its child pipeline',
      async () =>
        (await detail(ctx, parent)).jobs.find((j) => j.name === 'bridge')?.downstream_pipeline_id ?? undefined,
      30_000,
    );
    await page.goto(`${base}/pipelines/${parent}`);
    const down = page.locator(`.pl-links li[data-link="downstream"][data-pipeline-id="${child}"]`);
    await down.waitFor({ timeout: 30_000 });
    expect(await down.locator(`a[href="/pipelines/${child}"]`).count()).to.equal(1);
    await down.locator('.status').waitFor({ timeout: 30_000 });
    expect(await node('bridge').getAttribute('href')).to.equal(`/pipelines/${child}`);
    await Promise.all([page.waitForURL(`${base}/pipelines/${child}`), node('bridge').click()]);
    const up = page.locator(`.pl-links li[data-link="parent"][data-pipeline-id="${parent}"]`);
    await up.waitFor({ timeout: 30_000 });
    expect(await up.textContent()).to.include('via bridge');
    expect(await up.locator(`a[href="/pipelines/${parent}"]`).count()).to.equal(1);
    await node('child-test').waitFor();
  });

  it('a pipeline not found — unknown, or another project’s — says so, the same', async () => {
    const { page, base } = ctx;
    const beta = await createPipeline(ctx, 'test/beta', TOKENS.beta);
    for (const other of [randomUUID(), beta]) {
      await page.goto(`${base}/pipelines/${other}`);
      await page.locator('h1#pl-title', { hasText: 'Pipeline not found' }).waitFor({ timeout: 30_000 });
      expect(await page.locator('a.dag-node').count()).to.equal(0);
      expect(await page.locator('main').textContent()).to.not.include('test/beta');
    }
  });
}
