import { expect } from 'chai';
import type { JobFailed } from '../../lib/core/events/generated.js';
import type { ProviderAnswer, RemediationContext, RemediationProvider } from '../../lib/core/remediation/proposal.js';
import { createAjv } from '../../lib/platform/schemas/ajv.js';
import { loadCatalog } from '../../lib/platform/schemas/catalog.js';
import { CircuitBreaker } from './guard/circuit-breaker.js';
import { ProjectBudget } from './guard/budget.js';
import { ProviderError } from './providers/index.js';
import { proposalIdOf, remediate, type Guards } from './remediate.js';

const failure: JobFailed = {
  type: 'JobFailed',
  event_id: '0190c5a0-0000-7000-8000-000000000001',
  occurred_at: '2026-11-28T10:00:00.000Z',
  recorded_at: '2026-11-28T10:00:00.100Z',
  pipeline_id: '0190c5a0-0000-7000-8000-0000000000aa',
  project_id: 'group/app',
  seq: 7,
  causation_id: '0190c5a0-0000-7000-8000-000000000002',
  correlation_id: '0190c5a0-0000-7000-8000-000000000003',
  job_id: '0190c5a0-0000-7000-8000-0000000000bb',
  name: 'unit',
  attempt: 1,
  failure_reason: 'script_failure',
  failure_reason_raw: null,
  exit_code: 1,
  allow_failure: false,
  duration_ms: 1200,
  log: null,
  log_excerpt: 'FAILED test_x',
};
const ctx: RemediationContext = {
  project_id: 'group/app',
  pipeline_id: failure.pipeline_id,
  job_id: failure.job_id,
  job_name: 'unit',
  stage: 'test',
  attempt: 1,
  ref: 'main',
  sha: 'abc',
  failure_reason: 'script_failure',
  exit_code: 1,
  allow_failure: false,
  definition: null,
  log_lines: ['FAILED test_x'],
  signature: '0123456789abcdef',
  history: [],
  similar: [],
};
const answer: ProviderAnswer = {
  body: {
    category: 'test_failure',
    root_cause: 'test_x fails',
    evidence: [{ start_line: 1, end_line: 1, reason: 'failing test' }],
    suggested_action: { kind: 'fix_test', summary: 'fix: failing test test_x' },
    confidence: 0.6,
  },
  model: 'm1',
  tokens: { prompt: 100, completion: 20 },
  cost_usd: 0.001,
};
const provider = (propose: RemediationProvider['propose']): RemediationProvider => ({
  name: 'openai',
  promptVersion: 'p1',
  propose,
});
const guards = (over: Partial<Guards> = {}): Guards => ({
  killSwitch: false,
  shadow: false,
  budget: new ProjectBudget({ requestsPerWindow: 10, tokensPerWindow: 1000, windowMs: 3_600_000, maxProjects: 10 }),
  circuit: new CircuitBreaker({ failureThreshold: 2, cooldownMs: 60_000 }),
  ...over,
});
const eventSchemas = Object.fromEntries(
  loadCatalog()
    .filter((e) => e.topic === 'ci.remediation.events.v1')
    .map((e) => [e.type, createAjv().compile(e.schema)]),
);
const valid = (e: { type: string }) => {
  const v = eventSchemas[e.type]!;
  expect(v(e), JSON.stringify(v.errors)).to.equal(true);
};

