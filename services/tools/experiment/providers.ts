// Remediation providers an experiment can run, by name.

import { createHeuristicProvider } from '../../lib/core/remediation/heuristic.js';
import { MAX_RANGE_LINES } from '../../lib/core/remediation/evidence.js';
import type { RemediationProvider } from '../../lib/core/remediation/proposal.js';
import { loadRemediatorConfig } from '../../run/remediator/index.js';
import { createProvider } from '../../run/remediator/index.js';

/** The plainest baseline: no analysis, the last 20 lines as evidence, category unknown. */
function createTailProvider(): RemediationProvider {
  return {
    name: 'tail',
    local: true,
    promptVersion: 'tail-1',
    async propose(ctx, signal) {
      signal?.throwIfAborted();
      const n = ctx.log_lines.length;
      return {
        body: {
          category: 'unknown',
          root_cause: 'Not analysed: the end of the log is the evidence.',
          evidence: [
            { start_line: Math.max(1, n - MAX_RANGE_LINES + 1), end_line: Math.max(1, n), reason: 'end of the log' },
          ],
          suggested_action: { kind: 'investigate', summary: 'investigate: read the end of the log' },
          confidence: 0.1,
        },
        model: null,
        tokens: { prompt: 0, completion: 0 },
        cost_usd: 0,
      };
    },
  };
}

const PROVIDERS: Record<string, () => RemediationProvider> = {
  heuristic: createHeuristicProvider,
  tail: createTailProvider,
  // Any OpenAI-compatible endpoint, configured as for the remediator (OPENAI_BASE_URL, OPENAI_API_KEY,
  // REMEDIATOR_OPENAI_MODEL, …).
  openai: () =>
    createProvider('openai', loadRemediatorConfig({ ...process.env, REMEDIATOR_PROVIDER: 'openai' }).openai),
};

export const PROVIDER_NAMES: readonly string[] = Object.keys(PROVIDERS);

/** A new provider of that name; throws naming the known ones when there is none. */
export function providerByName(name: string): RemediationProvider {
  const create = Object.hasOwn(PROVIDERS, name) ? PROVIDERS[name] : undefined;
  if (create === undefined) throw new Error(`unknown provider "${name}" (known: ${PROVIDER_NAMES.join(', ')})`);
  return create();
}
