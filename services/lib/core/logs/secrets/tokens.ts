// Tokens recognisable by their own shape, wherever they appear: a vendor's prefix plus its alphabet and
// length (GitHub, GitLab, AWS, Slack, Stripe, OpenAI, …), JWTs, `Authorization:` values and credentials in
// URLs. Every pattern starts at a token boundary (a look-behind), uses bounded or disjoint quantifiers and
// never crosses a newline, so each rule is one linear scan; URL credentials are found from each `://`.

import { isPlaceholder, looksSecret } from './keys.js';
import { forEachLine, maskSpans, type RedactResult, type Span } from './mask.js';

// A token starts where no token character precedes it (a `-` may: `${NPM_TOKEN:-npm_…}`, `x-ghp_…`).
const B = '(?<![A-Za-z0-9_])';
const E = '(?![A-Za-z0-9_-])';

export interface TokenRule {
  name: string;
  /** The pattern (rules are joined into one regex per flag set); with `secretGroup`, only that group is masked. */
  re: RegExp;
  secretGroup?: number;
  /** Extra check on the secret (the match or its group) before it is masked. */
  accept?: (secret: string) => boolean;
}

/** OpenAI-style `sk-` keys: a known marker or kind, else mixed case with digits (not `sk-learn-…` names). */
const openAiLike = (s: string) =>
  /T3BlbkFJ|^sk-(?:ant-|proj-|svcacct-|admin-)/.test(s) || (/[a-z]/.test(s) && /[A-Z]/.test(s) && /[0-9]/.test(s));