describe('remediate (guards, provider, event)', () => {
  it('a good answer becomes a RemediationProposed valid against its schema, with a deterministic id', async () => {
    const e = await remediate(
      failure,
      ctx,
      provider(async () => answer),
      guards(),
    );
    valid(e);
    expect(e).to.include({
      type: 'RemediationProposed',
      proposal_id: proposalIdOf(failure.event_id, 'openai', 'p1'),
      category: 'test_failure',
      model: 'm1',
      shadow: false,
      ref: 'main',
      causation_id: failure.event_id,
    });
    expect(proposalIdOf(failure.event_id, 'openai', 'p1')).to.equal(proposalIdOf(failure.event_id, 'openai', 'p1'));
    expect(proposalIdOf(failure.event_id, 'openai', 'p2')).not.to.equal(proposalIdOf(failure.event_id, 'openai', 'p1'));
  });

  it('shadow mode marks the proposal', async () => {
    expect(
      await remediate(
        failure,
        ctx,
        provider(async () => answer),
        guards({ shadow: true }),
      ),
    ).to.include({ shadow: true });
  });

  const refusals: [string, Partial<Guards>, string][] = [
    ['kill switch', { killSwitch: true }, 'kill_switch'],
    [
      'request budget spent',
      {
        budget: new ProjectBudget({
          requestsPerWindow: 0,
          tokensPerWindow: 1000,
          windowMs: 3_600_000,
          maxProjects: 10,
        }),
      },
      'budget_exhausted',
    ],
  ];
  for (const [name, over, reason] of refusals) {
    it(`${name} → RemediationNotProposed ${reason}, the provider is not called`, async () => {
      let called = false;
      const e = await remediate(
        failure,
        ctx,
        provider(async () => ((called = true), answer)),
        guards(over),
      );
      valid(e);
      expect(e).to.include({ type: 'RemediationNotProposed', reason });
      expect(called).to.equal(false);
    });
  }

  it('provider errors become NotProposed with their reason; consecutive failures open the circuit', async () => {
    const g = guards();
    const failing = provider(async () => {
      throw new ProviderError('invalid_output', 'answer failed the schema twice', { prompt: 50, completion: 5 });
    });
    expect(await remediate(failure, ctx, failing, g)).to.include({
      type: 'RemediationNotProposed',
      reason: 'invalid_output',
    });
    expect(
      await remediate(
        failure,
        ctx,
        provider(async () => Promise.reject(new Error('socket hang up'))),
        g,
      ),
    ).to.include({ reason: 'provider_error' });
    const e = await remediate(
      failure,
      ctx,
      provider(async () => answer),
      g,
    );
    valid(e);
    expect(e).to.include({ type: 'RemediationNotProposed', reason: 'circuit_open' });
    expect(g.budget.usage('group/app').tokens).to.equal(55);
  });

  it('a token budget spent by earlier answers refuses the next request', async () => {
    const g = guards({
      budget: new ProjectBudget({ requestsPerWindow: 10, tokensPerWindow: 120, windowMs: 3_600_000, maxProjects: 10 }),
    });
    expect(
      await remediate(
        failure,
        ctx,
        provider(async () => answer),
        g,
      ),
    ).to.include({ type: 'RemediationProposed' });
    expect(
      await remediate(
        failure,
        ctx,
        provider(async () => answer),
        g,
      ),
    ).to.include({ type: 'RemediationNotProposed', reason: 'budget_exhausted' });
  });

  it('a local provider (the heuristic) is not held by budgets or the circuit; the kill switch still stops it', async () => {
    const g = guards({
      budget: new ProjectBudget({ requestsPerWindow: 0, tokensPerWindow: 0, windowMs: 3_600_000, maxProjects: 10 }),
    });
    for (let i = 0; i < 3; i++) g.circuit.onFailure();
    const local: RemediationProvider = { ...provider(async () => answer), name: 'heuristic', local: true };
    expect(await remediate(failure, ctx, local, g)).to.include({ type: 'RemediationProposed' });
    expect(await remediate(failure, ctx, local, { ...g, killSwitch: true })).to.include({
      type: 'RemediationNotProposed',
      reason: 'kill_switch',
    });
  });

  it('an abort (shutdown) is rethrown, not recorded: the failure is handled again after a restart', async () => {
    const abort = new AbortController();
    abort.abort();
    let err: unknown;
    try {
      await remediate(
        failure,
        ctx,
        provider(async () => Promise.reject(new Error('aborted'))),
        guards(),
        { signal: abort.signal },
      );
    } catch (e) {
      err = e;
    }
    expect((err as Error)?.message).to.equal('aborted');
  });
});
