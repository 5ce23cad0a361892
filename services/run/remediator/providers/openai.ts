// The `openai` remediation provider: a chat completion from any OpenAI-compatible endpoint, asked for a
// structured answer (response_format json_schema, strict) or, where the server rejects that, told the
// schema in its instructions; either way the answer is parsed and validated here (schema and evidence
// ranges) and never returned unless valid. The SDK's own retries are off (its Retry-After wait is
// unbounded and ignores the abort signal): 429, 5xx and connection failures are retried here with bounded
// exponential backoff and jitter, honouring Retry-After up to the backoff ceiling.
import { setTimeout as delay } from 'node:timers/promises';
import { OpenAI, APIConnectionError, APIConnectionTimeoutError, APIError, BadRequestError } from 'openai';
import type {
  ChatCompletion,
  ChatCompletionCreateParamsNonStreaming,
  ChatCompletionMessageParam,
} from 'openai/resources/chat/completions';
import { MAX_RANGE_LINES } from '../../../lib/core/remediation/evidence.js';
import type { RemediationNotProposed } from '../../../lib/core/events/generated.js';
import {
  PROPOSAL_BODY_SCHEMA,
  type ProposalBody,
  type ProviderAnswer,
  type RemediationContext,
  type RemediationProvider,
} from '../../../lib/core/remediation/proposal.js';
import { createAjv, toFieldErrors } from '../../../lib/platform/schemas/ajv.js';
import type { OpenAIConfig } from '../config.js';
import { retryAfterMs, retryDelayMs } from '../../../lib/platform/backoff.js';
import { buildMessages, PROMPT_VERSION } from '../prompt.js';

/** Why a provider gave no proposal: the provider-side reasons of RemediationNotProposed. */
export type ProviderFailure = Extract<
  RemediationNotProposed['reason'],
  'timeout' | 'rate_limited' | 'provider_error' | 'invalid_output'
>;

export interface TokenCount {
  prompt: number;
  completion: number;
}