/** Well-known token formats and credential shapes, applied in this order (more specific first). */
export const TOKEN_RULES: readonly TokenRule[] = [
  {
    name: 'gitlab-token',
    re: new RegExp(
      `${B}(?:(?:glpat|gldt|glrt|glptt|glcbt|glft|glimt|glagent|gloas|glsoat|glffct|glwt)-[0-9A-Za-z_-]{20,}(?:\\.[0-9A-Za-z_-]+)*|GR1348941[0-9A-Za-z_-]{20,})`,
      'g',
    ),
  },
  {
    name: 'github-token',
    re: new RegExp(`${B}(?:gh[pousr]_[A-Za-z0-9]{36,255}|github_pat_[A-Za-z0-9_]{22,255})`, 'g'),
  },
  { name: 'aws-access-key-id', re: /(?<![A-Za-z0-9])(?:AKIA|ASIA)[A-Z0-9]{16}(?![A-Za-z0-9])/g },
  // STS session tokens are base64 of a protobuf whose first bytes do not change.
  {
    name: 'aws-session-token',
    re: /(?<![A-Za-z0-9+/])(?:IQoJb3JpZ2lu|FwoGZXIvYXdz|FQoGZXIvYXdz)[A-Za-z0-9+/]{20,4096}={0,2}/g,
  },
  {
    name: 'slack-token',
    re: new RegExp(`${B}(?:xox[abprse]-[0-9A-Za-z-]{10,250}|xapp-\\d-[A-Z0-9]{6,16}-\\d{6,16}-[a-f0-9]{32,80})`, 'g'),
  },
  // Webhook URLs whose path is the credential: Slack (services, workflows, triggers), Discord, Teams.
  {
    name: 'webhook-url',
    re: /(https:\/\/(?:hooks\.slack\.com\/(?:services|workflows|triggers)|(?:canary\.|ptb\.)?discord(?:app)?\.com\/api\/webhooks|[A-Za-z0-9-]{1,64}\.webhook\.office\.com\/webhookb2)\/)([A-Za-z0-9@_-]{1,128}(?:\/[A-Za-z0-9@_-]{1,128}){0,5})/g,
    secretGroup: 2,
  },
  {
    name: 'stripe-key',
    re: new RegExp(`${B}(?:(?:sk|rk)_(?:live|test)_[0-9A-Za-z]{10,247}|whsec_[0-9A-Za-z]{24,64})`, 'g'),
  },
  { name: 'google-api-key', re: new RegExp(`${B}AIza[0-9A-Za-z_-]{35}${E}`, 'g') },
  { name: 'google-oauth-token', re: new RegExp(`${B}ya29\\.[0-9A-Za-z_-]{20,2048}`, 'g') },
  { name: 'npm-token', re: new RegExp(`${B}npm_[A-Za-z0-9]{36}${E}`, 'g') },
  { name: 'sendgrid-key', re: new RegExp(`${B}SG\\.[A-Za-z0-9_-]{16,32}\\.[A-Za-z0-9_-]{16,64}${E}`, 'g') },
  { name: 'twilio-api-key', re: /(?<![A-Za-z0-9])SK[0-9a-fA-F]{32}(?![A-Za-z0-9])/g },
  { name: 'openai-anthropic-key', re: new RegExp(`${B}sk-[A-Za-z0-9_-]{20,512}`, 'g'), accept: openAiLike },
  { name: 'vault-token', re: new RegExp(`${B}hv[sbr]\\.[A-Za-z0-9_-]{20,512}`, 'g') },
  { name: 'huggingface-token', re: new RegExp(`${B}hf_[A-Za-z0-9]{30,64}${E}`, 'g') },
  { name: 'digitalocean-token', re: new RegExp(`${B}do[opr]_v1_[a-f0-9]{64}${E}`, 'g') },
  // A PyPI token is a macaroon whose first bytes (02 01, then its location's length) are base64 `AgE`:
  // pypi.org's (`pypi-AgEIcHlwaS5vcmc…`), test.pypi.org's (`pypi-AgENdGVzdC5weXBpLm9yZw…`), a private Warehouse's.
  { name: 'pypi-token', re: new RegExp(`${B}pypi-AgE[A-Za-z0-9_-]{60,}`, 'g') },
  // More vendors' prefixed tokens: Docker Hub, Shopify, Grafana, Postman, Linear, age, Square, RubyGems,
  // Pulumi, Databricks, Sentry, Doppler (a service token may carry its config: `dp.st.dev.…`).
  {
    name: 'vendor-token',
    re: new RegExp(
      `${B}(?:dckr_pat_[A-Za-z0-9_-]{20,64}|shp(?:at|ca|pa|ss)_[a-fA-F0-9]{32}|gl(?:sa|c)_[A-Za-z0-9_+/=-]{32,200}|PMAK-[a-f0-9]{24}-[a-f0-9]{34}|lin_api_[A-Za-z0-9]{40}|AGE-SECRET-KEY-1[0-9A-Z]{58}|sq0(?:atp|csp)-[0-9A-Za-z_-]{22,43}|rubygems_[a-f0-9]{48}|pul-[a-f0-9]{40}|dapi[a-f0-9]{32}(?:-\\d)?|sntr[ysu]_[A-Za-z0-9_=+/-]{40,200}|dp\\.(?:pt|st(?:\\.[a-z0-9_-]{2,35})?|sa|said|ct|scim|audit)\\.[A-Za-z0-9]{40,44})${E}`,
      'g',
    ),
  },
  {
    name: 'jwt',
    re: new RegExp(
      `${B}eyJ[A-Za-z0-9_-]{4,}\\.(?:eyJ[A-Za-z0-9_-]{4,}\\.[A-Za-z0-9_-]*|[A-Za-z0-9_-]{4,}\\.[A-Za-z0-9_-]{4,})`,
      'g',
    ),
  },
  {
    name: 'authorization-header',
    re: /(?<![A-Za-z0-9_-])((?:proxy-)?authorization["']?[ \t]*[:=][ \t]*["']?(?:bearer|basic|token|digest)[ \t]+)([^\s"',;]+)/gi,
    secretGroup: 2,
  },
  // A bearer token outside an Authorization header (`token: Bearer …`, `Got Bearer …`).
  {
    name: 'bearer-token',
    re: /(?<![A-Za-z0-9_-])(Bearer[ \t]+)([A-Za-z0-9._~+/=-]{16,4096})/g,
    secretGroup: 2,
    accept: looksSecret,
  },
];

const AWS_KEY_ID = /(?<![A-Za-z0-9])(?:AKIA|ASIA)[A-Z0-9]{16}(?![A-Za-z0-9])/;
const AWS_SECRET_SHAPE = /(?<![A-Za-z0-9+/])[A-Za-z0-9+/]{40}(?![A-Za-z0-9+/=])/g;

/**
 * An AWS secret access key has no prefix: 40 characters of base64. On a line that carries an access key id
 * (`aws … --output text`, a table row, `KEY_ID SECRET` pairs), such a word with a digit and both cases is
 * the secret (a git SHA, lower-case hex, is not).
 */
export function maskAwsSecretsBesideKeyIds(text: string): RedactResult {
  if (!AWS_KEY_ID.test(text)) return { text, count: 0 };
  const spans: Span[] = [];
  forEachLine(text, (line, offset) => {
    if (!AWS_KEY_ID.test(line)) return;
    AWS_SECRET_SHAPE.lastIndex = 0;
    for (let m = AWS_SECRET_SHAPE.exec(line); m !== null; m = AWS_SECRET_SHAPE.exec(line))
      if (/[0-9]/.test(m[0]) && /[a-z]/.test(m[0]) && /[A-Z]/.test(m[0]))
        spans.push({ start: offset + m.index, end: offset + m.index + 40 });
  });
  return maskSpans(text, spans);
}

