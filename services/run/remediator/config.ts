// Remediator configuration (docs/CONFIGURATION.md, "Remediator"): environment variables with documented
// defaults. Bad values fail at start-up with the variable's name.
import {
  bool,
  ConfigError,
  instanceIdVar,
  int,
  list,
  loadConfig,
  num,
  oneOf,
  type PlatformConfig,
  readEnv,
  str,
  url,
} from '../../lib/platform/config/index.js';
import { scopedId } from '../../lib/platform/kafka/topics.js';

export const PROVIDER_NAMES = ['heuristic', 'openai'] as const;
export type ProviderName = (typeof PROVIDER_NAMES)[number];

const usd = 'USD per 1000 tokens';

export const remediatorConfigSpec = {
  REMEDIATOR_PROVIDER: oneOf('provider of the projects not in `REMEDIATOR_PROVIDER_BY_PROJECT`', {
    values: PROVIDER_NAMES,
    default: 'heuristic',
  }),
  REMEDIATOR_PROVIDER_BY_PROJECT: list('provider per project: `proj-a=openai,group/proj-b=heuristic`'),
  REMEDIATOR_KILL_SWITCH: bool('call no provider: every failure gets `RemediationNotProposed` (`kill_switch`)', {
    default: false,
  }),
  REMEDIATOR_SHADOW: bool('record every proposal hidden from users (`shadow: true`)', { default: false }),
  REMEDIATOR_SHADOW_PROJECTS: list('projects whose proposals are recorded hidden'),
  OPENAI_BASE_URL: url('OpenAI-compatible chat completions endpoint', { default: 'https://api.openai.com/v1' }),
  OPENAI_API_KEY: str('its API key; unset for servers that need none (a local model server)', { secret: true }),
  REMEDIATOR_OPENAI_MODEL: str('the model; required when a project uses `openai`'),
  REMEDIATOR_TIMEOUT_MS: int('per HTTP request to the model', { default: 30_000, min: 100, max: 600_000 }),
  REMEDIATOR_MAX_RETRIES: int('retries of a rate-limited (429), failed (5xx) or unreachable request', {
    default: 2,
    min: 0,
    max: 10,
  }),
  REMEDIATOR_BACKOFF_BASE_MS: int('first retry delay ceiling (doubles per retry, with jitter)', {
    default: 500,
    min: 1,
    max: 60_000,
  }),
  REMEDIATOR_BACKOFF_MAX_MS: int('longest wait before a retry, and the longest Retry-After honoured', {
    default: 10_000,
    min: 1,
    max: 600_000,
  }),
  REMEDIATOR_MAX_OUTPUT_TOKENS: int('`max_completion_tokens` per request', { default: 2048, min: 256, max: 100_000 }),
  REMEDIATOR_EXCERPT_BYTES: int('log excerpt budget sent to a model, in UTF-8 bytes', {
    default: 16_000,
    min: 1_000,
    max: 1_000_000,
  }),
  REMEDIATOR_PRICE_PROMPT_PER_1K: num('prompt price, for `cost_usd`', { default: 0, unit: usd }),
  REMEDIATOR_PRICE_COMPLETION_PER_1K: num('completion price, for `cost_usd`', { default: 0, unit: usd }),
  REMEDIATOR_BUDGET_TOKENS_PER_HOUR: int('tokens per project per rolling hour', { default: 200_000 }),
  REMEDIATOR_BUDGET_REQUESTS_PER_HOUR: int('model requests per project per rolling hour', { default: 60 }),
  REMEDIATOR_BUDGET_MAX_PROJECTS: int('projects whose budget is tracked at once (least recently used forgotten)', {
    default: 10_000,
    min: 1,
    max: 1_000_000,
  }),
  REMEDIATOR_CIRCUIT_FAILURES: int('consecutive provider failures that open the circuit', {
    default: 5,
    min: 1,
    max: 1000,
  }),
  REMEDIATOR_CIRCUIT_COOLDOWN_MS: int('how long the circuit stays open before one probe', {
    default: 60_000,
    min: 1_000,
    max: 24 * 60 * 60 * 1000,
  }),
  REMEDIATOR_CONCURRENCY: int('failures handled at once', { default: 4, min: 1, max: 64 }),
  REMEDIATOR_SESSION_TIMEOUT_MS: int('how long a dead instance keeps its partitions', {
    default: 30_000,
    min: 6_000,
    max: 300_000,
  }),
  REMEDIATOR_PORT: int('port of `/healthz`, `/readyz`, `/stats` and `/metrics`', { default: 8094, min: 0, max: 65535 }),
  REMEDIATOR_GROUP_ID: str('consumer group', {
    default: scopedId('verity-remediator'),
    defaultText: '`verity-remediator` (after `VERITY_TOPIC_PREFIX`)',
  }),
  VERITY_INSTANCE_ID: instanceIdVar('remediator'),
};

/** What the openai provider needs: any OpenAI-compatible chat completions endpoint. */
export interface OpenAIConfig {
  baseUrl: string;
  /** Empty for servers that need none (a local model server). */
  apiKey: string;
  /** Required when a project uses the openai provider. */
  model: string | undefined;
  /** Per HTTP request. */
  timeoutMs: number;
  /** Retries of a rate-limited (429), failed (5xx) or unreachable request. */
  maxRetries: number;
  /** First retry delay ceiling (doubles per retry); the longest wait is backoffMaxMs. */
  backoffBaseMs: number;
  /** Longest wait before a retry, and the longest Retry-After honoured. */
  backoffMaxMs: number;
  /** Upper bound of completion tokens per request. */
  maxOutputTokens: number;
  /** Log excerpt budget in UTF-8 bytes. */
  excerptBytes: number;
  /** Prices for the cost estimate, in USD per 1000 tokens. */
  pricePromptPer1k: number;
  priceCompletionPer1k: number;
}