/** A provider call that produced no proposal; `tokens` were spent anyway (for the budget). */
export class ProviderError extends Error {
  override readonly name = 'ProviderError';
  constructor(
    readonly reason: ProviderFailure,
    message: string,
    readonly tokens: TokenCount,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

export type OpenAIProviderConfig = Omit<OpenAIConfig, 'model'> & { model: string };

/** Injected in tests; the defaults are the real clock, randomness and timers. */
export interface OpenAIProviderDeps {
  sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
  random?: () => number;
  now?: () => number;
}

const validateBody = createAjv().compile<ProposalBody>(PROPOSAL_BODY_SCHEMA);
/** Answers are asked for this many times at most: an invalid one is retried once. */
const ANSWER_ATTEMPTS = 2;

export function createOpenAIProvider(config: OpenAIProviderConfig, deps: OpenAIProviderDeps = {}): RemediationProvider {
  return new OpenAIProvider(config, deps);
}

class OpenAIProvider implements RemediationProvider {
  readonly name = 'openai';
  readonly promptVersion = PROMPT_VERSION;
  private readonly client: OpenAI;
  /** False once the server has rejected response_format json_schema: the schema goes in the instructions. */
  private structuredOutput = true;

  constructor(
    private readonly config: OpenAIProviderConfig,
    private readonly deps: OpenAIProviderDeps,
  ) {
    this.client = new OpenAI({
      baseURL: config.baseUrl,
      apiKey: config.apiKey,
      timeout: config.timeoutMs,
      maxRetries: 0,
    });
  }

  /**
   * Asks for a proposal. Throws ProviderError (timeout, rate_limited, provider_error, invalid_output) when
   * there is none; when `signal` aborts, throws its reason instead.
   */
  async propose(ctx: RemediationContext, signal?: AbortSignal): Promise<ProviderAnswer> {
    const spent: TokenCount = { prompt: 0, completion: 0 };
    // Built once per output mode (the log is cleaned and excerpted once), reused by every retry.
    const prompts = new Map<boolean, ChatCompletionMessageParam[]>();
    const prompt = (): ChatCompletionMessageParam[] => {
      const structured = this.structuredOutput;
      let messages = prompts.get(structured);
      if (messages === undefined) {
        messages = buildMessages(ctx, { excerptBytes: this.config.excerptBytes, schemaInInstructions: !structured });
        prompts.set(structured, messages);
      }
      return messages;
    };
    let rejection: string | null = null;
    for (let attempt = 1; ; attempt++) {
      const completion = await this.complete(prompt, rejection, spent, signal);
      spent.prompt += completion.usage?.prompt_tokens ?? 0;
      spent.completion += completion.usage?.completion_tokens ?? 0;
      const answer = parseAnswer(completion, ctx.log_lines.length);
      if (answer.ok) {
        return {
          body: answer.body,
          model: completion.model || this.config.model,
          tokens: spent,
          cost_usd: this.cost(spent),
        };
      }
      if (attempt >= ANSWER_ATTEMPTS)
        throw new ProviderError('invalid_output', `invalid answer: ${answer.problem}`, spent);
      rejection = answer.problem;
    }
  }

  /** One chat completion, with the transport retries; `rejection` explains why the previous answer was refused. */
  private async complete(
    prompt: () => ChatCompletionMessageParam[],
    rejection: string | null,
    spent: TokenCount,
    signal?: AbortSignal,
  ): Promise<ChatCompletion> {
    for (let retry = 0; ;) {
      try {
        return await this.client.chat.completions.create(this.request(prompt(), rejection), { signal });
      } catch (err) {
        if (signal?.aborted) throw signal.reason;
        if (this.structuredOutput && rejectsStructuredOutput(err)) {
          this.structuredOutput = false;
          continue;
        }
        const failure = classify(err);
        const wait =
          failure.retryable && retry < this.config.maxRetries
            ? retryDelayMs(
                retry,
                { baseMs: this.config.backoffBaseMs, maxMs: this.config.backoffMaxMs },
                retryAfterMs(err instanceof APIError ? err.headers : undefined, (this.deps.now ?? Date.now)()),
                this.deps.random,
              )
            : null;
        if (wait === null) throw new ProviderError(failure.reason, describe(err), { ...spent }, { cause: err });
        await this.sleep(wait, signal);
        retry++;
      }
    }
  }

  private request(
    prompt: ChatCompletionMessageParam[],
    rejection: string | null,
  ): ChatCompletionCreateParamsNonStreaming {
    const correction: ChatCompletionMessageParam[] =
      rejection === null
        ? []
        : [
            {
              role: 'user',
              content: `Your previous answer was rejected: ${rejection}. Reply again with only the JSON object, as the system message says.`,
            },
          ];
    return {
      model: this.config.model,
      messages: [...prompt, ...correction],
      max_completion_tokens: this.config.maxOutputTokens,
      ...(this.structuredOutput
        ? {
            response_format: {
              type: 'json_schema',
              json_schema: { name: 'remediation_proposal', schema: PROPOSAL_BODY_SCHEMA, strict: true },
            },
          }
        : {}),
    };
  }

  private async sleep(ms: number, signal?: AbortSignal): Promise<void> {
    try {
      await (this.deps.sleep ?? ((t, s) => delay(t, undefined, { signal: s })))(ms, signal);
    } catch (err) {
      throw signal?.aborted ? signal.reason : err;
    }
  }

  private cost(tokens: TokenCount): number {
    return (tokens.prompt * this.config.pricePromptPer1k + tokens.completion * this.config.priceCompletionPer1k) / 1000;
  }
}

/** A 400 about response_format / json_schema: the server does not do structured output. */
function rejectsStructuredOutput(err: unknown): boolean {
  return err instanceof BadRequestError && /response_format|json_schema/i.test(err.message);
}

function classify(err: unknown): { reason: ProviderFailure; retryable: boolean } {
  if (err instanceof APIConnectionTimeoutError) return { reason: 'timeout', retryable: false };
  if (err instanceof APIConnectionError) return { reason: 'provider_error', retryable: true };
  if (err instanceof APIError) {
    const status = err.status ?? 0;
    if (status === 429) return { reason: 'rate_limited', retryable: true };
    if (status === 408) return { reason: 'timeout', retryable: true };
    return { reason: 'provider_error', retryable: status === 409 || status >= 500 };
  }
  return { reason: 'provider_error', retryable: false };
}

function describe(err: unknown): string {
  return err instanceof Error ? `${err.constructor.name}: ${err.message}` : String(err);
}

type ParsedAnswer = { ok: true; body: ProposalBody } | { ok: false; problem: string };

/** The answer's proposal if it is a JSON object valid against the schema, citing lines of the log only. */
function parseAnswer(completion: ChatCompletion, lineCount: number): ParsedAnswer {
  const message = completion.choices[0]?.message;
  if (message?.refusal) return { ok: false, problem: 'the model refused to answer' };
  const value = extractJsonObject(message?.content ?? '');
  if (value === undefined) return { ok: false, problem: 'it is not a JSON object' };
  if (!validateBody(value)) {
    return {
      ok: false,
      problem: toFieldErrors(validateBody.errors)
        .map((e) => `${e.pointer || '/'} ${e.message}`)
        .join('; '),
    };
  }
  const problems = value.evidence.flatMap((e, i) => {
    if (e.end_line < e.start_line) return [`/evidence/${i} ends before it starts`];
    if (e.end_line > lineCount) return [`/evidence/${i} cites line ${e.end_line} of a log of ${lineCount} lines`];
    if (e.end_line - e.start_line + 1 > MAX_RANGE_LINES)
      return [`/evidence/${i} spans more than ${MAX_RANGE_LINES} lines`];
    return [];
  });
  return problems.length > 0 ? { ok: false, problem: problems.join('; ') } : { ok: true, body: value };
}

/** Candidate object openings tried in a text that is not JSON itself (prose or a code fence around it). */
const MAX_CANDIDATES = 8;

/** The text as a JSON object, or the first balanced `{…}` in it that parses as one. */
function extractJsonObject(text: string): Record<string, unknown> | undefined {
  const whole = parseObject(text.trim());
  if (whole !== undefined) return whole;
  for (
    let start = text.indexOf('{'), tried = 0;
    start >= 0 && tried < MAX_CANDIDATES;
    start = text.indexOf('{', start + 1), tried++
  ) {
    const end = closingBrace(text, start);
    const found = end < 0 ? undefined : parseObject(text.slice(start, end + 1));
    if (found !== undefined) return found;
  }
  return undefined;
}

function parseObject(text: string): Record<string, unknown> | undefined {
  try {
    const value: unknown = JSON.parse(text);
    return typeof value === 'object' && value !== null && !Array.isArray(value)
      ? (value as Record<string, unknown>)
      : undefined;
  } catch {
    return undefined;
  }
}

/** Index of the `}` closing the `{` at `start`, skipping braces inside JSON strings; -1 if unbalanced. */
function closingBrace(text: string, start: number): number {
  let depth = 0;
  let inString = false;
  for (let i = start; i < text.length; i++) {
    const c = text[i];
    if (inString) {
      if (c === '\\') i++;
      else if (c === '"') inString = false;
    } else if (c === '"') inString = true;
    else if (c === '{') depth++;
    else if (c === '}' && --depth === 0) return i;
  }
  return -1;
}