const USER_AND_PASSWORD = /[^\s:/@?#"'<>]{0,256}:([^\s/@?#"'<>]{1,512})@/y;
const TOKEN_AS_USER = /([A-Za-z0-9_.~-]{20,512})@/y;

/**
 * Credentials in URLs: `scheme://user:[MASKED]@host`, and a long credential-shaped user name alone
 * (`https://[MASKED]@github.com/…`, a token used as the user). Found from each `://` (a literal search), so
 * the scan does not try a pattern at every letter. What stands before the `://` is not looked at: userinfo
 * after it is a credential whether the scheme is glued to a diff's `+`, an ellipsis or a timestamp, or cut
 * off with the start of the line (`://admin:[MASKED]@db`).
 */
export function maskUrlCredentials(text: string): RedactResult {
  const spans: Span[] = [];
  for (let i = text.indexOf('://'); i >= 0; i = text.indexOf('://', i + 3)) {
    USER_AND_PASSWORD.lastIndex = i + 3;
    const up = USER_AND_PASSWORD.exec(text);
    if (up !== null) {
      const end = USER_AND_PASSWORD.lastIndex - 1;
      if (!isPlaceholder(up[1]!)) spans.push({ start: end - up[1]!.length, end });
      continue;
    }
    TOKEN_AS_USER.lastIndex = i + 3;
    const tu = TOKEN_AS_USER.exec(text);
    if (tu !== null && looksSecret(tu[1]!)) spans.push({ start: i + 3, end: i + 3 + tu[1]!.length });
  }
  return maskSpans(text, spans);
}

/** Applies `rules` (TOKEN_RULES) in order. */
/** Rules of the same flags joined into one alternation: one scan instead of one per rule. */
interface Combined {
  re: RegExp;
  slots: { rule: TokenRule; group: number }[];
}

const groupCount = (source: string) => new RegExp(`(?:${source})|`).exec('')!.length - 1;

function combine(rules: readonly TokenRule[]): Combined[] {
  const byFlags = new Map<string, TokenRule[]>();
  for (const r of rules) {
    const flags = r.re.flags.replace(/[gdy]/g, '');
    byFlags.set(flags, [...(byFlags.get(flags) ?? []), r]);
  }
  return [...byFlags].map(([flags, rs]) => {
    const slots: Combined['slots'] = [];
    let group = 1;
    for (const rule of rs) {
      slots.push({ rule, group });
      group += 1 + groupCount(rule.re.source);
    }
    return { re: new RegExp(rs.map((r) => `(${r.re.source})`).join('|'), `${flags}gd`), slots };
  });
}

const DEFAULT_COMBINED = combine(TOKEN_RULES);

/**
 * Applies `rules` (TOKEN_RULES), joined into one scan per flag set. At each position the first rule that
 * matches wins; a match refused (a placeholder, or `accept` says no) is skipped one character on, so no
 * later position is lost.
 */
export function applyTokenRules(text: string, rules: readonly TokenRule[] = TOKEN_RULES): RedactResult {
  const spans: Span[] = [];
  for (const { re, slots } of rules === TOKEN_RULES ? DEFAULT_COMBINED : combine(rules)) {
    re.lastIndex = 0;
    for (let m = re.exec(text); m !== null; m = re.exec(text)) {
      const slot = slots.find((s) => m![s.group] !== undefined)!;
      const g = slot.group + (slot.rule.secretGroup ?? 0);
      const secret = m[g]!;
      const [start, end] = m.indices![g]!;
      if (
        (slot.rule.secretGroup !== undefined && isPlaceholder(secret)) ||
        (slot.rule.accept && !slot.rule.accept(secret))
      ) {
        re.lastIndex = m.index + 1;
        continue;
      }
      spans.push({ start, end });
    }
  }
  return maskSpans(text, spans);
}

/** maskAwsSecretsBesideKeyIds, then TOKEN_RULES in order, then maskUrlCredentials. */
export function maskTokens(text: string): RedactResult {
  let count = 0;
  let out = text;
  for (const step of [maskAwsSecretsBesideKeyIds, applyTokenRules, maskUrlCredentials]) {
    const r = step(out);
    out = r.text;
    count += r.count;
  }
  return { text: out, count };
}
