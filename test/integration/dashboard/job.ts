// Dashboard scenarios: the job page. A pipeline of test/alpha whose job uploads a log through ingest (ANSI
// colours, GitLab sections, a failing test assertion) and fails; the remediator's (heuristic) proposal
// arrives; the page shows the log (virtualised), its colours, sections folding from the keyboard, the
// evidence marked and jumped to, the proposal with provider and prompt version, feedback recorded after a
// click on "Helpful", #L anchors; a ~1 MB log loads (its load time printed); axe-core and screenshots.
import { expect } from 'chai';
import type { Page } from 'playwright-core';
import { api, TOKENS } from '../../support/services.js';
import { checkAndShoot, createPipeline, reportJob, type DashboardContext } from './context.js';
import { until } from '../../support/wait.js';

const E = '\x1b';
const FAILURE = 'AssertionError: expected 2 to equal 3';

/** A GitLab job log: a collapsed preparation section, a script section with 120 passing tests, then one failing. */
function failingLog(): string {
  const passing = Array.from({ length: 120 }, (_, i) => `    ${E}[32m✔${E}[0m computes case ${i + 1} (${i % 7}ms)`);
  return [
    `${E}[0KRunning with gitlab-runner 17.0.0 (44feccdf)`,
    `section_start:1700000000:prepare_script[collapsed=true]\r${E}[0K${E}[36;1mPreparing environment${E}[0;m`,
    'Running on runner-xyz via ci-host...',
    `section_end:1700000001:prepare_script\r${E}[0K`,
    `section_start:1700000002:step_script\r${E}[0K${E}[32;1m$ npm test${E}[0;m`,
    '> calc@1.0.0 test',
    '> mocha',
    'Downloading fixtures 10%\rDownloading fixtures 100%',
    '  calculator',
    ...passing,
    '    1) divides',
    '  120 passing (212ms)',
    '  1 failing',
    '  1) calculator',
    '       divides:',
    `     ${FAILURE}`,
    '      at Context.<anonymous> (test/calc.test.js:9:21)',
    `section_end:1700000003:step_script\r${E}[0K`,
    `${E}[31;1mERROR: Job failed: exit code 1${E}[0;m`,
    '',
  ].join('\n');
}

/** About a megabyte: 19,000 lines of passing tests, then a failure. */
function bigLog(): string {
  const lines = Array.from(
    { length: 19_000 },
    (_, i) => `${E}[32m✔${E}[0m test ${String(i + 1).padStart(5, '0')} passes in ${i % 97}ms ........`,
  );
  return [...lines, `     ${FAILURE}`, `${E}[31;1mERROR: Job failed: exit code 1${E}[0;m`, ''].join('\n');
}

interface Proposal {
  proposal_id: string;
  provider: string;
  prompt_version: string;
  evidence: { start_line: number; end_line: number; reason: string }[];
}

/** A pipeline of test/alpha whose job `build` uploads `log` and fails; its attempt id once projected. */
async function failedJob(ctx: DashboardContext, log: string): Promise<string> {
  const pipelineId = await createPipeline(ctx, 'test/alpha', TOKENS.alpha);
  const put = await fetch(`${ctx.ingest}/v1/pipelines/${pipelineId}/jobs/build/log?project_id=test%2Falpha`, {
    method: 'PUT',
    headers: { authorization: `Bearer ${TOKENS.alpha}`, 'content-type': 'text/plain' },
    body: log,
  });
  expect(put.status, await put.text()).to.equal(201);
  await reportJob(ctx, pipelineId, 'build', 'running', { runner_id: 'runner-job-page' });
  await reportJob(ctx, pipelineId, 'build', 'failed', { failure_reason: 'script_failure', exit_code: 1 });
  return until('the failed job with its log in the read model', async () => {
    const r = await api(ctx.base, 'GET', `/v1/pipelines/${pipelineId}`, undefined, { token: TOKENS.alpha });
    const job = (r.body.jobs ?? [])[0] as { job_id: string; status: string; log_ref: string | null } | undefined;
    return job?.status === 'failed' && job.log_ref ? job.job_id : undefined;
  });
}

async function proposalOf(ctx: DashboardContext, jobId: string): Promise<Proposal> {
  return until('the remediator’s proposal', async () => {
    const r = await api(ctx.base, 'GET', `/v1/jobs/${jobId}`, undefined, { token: TOKENS.alpha });
    return (r.body.proposals ?? [])[0] as Proposal | undefined;
  });
}