export interface RemediatorConfig extends PlatformConfig {
  groupId: string;
  instanceId: string;
  port: number;
  /** How long a dead instance keeps its partitions. */
  sessionTimeoutMs: number;
  /** Failures handled at once. */
  concurrency: number;
  /** Provider of projects not in providerByProject. */
  provider: ProviderName;
  providerByProject: ReadonlyMap<string, ProviderName>;
  /** No provider is called; every failure is answered RemediationNotProposed (kill_switch). */
  killSwitch: boolean;
  /** Every proposal is recorded hidden (shadow: true); shadowProjects does this for some projects only. */
  shadow: boolean;
  shadowProjects: ReadonlySet<string>;
  openai: OpenAIConfig;
  /** Per project, per rolling hour. */
  budgetTokensPerHour: number;
  budgetRequestsPerHour: number;
  /** Projects whose budget is tracked at once (least recently used forgotten first). */
  budgetMaxProjects: number;
  /** Consecutive provider failures that open the circuit, and how long it stays open. */
  circuitFailures: number;
  circuitCooldownMs: number;
}

type Env = Record<string, string | undefined>;

export function loadRemediatorConfig(env: Env = process.env): RemediatorConfig {
  const v = readEnv(remediatorConfigSpec, env);
  const provider = v.REMEDIATOR_PROVIDER;
  const providerByProject = providerMap('REMEDIATOR_PROVIDER_BY_PROJECT', v.REMEDIATOR_PROVIDER_BY_PROJECT);
  const config: RemediatorConfig = {
    ...loadConfig(env),
    groupId: v.REMEDIATOR_GROUP_ID,
    instanceId: v.VERITY_INSTANCE_ID,
    port: v.REMEDIATOR_PORT,
    sessionTimeoutMs: v.REMEDIATOR_SESSION_TIMEOUT_MS,
    concurrency: v.REMEDIATOR_CONCURRENCY,
    provider,
    providerByProject,
    killSwitch: v.REMEDIATOR_KILL_SWITCH,
    shadow: v.REMEDIATOR_SHADOW,
    shadowProjects: new Set(v.REMEDIATOR_SHADOW_PROJECTS),
    openai: {
      baseUrl: v.OPENAI_BASE_URL,
      apiKey: v.OPENAI_API_KEY ?? '',
      model: v.REMEDIATOR_OPENAI_MODEL,
      timeoutMs: v.REMEDIATOR_TIMEOUT_MS,
      maxRetries: v.REMEDIATOR_MAX_RETRIES,
      backoffBaseMs: v.REMEDIATOR_BACKOFF_BASE_MS,
      backoffMaxMs: v.REMEDIATOR_BACKOFF_MAX_MS,
      maxOutputTokens: v.REMEDIATOR_MAX_OUTPUT_TOKENS,
      excerptBytes: v.REMEDIATOR_EXCERPT_BYTES,
      pricePromptPer1k: v.REMEDIATOR_PRICE_PROMPT_PER_1K,
      priceCompletionPer1k: v.REMEDIATOR_PRICE_COMPLETION_PER_1K,
    },
    budgetTokensPerHour: v.REMEDIATOR_BUDGET_TOKENS_PER_HOUR,
    budgetRequestsPerHour: v.REMEDIATOR_BUDGET_REQUESTS_PER_HOUR,
    budgetMaxProjects: v.REMEDIATOR_BUDGET_MAX_PROJECTS,
    circuitFailures: v.REMEDIATOR_CIRCUIT_FAILURES,
    circuitCooldownMs: v.REMEDIATOR_CIRCUIT_COOLDOWN_MS,
  };
  const usesOpenAI = provider === 'openai' || [...providerByProject.values()].includes('openai');
  if (usesOpenAI && config.openai.model === undefined) {
    throw new ConfigError(
      'REMEDIATOR_OPENAI_MODEL must be set when REMEDIATOR_PROVIDER or REMEDIATOR_PROVIDER_BY_PROJECT uses openai',
    );
  }
  const { backoffBaseMs, backoffMaxMs } = config.openai;
  if (backoffBaseMs > backoffMaxMs) {
    throw new ConfigError(
      `REMEDIATOR_BACKOFF_BASE_MS (${backoffBaseMs}) must not exceed REMEDIATOR_BACKOFF_MAX_MS (${backoffMaxMs})`,
    );
  }
  return config;
}

/** The provider a project uses: its REMEDIATOR_PROVIDER_BY_PROJECT entry, else REMEDIATOR_PROVIDER. */
export function providerFor(
  config: Pick<RemediatorConfig, 'provider' | 'providerByProject'>,
  projectId: string,
): ProviderName {
  return config.providerByProject.get(projectId) ?? config.provider;
}

/** Whether the project's proposals are recorded hidden. */
export function isShadow(config: Pick<RemediatorConfig, 'shadow' | 'shadowProjects'>, projectId: string): boolean {
  return config.shadow || config.shadowProjects.has(projectId);
}

/** "proj-a=openai,proj-b=heuristic": a project's provider; the last `=` separates it from the project id. */
function providerMap(name: string, entries: string[]): Map<string, ProviderName> {
  const map = new Map<string, ProviderName>();
  for (const entry of entries) {
    const at = entry.lastIndexOf('=');
    const project = entry.slice(0, Math.max(0, at)).trim();
    if (at < 0 || project === '') throw new ConfigError(`${name} entries must be project=provider, got "${entry}"`);
    map.set(project, remediatorConfigSpec.REMEDIATOR_PROVIDER.parse(name, entry.slice(at + 1).trim()));
  }
  return map;
}
