// Dashboard scenarios: the operations page. The alpha session (a token scoped to test/alpha) is told why the page
// is not for it; a session of a token for every project (a browser context of its own) sees the running
// system's consumer groups with their partitions, the active read-model version, a dead letter made for real
// (a poison record on the system's intake topic, dead-lettered by its decider) with its reason, and replays it.
import { expect } from 'chai';
import { randomUUID } from 'node:crypto';
import { loadConfig } from '../../../services/lib/platform/config/index.js';
import { createKafka } from '../../../services/lib/platform/kafka/client.js';
import { TOKENS } from '../../support/services.js';
import { checkAndShoot, type DashboardContext } from './context.js';

export function operationsScenarios(ctx: DashboardContext): void {
  it('a session scoped to projects is told that operations need a token for every project', async () => {
    const { page, base } = ctx;
    await page.goto(`${base}/operations`);
    const note = page.locator('.ops-forbidden');
    await note.waitFor({ timeout: 30_000 });
    expect(await note.textContent()).to.include('needs a token for every project');
    expect(await page.locator('.ops-group').count()).to.equal(0);
  });

  it('a session for every project sees the consumer groups, the active read model and a dead letter with its reason, and replays it', async () => {
    const { base, system } = ctx;
    const prefix = system.prefix;
    const key = `ui-poison-${randomUUID().slice(0, 8)}`;
    const kafka = createKafka(loadConfig(), 'test-dashboard-operations');
    const producer = kafka.producer();
    await producer.connect();
    // A record in no schema the registry knows: the system's decider dead-letters it (EventDecodeError).
    const poison = Buffer.concat([Buffer.from([0, 0x7f, 0xff, 0xff, 0x02]), Buffer.from('{}')]);
    await producer.send({ topic: `${prefix}ci.intake.v1`, messages: [{ key, value: poison }] });
    await producer.disconnect();

    const context = await ctx.browser.newContext({ viewport: { width: 1280, height: 800 } });
    try {
      const page = await context.newPage();
      await page.goto(`${base}/`);
      await page.fill('#token', TOKENS.all);
      await Promise.all([page.waitForURL(`${base}/`), page.click('button[type=submit]')]);
      await page.goto(`${base}/operations`);

      // The running system's groups, each with its partitions.
      const decider = page.locator(`details.ops-group[data-group="${prefix}verity-decider"]`);
      await decider.waitFor({ timeout: 30_000 });
      const projector = page.locator(`details.ops-group[data-group="${prefix}verity-projector-pipelines@v1"]`);
      await projector.waitFor();
      expect(await projector.locator('summary').textContent()).to.include('checkpoints of pipelines@v1 in Postgres');
      // The active version, marked in words.
      const active = page.locator('tr[data-version="1"][data-active="true"]');
      await active.waitFor();
      expect(await active.textContent()).to.include('active');
      expect(await active.locator('progress').count()).to.equal(1);

      // The dead letter, with its reason (the page refreshes every few seconds).
      const section = page.locator(`.ops-dlq[data-topic="${prefix}ci.intake.v1"]`);
      const letter = section.locator('tbody tr', { hasText: key });
      await letter.waitFor({ timeout: 60_000 });
      expect(await letter.textContent()).to.include('EventDecodeError');
      // The decider's partitions (it has consumed the poison: that partition at least is caught up).
      if ((await decider.getAttribute('open')) === null) await decider.locator('summary').click();
      const rows = decider.locator(`tr[data-topic="${prefix}ci.intake.v1"]`);
      await rows.first().waitFor();
      const states = await rows.locator('.ops-state').allTextContents();
      expect(states.length).to.be.greaterThan(0);
      for (const s of states) expect(s).to.match(/caught up|behind|stalled|no position/);
      expect(states.some((s) => s.includes('caught up'))).to.equal(true);
      await decider.locator('summary').click(); // closed again: the screenshot shows every section's top
      await checkAndShoot(page, 'operations');

      // Replay: a confirm step first, then the result.
      await section.locator('button[data-topic]').click();
      const confirm = section.locator('.ops-confirm');
      await confirm.waitFor();
      expect(await confirm.textContent()).to.include(`${prefix}ci.intake.v1`);
      await confirm.locator('button', { hasText: 'Replay now' }).click();
      const result = section.locator('.ops-replay-result');
      await result.filter({ hasText: 'Replayed' }).waitFor({ timeout: 60_000 });
      expect(await result.textContent()).to.match(
        new RegExp(`Replayed [1-9][0-9]* records? to ${prefix}ci\\.intake\\.v1`),
      );
    } finally {
      await context.close();
    }
  });
}
