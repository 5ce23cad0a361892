// Dashboard scenarios: the AI scoreboard (/ai) — the heuristic baseline row is always there; a failure of our
// own gets the heuristic's proposal; feedback on it (posted with the page's session cookie, as the job page
// does) changes the feedback figure the user sees, without a reload; axe-core and screenshots light and dark.
import { expect } from 'chai';
import { HEURISTIC_PROMPT_VERSION } from '../../../services/lib/core/remediation/heuristic.js';
import { api, TOKENS } from '../../support/services.js';
import { checkAndShoot, createPipeline, reportJob, type DashboardContext } from './context.js';
import { until } from '../../support/wait.js';

const JEST_FAILURE = [
  '$ npm test',
  '> app@1.0.0 test',
  '> jest',
  ' FAIL  src/sum.test.js',
  '  ● sum › adds 1 + 2 to equal 3',
  '    expect(received).toBe(expected) // Object.is equality',
  '    Expected: 3',
  '    Received: 4',
  '      at Object.<anonymous> (src/sum.test.js:4:17)',
  'Tests:       1 failed, 3 passed, 4 total',
  'npm ERR! Test failed.  See above for more details.',
].join('\n');

export function scoreboardScenarios(ctx: DashboardContext): void {
  const baselineRow = () => ctx.page.locator('table.scoreboard tbody tr[data-baseline="true"]').first();
  const heuristicRow = () =>
    ctx.page.locator(
      `table.scoreboard tbody tr[data-provider="heuristic"][data-prompt-version="${HEURISTIC_PROMPT_VERSION}"]`,
    );
  /** The feedback figure as the user reads it: "<n> accepted · <m> rejected". */
  const accepted = async (): Promise<number> => {
    const text = (await heuristicRow().locator('td[data-figure="feedback"] .feedback-counts').textContent()) ?? '';
    const m = /(\d+) accepted/.exec(text);
    expect(m, `feedback cell: "${text}"`).to.not.equal(null);
    return Number(m![1]);
  };

  it('opens /ai: the heuristic baseline row is there, labelled baseline, with the window selector', async () => {
    const { page, base } = ctx;
    await page.goto(`${base}/ai?window=7d`);
    await page.getByRole('heading', { level: 1, name: 'AI scoreboard' }).waitFor();
    await baselineRow().waitFor({ timeout: 30_000 });
    expect(await baselineRow().locator('th').textContent()).to.match(/^heuristic · heuristic-\d+\s*baseline$/);
    expect(await page.locator('select[name=window]').inputValue()).to.equal('7');
    expect(await page.locator('select[name=window] option').allTextContents()).to.deep.equal([
      'last 7 days',
      'last 30 days',
      'last 90 days',
    ]);
  });

  it('a failure gets the heuristic proposal; accepting it changes the feedback count shown, without reload', async () => {
    const { page, base } = ctx;
    const pipelineId = await createPipeline(ctx, 'test/alpha', TOKENS.alpha, {
      stages: ['test'],
      jobs: [{ name: 'unit', stage: 'test' }],
    });
    await reportJob(ctx, pipelineId, 'unit', 'running', { runner_id: 'runner-ai' });
    await reportJob(ctx, pipelineId, 'unit', 'failed', {
      failure_reason: 'script_failure',
      exit_code: 1,
      log_tail: JEST_FAILURE,
    });
    const proposal = await until('the heuristic proposal', async () => {
      const r = await api(
        ctx.base,
        'GET',
        '/v1/remediations?project=test%2Falpha&provider=heuristic&limit=50',
        undefined,
        {
          token: TOKENS.alpha,
        },
      );
      return (r.body.items as { proposal_id: string; pipeline_id: string }[] | undefined)?.find(
        (p) => p.pipeline_id === pipelineId,
      );
    });

    await page.goto(`${base}/ai?window=7d&project=test%2Falpha`);
    await heuristicRow().locator('td[data-figure="feedback"]').waitFor({ timeout: 30_000 });
    expect(await page.locator('input[name=project]').inputValue()).to.equal('test/alpha');
    const before = await accepted();
    await page.evaluate(() => ((globalThis as unknown as { notReloaded: boolean }).notReloaded = true));

    // As the job page does it: same origin, the session cookie, no token in the page.
    const status = await page.evaluate(async (id) => {
      const r = await fetch(`/v1/remediations/${id}/feedback`, {
        method: 'POST',
        credentials: 'same-origin',
        headers: { 'Content-Type': 'application/json', Accept: 'application/json' },
        body: JSON.stringify({ verdict: 'accepted', reason: 'the test assertion was wrong' }),
      });
      return r.status;
    }, proposal.proposal_id);
    expect(status).to.equal(202);

    // The feedback event reaches the read model asynchronously; the page refetches every 30 s, or on Refresh.
    const refresh = page.getByRole('button', { name: 'Refresh' });
    const after = await until('the feedback count to change on the page', async () => {
      if (await refresh.isEnabled()) await refresh.click();
      await page.waitForTimeout(1_000);
      const n = await accepted();
      return n > before ? n : undefined;
    });
    // Other scenarios may give feedback in test/alpha too: the count grew, and ours is in the read model.
    expect(after).to.be.at.least(before + 1);
    const ours = await api(
      ctx.base,
      'GET',
      `/v1/remediations?project=test%2Falpha&provider=heuristic&limit=50`,
      undefined,
      {
        token: TOKENS.alpha,
      },
    );
    expect(
      (ours.body.items as { proposal_id: string; feedback: { verdict: string } | null }[]).find(
        (p) => p.proposal_id === proposal.proposal_id,
      )?.feedback?.verdict,
    ).to.equal('accepted');
    expect(await page.evaluate(() => (globalThis as unknown as { notReloaded?: boolean }).notReloaded)).to.equal(true);
    // The interval is shown as text beside the bar, and the bar says the same to screen readers.
    const cell = heuristicRow().locator('td[data-figure="feedback"]');
    expect(await cell.locator('.share-text').textContent()).to.match(/^\d+(\.\d)?% \(\d+(\.\d)?–\d+(\.\d)?%\)$/);
    expect(await cell.locator('.bar').getAttribute('aria-label')).to.match(/95% interval .* of \d+$/);
  });

  it('the chart over time has its data as a table; axe and screenshots light and dark', async () => {
    const { page } = ctx;
    await page.locator('.ai-chart svg').waitFor({ timeout: 30_000 });
    expect(await page.locator('#ai-chart-summary').textContent()).to.match(
      /Proposals per day over the last 7 days\. heuristic · heuristic-\d+ \(baseline\): \d+ in all/,
    );
    await page.locator('.ai-data summary').click();
    const head = await page.locator('.ai-data thead th').allTextContents();
    expect(head[0]).to.equal('Day');
    expect(head[1]).to.match(/\(baseline\)$/);
    expect(await page.locator('.ai-data tbody tr').count()).to.equal(7);
    await page.locator('.ai-data summary').click();
    await checkAndShoot(page, 'ai');
  });
}
