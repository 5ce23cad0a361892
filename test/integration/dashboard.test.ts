// The dashboard in a real browser (Debian's chromium driven by playwright-core, headless) against the whole
// of Verity as operators run it (`bin/verity up`, test/support/system.ts), one system and one logged-in
// page for every page's scenarios (test/integration/dashboard/*.ts), in this order: login, pipelines,
// pipeline, job, AI scoreboard, project health, operations. Each page is checked by axe-core and
// photographed light and dark into docs/screenshots/.
import { existsSync } from 'node:fs';
import { chromium } from 'playwright-core';
import { startSystem } from '../support/system.js';
import { CHROMIUM, type DashboardContext } from './dashboard/context.js';
import { loginScenarios, pipelinesScenarios } from './dashboard/pipelines.js';
import { pipelineScenarios } from './dashboard/pipeline.js';
import { jobScenarios } from './dashboard/job.js';
import { scoreboardScenarios } from './dashboard/ai.js';
import { healthScenarios } from './dashboard/health.js';
import { operationsScenarios } from './dashboard/operations.js';

describe('the dashboard in Chromium', function () {
  this.timeout(240_000);
  const ctx = {} as DashboardContext;

  before(async function () {
    if (!existsSync(CHROMIUM)) {
      if (process.env.CI) throw new Error(`no Chromium at ${CHROMIUM} (.ci/run installs Debian's chromium)`);
      this.skip(); // no Chromium on this machine outside CI (.ci/run installs it; CI fails above instead)
    }
    this.timeout(200_000);
    ctx.system = await startSystem('dashboard');
    ctx.ingest = `http://127.0.0.1:${await ctx.system.port('ingest')}`;
    ctx.base = `http://127.0.0.1:${await ctx.system.port('query')}`;
    ctx.browser = await chromium.launch({
      executablePath: CHROMIUM,
      headless: true,
      args: process.getuid?.() === 0 ? ['--no-sandbox'] : [],
    });
    ctx.context = await ctx.browser.newContext({ viewport: { width: 1280, height: 800 } });
    ctx.page = await ctx.context.newPage();
  });
  after(async function () {
    this.timeout(120_000);
    await ctx.browser?.close();
    await ctx.system?.stop();
  });

  describe('login', () => loginScenarios(ctx));
  describe('pipelines page', () => pipelinesScenarios(ctx));
  describe('pipeline page', () => pipelineScenarios(ctx));
  describe('job page', () => jobScenarios(ctx));
  describe('AI scoreboard', () => scoreboardScenarios(ctx));
  describe('project health', () => healthScenarios(ctx));
  describe('operations', () => operationsScenarios(ctx));
});
