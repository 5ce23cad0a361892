// The remediation providers by name (REMEDIATOR_PROVIDER, REMEDIATOR_PROVIDER_BY_PROJECT).
import type { RemediationProvider } from '../../../lib/core/remediation/proposal.js';
import type { OpenAIConfig } from '../config.js';
import { createOpenAIProvider } from './openai.js';

export { ProviderError, type ProviderFailure, type TokenCount } from './openai.js';

export function createProvider(name: string, config: OpenAIConfig): RemediationProvider {
  switch (name) {
    case 'openai': {
      const { model } = config;
      if (model === undefined) throw new Error('the openai provider needs a model (REMEDIATOR_OPENAI_MODEL)');
      return createOpenAIProvider({ ...config, model });
    }
    default:
      throw new Error(`unknown provider "${name}"`);
  }
}
