import { expect } from 'chai';
import { isShadow, loadRemediatorConfig, providerFor } from './config.js';

describe('remediator: configuration', () => {
  it('defaults: heuristic provider, no kill switch, no shadow, port 8094, 16 kB excerpts', () => {
    const c = loadRemediatorConfig({});
    expect(c).to.include({
      provider: 'heuristic',
      killSwitch: false,
      shadow: false,
      port: 8094,
      concurrency: 4,
      circuitFailures: 5,
      circuitCooldownMs: 60_000,
    });
    expect(c).to.include({ budgetTokensPerHour: 200_000, budgetRequestsPerHour: 60, budgetMaxProjects: 10_000 });
    expect(c.openai).to.deep.equal({
      baseUrl: 'https://api.openai.com/v1',
      apiKey: '',
      model: undefined,
      timeoutMs: 30_000,
      maxRetries: 2,
      backoffBaseMs: 500,
      backoffMaxMs: 10_000,
      maxOutputTokens: 2048,
      excerptBytes: 16_000,
      pricePromptPer1k: 0,
      priceCompletionPer1k: 0,
    });
    expect(c.kafkaBrokers).to.deep.equal(['127.0.0.1:9092']);
  });

  it('reads the provider per project, shadow projects and the OpenAI settings', () => {
    const c = loadRemediatorConfig({
      REMEDIATOR_PROVIDER_BY_PROJECT: 'proj-a=openai, group/proj-b = heuristic',
      REMEDIATOR_SHADOW_PROJECTS: 'proj-a,proj-c',
      REMEDIATOR_KILL_SWITCH: 'true',
      OPENAI_BASE_URL: 'http://127.0.0.1:11434/v1/',
      REMEDIATOR_OPENAI_MODEL: 'llama3.1',
      REMEDIATOR_PRICE_PROMPT_PER_1K: '0.00015',
    });
    expect(providerFor(c, 'proj-a')).to.equal('openai');
    expect(providerFor(c, 'group/proj-b')).to.equal('heuristic');
    expect(providerFor(c, 'other')).to.equal('heuristic');
    expect([isShadow(c, 'proj-a'), isShadow(c, 'proj-b')]).to.deep.equal([true, false]);
    expect(c.killSwitch).to.equal(true);
    expect(c.openai).to.include({ baseUrl: 'http://127.0.0.1:11434/v1', model: 'llama3.1', pricePromptPer1k: 0.00015 });
  });

  it('refuses bad values, naming the variable', () => {
    const bad: [Record<string, string>, RegExp][] = [
      [{ REMEDIATOR_PROVIDER: 'gpt' }, /REMEDIATOR_PROVIDER must be one of heuristic, openai/],
      [{ REMEDIATOR_PROVIDER_BY_PROJECT: 'proj-a' }, /REMEDIATOR_PROVIDER_BY_PROJECT/],
      [{ REMEDIATOR_PROVIDER_BY_PROJECT: 'proj-a=magic' }, /REMEDIATOR_PROVIDER_BY_PROJECT/],
      [{ REMEDIATOR_PROVIDER: 'openai' }, /REMEDIATOR_OPENAI_MODEL/],
      [{ REMEDIATOR_PROVIDER_BY_PROJECT: 'p=openai' }, /REMEDIATOR_OPENAI_MODEL/],
      [{ REMEDIATOR_KILL_SWITCH: 'maybe' }, /REMEDIATOR_KILL_SWITCH/],
      [{ REMEDIATOR_SHADOW: '2' }, /REMEDIATOR_SHADOW/],
      [{ REMEDIATOR_TIMEOUT_MS: '5s' }, /REMEDIATOR_TIMEOUT_MS/],
      [{ REMEDIATOR_EXCERPT_BYTES: '10' }, /REMEDIATOR_EXCERPT_BYTES/],
      [{ REMEDIATOR_PRICE_COMPLETION_PER_1K: '-1' }, /REMEDIATOR_PRICE_COMPLETION_PER_1K/],
      [{ REMEDIATOR_BACKOFF_BASE_MS: '20000' }, /REMEDIATOR_BACKOFF_BASE_MS/],
      [{ REMEDIATOR_PORT: 'http' }, /REMEDIATOR_PORT/],
    ];
    for (const [env, message] of bad) expect(() => loadRemediatorConfig(env), JSON.stringify(env)).to.throw(message);
  });
});
