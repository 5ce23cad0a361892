// Remediator configuration (README "Remediator"): environment variables with documented defaults. Bad
// values fail at start-up with the variable's name.
import { ConfigError, intFromEnv, loadConfig, type PlatformConfig } from '../../lib/platform/config/index.js';
import { scopedId } from '../../lib/platform/kafka/topics.js';

export const PROVIDER_NAMES = ['heuristic', 'openai'] as const;
export type ProviderName = (typeof PROVIDER_NAMES)[number];

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
  const provider = providerNamed('REMEDIATOR_PROVIDER', env.REMEDIATOR_PROVIDER || 'heuristic');
  const providerByProject = providerMapFromEnv(env, 'REMEDIATOR_PROVIDER_BY_PROJECT');
  const config: RemediatorConfig = {
    ...loadConfig(env),
    groupId: env.REMEDIATOR_GROUP_ID || scopedId('verity-remediator'),
    instanceId: env.VERITY_INSTANCE_ID || `remediator-${process.pid}`,
    port: intFromEnv(env, 'REMEDIATOR_PORT', 8094, 0, 65535),
    sessionTimeoutMs: intFromEnv(env, 'REMEDIATOR_SESSION_TIMEOUT_MS', 30_000, 6_000, 300_000),
    concurrency: intFromEnv(env, 'REMEDIATOR_CONCURRENCY', 4, 1, 64),
    provider,
    providerByProject,
    killSwitch: boolFromEnv(env, 'REMEDIATOR_KILL_SWITCH', false),
    shadow: boolFromEnv(env, 'REMEDIATOR_SHADOW', false),
    shadowProjects: new Set(listFromEnv(env, 'REMEDIATOR_SHADOW_PROJECTS')),
    openai: {
      baseUrl: (env.OPENAI_BASE_URL || 'https://api.openai.com/v1').replace(/\/+$/, ''),
      apiKey: env.OPENAI_API_KEY ?? '',
      model: env.REMEDIATOR_OPENAI_MODEL || undefined,
      timeoutMs: intFromEnv(env, 'REMEDIATOR_TIMEOUT_MS', 30_000, 100, 600_000),
      maxRetries: intFromEnv(env, 'REMEDIATOR_MAX_RETRIES', 2, 0, 10),
      backoffBaseMs: intFromEnv(env, 'REMEDIATOR_BACKOFF_BASE_MS', 500, 1, 60_000),
      backoffMaxMs: intFromEnv(env, 'REMEDIATOR_BACKOFF_MAX_MS', 10_000, 1, 600_000),
      maxOutputTokens: intFromEnv(env, 'REMEDIATOR_MAX_OUTPUT_TOKENS', 2048, 256, 100_000),
      excerptBytes: intFromEnv(env, 'REMEDIATOR_EXCERPT_BYTES', 16_000, 1_000, 1_000_000),
      pricePromptPer1k: priceFromEnv(env, 'REMEDIATOR_PRICE_PROMPT_PER_1K'),
      priceCompletionPer1k: priceFromEnv(env, 'REMEDIATOR_PRICE_COMPLETION_PER_1K'),
    },
    budgetTokensPerHour: intFromEnv(env, 'REMEDIATOR_BUDGET_TOKENS_PER_HOUR', 200_000),
    budgetRequestsPerHour: intFromEnv(env, 'REMEDIATOR_BUDGET_REQUESTS_PER_HOUR', 60),
    budgetMaxProjects: intFromEnv(env, 'REMEDIATOR_BUDGET_MAX_PROJECTS', 10_000, 1, 1_000_000),
    circuitFailures: intFromEnv(env, 'REMEDIATOR_CIRCUIT_FAILURES', 5, 1, 1000),
    circuitCooldownMs: intFromEnv(env, 'REMEDIATOR_CIRCUIT_COOLDOWN_MS', 60_000, 1_000, 24 * 60 * 60 * 1000),
  };
  const usesOpenAI = provider === 'openai' || [...providerByProject.values()].includes('openai');
  if (usesOpenAI && config.openai.model === undefined) {
    throw new ConfigError('REMEDIATOR_OPENAI_MODEL must be set when REMEDIATOR_PROVIDER or REMEDIATOR_PROVIDER_BY_PROJECT uses openai');
  }
  if (config.openai.backoffBaseMs > config.openai.backoffMaxMs) {
    throw new ConfigError(`REMEDIATOR_BACKOFF_BASE_MS (${config.openai.backoffBaseMs}) must not exceed REMEDIATOR_BACKOFF_MAX_MS (${config.openai.backoffMaxMs})`);
  }
  return config;
}

/** The provider a project uses: its REMEDIATOR_PROVIDER_BY_PROJECT entry, else REMEDIATOR_PROVIDER. */
export function providerFor(config: Pick<RemediatorConfig, 'provider' | 'providerByProject'>, projectId: string): ProviderName {
  return config.providerByProject.get(projectId) ?? config.provider;
}

/** Whether the project's proposals are recorded hidden. */
export function isShadow(config: Pick<RemediatorConfig, 'shadow' | 'shadowProjects'>, projectId: string): boolean {
  return config.shadow || config.shadowProjects.has(projectId);
}

function providerNamed(name: string, value: string): ProviderName {
  if ((PROVIDER_NAMES as readonly string[]).includes(value)) return value as ProviderName;
  throw new ConfigError(`${name} must be one of ${PROVIDER_NAMES.join(', ')}, got "${value}"`);
}

function boolFromEnv(env: Env, name: string, fallback: boolean): boolean {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = raw.trim().toLowerCase();
  if (['true', '1', 'yes', 'on'].includes(value)) return true;
  if (['false', '0', 'no', 'off'].includes(value)) return false;
  throw new ConfigError(`${name} must be true or false, got "${raw}"`);
}

function listFromEnv(env: Env, name: string): string[] {
  return (env[name] ?? '').split(',').map((s) => s.trim()).filter(Boolean);
}

/** "proj-a=openai,proj-b=heuristic": a project's provider; the last `=` separates it from the project id. */
function providerMapFromEnv(env: Env, name: string): Map<string, ProviderName> {
  const map = new Map<string, ProviderName>();
  for (const entry of listFromEnv(env, name)) {
    const at = entry.lastIndexOf('=');
    const project = entry.slice(0, Math.max(0, at)).trim();
    if (at < 0 || project === '') throw new ConfigError(`${name} entries must be project=provider, got "${entry}"`);
    map.set(project, providerNamed(name, entry.slice(at + 1).trim()));
  }
  return map;
}

function priceFromEnv(env: Env, name: string): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return 0;
  const n = Number(raw);
  if (!Number.isFinite(n) || n < 0) throw new ConfigError(`${name} must be a non-negative number (USD per 1000 tokens), got "${raw}"`);
  return n;
}