const row = (page: Page, line: number) => page.locator(`.log-row[data-line="${line}"]`);

/** Whether the row of `line` is on screen: inside the log's scroll box and inside the window. */
function inViewport(page: Page, line: number): Promise<boolean> {
  return row(page, line).evaluate((el) => {
    const r = el.getBoundingClientRect();
    const box = el.closest('.log-scroll')!.getBoundingClientRect();
    return (
      r.top >= box.top - 1 &&
      r.bottom <= box.bottom + 1 &&
      r.top >= 0 &&
      r.bottom <= (globalThis as unknown as { innerHeight: number }).innerHeight
    );
  });
}

export function jobScenarios(ctx: DashboardContext): void {
  let jobId: string;
  let proposal: Proposal;
  const log = failingLog();
  const lines = log.split('\n');
  const failureLine = lines.findIndex((l) => l.includes(FAILURE)) + 1;

  it('the failed job: its log rendered as text, ANSI colours as classes, the proposal with provider and prompt version', async () => {
    const { page, base } = ctx;
    jobId = await failedJob(ctx, log);
    proposal = await proposalOf(ctx, jobId);
    await page.goto(`${base}/jobs/${jobId}`);
    await page.locator('.log-row').first().waitFor({ timeout: 30_000 });
    expect(await page.locator('h1').textContent()).to.include('build');
    expect(await page.locator('.job-page .page-head .status').textContent()).to.include('failed');
    const attempts = page.locator('.attempts li');
    expect(await attempts.count()).to.equal(1);
    expect(await attempts.first().textContent())
      .to.include('runner-job-page')
      .and.include('exit code 1');
    expect(await page.locator('a[href^="/pipelines/"]').count()).to.be.greaterThan(0);
    // Colours as classes (never inline HTML), the GitLab command in bold green.
    expect(await row(page, 5).locator('.ansi-green-fg.ansi-bold').textContent()).to.equal('$ npm test');
    // The \r progress overwrite shows its last state only.
    expect(await row(page, 8).textContent())
      .to.include('Downloading fixtures 100%')
      .and.not.include('10%');
    // The proposal: provider and prompt version as the API has them.
    const panel = page.locator('.proposal');
    await panel.waitFor();
    expect(await panel.locator('[data-field="provider"]').textContent()).to.equal(proposal.provider);
    expect(await panel.locator('[data-field="prompt-version"]').textContent()).to.equal(proposal.prompt_version);
    expect(proposal.provider).to.equal('heuristic');
    expect(await panel.locator('.proposal-cause').textContent()).to.not.equal('');
    expect(await panel.locator('.proposal-fix').textContent()).to.not.equal('');
    // Virtualised: far fewer rows in the page than lines in the log.
    expect(await page.locator('.log-row').count()).to.be.below(lines.length);
  });

  it('sections: the collapsed one is folded, the script section folds and unfolds from the keyboard', async () => {
    const { page } = ctx;
    const prepare = page.locator('button.log-toggle[data-section="prepare_script"]');
    expect(await prepare.getAttribute('aria-expanded')).to.equal('false');
    expect(await row(page, 3).count(), 'the collapsed section’s body is not shown').to.equal(0);
    const script = page.locator('button.log-toggle[data-section="step_script"]');
    expect(await script.getAttribute('aria-expanded')).to.equal('true');
    await script.focus();
    await page.keyboard.press('Enter');
    await page.locator('button.log-toggle[data-section="step_script"][aria-expanded="false"]').waitFor();
    expect(await row(page, 6).count()).to.equal(0);
    await row(page, lines.length - 1).waitFor(); // the line after the section comes right after its header
    await page.keyboard.press('Space');
    await page.locator('button.log-toggle[data-section="step_script"][aria-expanded="true"]').waitFor();
    await row(page, 6).waitFor();
    await prepare.focus();
    await page.keyboard.press('Enter');
    await row(page, 3).waitFor();
    expect(await row(page, 3).textContent()).to.include('Running on runner-xyz');
  });

  it('the evidence: listed with its reasons, marked in the log, and a link jumps to it (in the viewport)', async () => {
    const { page } = ctx;
    // The log's final newline ends its last line: the remediator's line after it is not shown, so not marked.
    const shown = lines.length - 1;
    const first = { ...proposal.evidence[0]!, end_line: Math.min(proposal.evidence[0]!.end_line, shown) };
    expect(first.start_line).to.be.at.most(failureLine);
    expect(first.end_line).to.be.at.least(failureLine);
    await page.locator('.log-scroll').evaluate((el) => el.scrollTo(0, 0));
    await page.evaluate(() => (globalThis as unknown as { scrollTo(x: number, y: number): void }).scrollTo(0, 0));
    const link = page.locator('.proposal .evidence-link').first();
    expect(await page.locator('.proposal .evidence-list li').first().textContent()).to.include(first.reason);
    await link.click();
    expect(new URL(page.url()).hash).to.equal(
      first.start_line === first.end_line ? `#L${first.start_line}` : `#L${first.start_line}-L${first.end_line}`,
    );
    await row(page, first.start_line).and(page.locator('.log-selected')).waitFor();
    expect(await inViewport(page, first.start_line)).to.equal(true);
    for (let l = first.start_line; l <= first.end_line; l++) {
      if (lines[l - 1]!.startsWith('section_end:')) continue; // a line of end markers only is not shown
      expect(await row(page, l).getAttribute('class'), `line ${l}`).to.include('log-evidence');
      expect(await row(page, l).locator('.log-ev').textContent()).to.include('E1');
    }
    expect(await page.locator('.log-note').first().textContent()).to.include(`Evidence 1: ${first.reason}`);
    // The failing assertion itself is on screen, as text.
    expect(await row(page, failureLine).textContent()).to.include(FAILURE);
    const html = await page.locator('.log-scroll').innerHTML();
    expect(html).to.not.include('\x1b');
  });

  it('feedback: "Helpful" is posted (202) and the page shows it recorded once the projector applied it', async () => {
    const { page } = ctx;
    const panel = page.locator('.proposal');
    await panel.locator('.feedback input').fill('the assertion was the cause');
    const [response] = await Promise.all([
      page.waitForResponse((r) => r.url().endsWith(`/v1/remediations/${proposal.proposal_id}/feedback`)),
      panel.getByRole('button', { name: 'Helpful', exact: true }).click(),
    ]);
    expect(response.status()).to.equal(202);
    expect(response.request().headers()['content-type']).to.equal('application/json');
    await panel
      .locator('.feedback-recorded', { hasText: 'Feedback recorded: Helpful — “the assertion was the cause” by alpha' })
      .waitFor({ timeout: 60_000 });
    expect(await panel.locator('.feedback-answer').textContent()).to.include('202');
    const r = await api(ctx.base, 'GET', `/v1/jobs/${jobId}`, undefined, { token: TOKENS.alpha });
    expect(r.body.proposals[0].feedback).to.include({ verdict: 'accepted', actor: 'alpha' });
  });

  it('#L anchors: opening /jobs/<id>#L<n> selects and shows line n; clicking a line number sets the anchor', async () => {
    const { page, base } = ctx;
    await page.goto(`${base}/jobs/${jobId}#L${failureLine}`);
    await row(page, failureLine).and(page.locator('.log-selected')).waitFor({ timeout: 30_000 });
    expect(await inViewport(page, failureLine)).to.equal(true);
    expect(await row(page, failureLine).getAttribute('aria-current')).to.equal('true');
    await row(page, failureLine + 1)
      .locator('a.log-ln')
      .click();
    expect(new URL(page.url()).hash).to.equal(`#L${failureLine + 1}`);
    await row(page, failureLine + 1)
      .and(page.locator('.log-selected'))
      .waitFor();
    expect(await row(page, failureLine).getAttribute('class')).to.not.include('log-selected');
    // An anchor inside the collapsed section opens it.
    await page.goto(`${base}/jobs/${jobId}#L3`);
    await row(page, 3).and(page.locator('.log-selected')).waitFor({ timeout: 30_000 });
    expect(
      await page.locator('button.log-toggle[data-section="prepare_script"]').getAttribute('aria-expanded'),
    ).to.equal('true');
  });

  it('live: a running job’s page turns failed without reload, then shows its log and the proposal', async () => {
    const { page, base } = ctx;
    const pipelineId = await createPipeline(ctx, 'test/alpha', TOKENS.alpha);
    const put = await fetch(`${ctx.ingest}/v1/pipelines/${pipelineId}/jobs/build/log?project_id=test%2Falpha`, {
      method: 'PUT',
      headers: { authorization: `Bearer ${TOKENS.alpha}`, 'content-type': 'text/plain' },
      body: log,
    });
    expect(put.status).to.equal(201);
    await reportJob(ctx, pipelineId, 'build', 'running', { runner_id: 'runner-live' });
    const running = await until('the running job', async () => {
      const r = await api(ctx.base, 'GET', `/v1/pipelines/${pipelineId}`, undefined, { token: TOKENS.alpha });
      const job = (r.body.jobs ?? [])[0] as { job_id: string; status: string } | undefined;
      return job?.status === 'running' ? job.job_id : undefined;
    });
    await page.goto(`${base}/jobs/${running}`);
    await page.locator('.job-page .page-head .status[data-status="running"]').waitFor({ timeout: 30_000 });
    expect(await page.locator('.log-about').textContent()).to.include('a log is stored for failed jobs only');
    await page.evaluate(() => ((globalThis as unknown as { notReloaded: boolean }).notReloaded = true));
    await reportJob(ctx, pipelineId, 'build', 'failed', { failure_reason: 'script_failure', exit_code: 1 });
    await page.locator('.job-page .page-head .status[data-status="failed"]').waitFor({ timeout: 30_000 });
    await row(page, 1).waitFor({ timeout: 30_000 });
    await page.locator('.proposal [data-field="provider"]').waitFor({ timeout: 90_000 });
    expect(await page.evaluate(() => (globalThis as unknown as { notReloaded?: boolean }).notReloaded)).to.equal(true);
  });

  it('a job without a stored log shows its excerpt, says so, and numbers the excerpt’s lines', async () => {
    const { page, base } = ctx;
    const pipelineId = await createPipeline(ctx, 'test/alpha', TOKENS.alpha);
    await reportJob(ctx, pipelineId, 'build', 'running', { runner_id: 'runner-tail' });
    await reportJob(ctx, pipelineId, 'build', 'failed', {
      failure_reason: 'script_failure',
      exit_code: 2,
      log_tail: `$ npm run lint\n${E}[31msrc/a.ts:3:7 error 'x' is assigned a value but never used${E}[0m\n1 problem`,
    });
    const id = await until('the failed job', async () => {
      const r = await api(ctx.base, 'GET', `/v1/pipelines/${pipelineId}`, undefined, { token: TOKENS.alpha });
      const job = (r.body.jobs ?? [])[0] as { job_id: string; status: string } | undefined;
      return job?.status === 'failed' ? job.job_id : undefined;
    });
    await page.goto(`${base}/jobs/${id}`);
    await page.locator('.log-about', { hasText: 'only an excerpt' }).waitFor({ timeout: 30_000 });
    expect(await page.locator('.log-scroll').getAttribute('aria-label')).to.equal('Log excerpt of job build');
    await row(page, 2).waitFor();
    // Excerpts are made of the sanitised log: no colours left.
    expect(await row(page, 2).textContent()).to.include("src/a.ts:3:7 error 'x' is assigned a value but never used");
  });

  it('axe-core: no serious or critical violation on the job page, light and dark (screenshots)', async () => {
    const { page, base } = ctx;
    await page.goto(`${base}/jobs/${jobId}#L${failureLine}`);
    await row(page, failureLine).waitFor({ timeout: 30_000 });
    await page.locator('.proposal').waitFor();
    await checkAndShoot(page, 'job');
  });

  it('a ~1 MB log loads, virtualised, and jumps to a line near its end (load time printed)', async () => {
    const { page, base } = ctx;
    const text = bigLog();
    const big = await failedJob(ctx, text);
    await page.goto(`${base}/jobs/${big}`);
    const frame = page.locator('.log-frame[data-load-ms]');
    await frame.waitFor({ timeout: 60_000 });
    const ms = Number(await frame.getAttribute('data-load-ms'));
    const count = Number(await frame.getAttribute('data-lines'));
    console.log(
      `      job page: a ${(Buffer.byteLength(text) / 1e6).toFixed(2)} MB log of ${count} lines: ` +
        `fetch + parse + first rows in ${ms} ms`,
    );
    expect(count).to.equal(19_002);
    expect(await page.locator('.log-row').count()).to.be.below(200);
    await page.evaluate(() => ((globalThis as unknown as { location: { hash: string } }).location.hash = '#L18990'));
    await row(page, 18_990).and(page.locator('.log-selected')).waitFor();
    expect(await inViewport(page, 18_990)).to.equal(true);
    expect(await row(page, 18_990).textContent()).to.include('test 18990 passes');
  });
}
