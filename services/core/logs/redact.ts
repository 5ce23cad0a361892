// Secret redaction for CI job logs before they are stored in events or sent to a model. Every secret is
// replaced by `[MASKED]`, GitLab's word for a masked variable. Pure and linear-time: every pattern starts
// at a token boundary (a look-behind), uses disjoint or bounded quantifiers and never crosses a newline,
// so a multi-megabyte line of repeated characters costs one scan per pattern; the line count never
// changes. Redacting twice changes nothing more (and counts 0 the second time).

export const MASK = '[MASKED]';

export interface RedactOptions {
  /** Values of the producer's masked CI variables; values shorter than 8 characters are ignored, as GitLab does. */
  maskedValues?: readonly string[];
}

export interface RedactResult {
  text: string;
  /** How many secrets were replaced. */
  count: number;
}

/** GitLab does not mask variables shorter than this. */
export const MIN_MASKED_VALUE_LENGTH = 8;

// A token starts where no token character precedes it.
const B = '(?<![A-Za-z0-9_-])';
const E = '(?![A-Za-z0-9_-])';

interface Rule {
  name: string;
  /** Global regex; with `secretGroup`, only that group is masked and the rest of the match is kept. */
  re: RegExp;
  secretGroup?: number;
}

/** Well-known token formats and credential shapes, applied in this order (more specific first). */
export const SECRET_RULES: readonly Rule[] = [
  {
    name: 'gitlab-token',
    re: new RegExp(
      `${B}(?:(?:glpat|gldt|glrt|glptt|glcbt|glft|glimt|glagent|gloas|glsoat|glffct)-[0-9A-Za-z_-]{20,}(?:\\.[0-9A-Za-z_-]+)*|GR1348941[0-9A-Za-z_-]{20,})`,
      'g',
    ),
  },
  { name: 'github-token', re: new RegExp(`${B}(?:gh[pousr]_[A-Za-z0-9]{36,255}|github_pat_[A-Za-z0-9_]{22,255})`, 'g') },
  { name: 'aws-access-key-id', re: /(?<![A-Za-z0-9])(?:AKIA|ASIA)[A-Z0-9]{16}(?![A-Za-z0-9])/g },
  { name: 'slack-token', re: new RegExp(`${B}xox[abprs]-[0-9A-Za-z-]{10,250}`, 'g') },
  {
    name: 'slack-webhook',
    re: /(https:\/\/hooks\.slack\.com\/services\/)([A-Za-z0-9]{1,64}\/[A-Za-z0-9]{1,64}\/[A-Za-z0-9]{1,64})/g,
    secretGroup: 2,
  },
  { name: 'stripe-key', re: new RegExp(`${B}(?:sk|rk)_(?:live|test)_[0-9A-Za-z]{10,247}`, 'g') },
  { name: 'google-api-key', re: new RegExp(`${B}AIza[0-9A-Za-z_-]{35}${E}`, 'g') },
  { name: 'npm-token', re: new RegExp(`${B}npm_[A-Za-z0-9]{36}${E}`, 'g') },
  {
    name: 'jwt',
    re: new RegExp(`${B}eyJ[A-Za-z0-9_-]{4,}\\.(?:eyJ[A-Za-z0-9_-]{4,}\\.[A-Za-z0-9_-]*|[A-Za-z0-9_-]{4,}\\.[A-Za-z0-9_-]{4,})`, 'g'),
  },
  {
    name: 'authorization-header',
    re: /(?<![A-Za-z0-9_-])((?:proxy-)?authorization["']?[ \t]*[:=][ \t]*["']?(?:bearer|basic|token)[ \t]+)([^\s"',;]+)/gi,
    secretGroup: 2,
  },
  {
    name: 'url-credentials',
    re: /(?<![A-Za-z0-9+.-])([A-Za-z][A-Za-z0-9+.-]{0,31}:\/\/[^\s:/@?#"'<>]{0,256}:)([^\s/@?#"'<>]{1,512})(?=@)/g,
    secretGroup: 2,
  },
];

// `key = value` / `key: value` (JSON, YAML, env, CLI style): the key and separator; the value is read by
// readValue only for keys that name a secret, so scanning stays linear. `==`, `=>`, `=~`, `::`, `:=`,
// `://` are not assignments.
const KEY_AND_SEPARATOR = /(?<![A-Za-z0-9_.-])([A-Za-z0-9_.-]{1,64})(["']?[ \t]*(?:=(?![=~>])|:(?![:=/]))[ \t]*)/g;
/** Longest value read after a key (a longer one is masked up to here). */
const MAX_VALUE = 512;
const VALUE_STOP = new Set([' ', '\t', '\n', '\r', '"', "'", '&', ',', ';', '<', '>']);

const SECRET_WORDS = ['password', 'passwd', 'passphrase', 'secret', 'token', 'apikey', 'accesskey', 'privatekey', 'secretkey'];
const SECRET_PAIRS: readonly (readonly [string, string])[] = [
  ['api', 'key'],
  ['access', 'key'],
  ['private', 'key'],
  ['secret', 'key'],
];
// A key whose last part is one of these names something about a secret, not the secret itself
// (`token_type`, `password_length`, `secret_name`, `token_url`).
const METADATA_SUFFIXES = new Set([
  'id', 'name', 'names', 'type', 'types', 'url', 'uri', 'endpoint', 'file', 'path', 'dir', 'env', 'var',
  'count', 'length', 'len', 'size', 'ttl', 'expiry', 'expires', 'expiration', 'hint', 'policy', 'format',
  'header', 'prefix', 'regex', 'pattern', 'field', 'label', 'enabled', 'required', 'mode',
]);

/**
 * Whether an assignment key names a secret: one of its parts (split at `_ - .` and camelCase) is or ends
 * with password, passwd, passphrase, secret, token, apikey, accesskey, privatekey, secretkey, or two
 * consecutive parts are api/access/private/secret + key; and its last part is not a metadata word
 * (`token_type`, `password_length`). So `GITLAB_TOKEN`, `dbPassword`, `aws_secret_access_key`, `X-Api-Key`
 * are secret keys; `tokenizer`, `max_tokens`, `secretary`, `PWD` are not.
 */
export function isSecretKey(key: string): boolean {
  if (!/pass|secret|token|key/i.test(key)) return false; // the common case, decided cheaply
  const parts = key
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .toLowerCase()
    .split(/[^a-z0-9]+/)
    .filter((p) => p !== '');
  const last = parts[parts.length - 1];
  if (last === undefined || (parts.length > 1 && METADATA_SUFFIXES.has(last))) return false;
  for (let i = 0; i < parts.length; i++) {
    const part = parts[i]!;
    if (SECRET_WORDS.some((w) => part.endsWith(w))) return true;
    const next = parts[i + 1];
    if (next !== undefined && SECRET_PAIRS.some(([a, b]) => part === a && next === b)) return true;
  }
  return false;
}

/** Values that are not secrets themselves: references, booleans, placeholders, code, earlier masks. */
function isPlaceholder(value: string): boolean {
  return (
    /^(?:true|false|null|nil|none|undefined|yes|no|on|off)$/i.test(value) ||
    /^\[[A-Za-z _-]*\]$/.test(value) || // [MASKED], [secure], [REDACTED], [FILTERED]
    /^\*+$/.test(value) ||
    /^[$%]/.test(value) || // $VAR, ${VAR}, ${{ secrets.X }}, %VAR%
    /^[A-Za-z_][\w.:>-]*\(/.test(value) || // code: a call such as secret::load() or os.getenv("X")
    value.startsWith(MASK)
  );
}

/**
 * Replaces secrets in `text` by `[MASKED]`:
 * - every occurrence of a producer-given masked value (≥ 8 characters), and of its base64 (padded and
 *   unpadded, standard and URL-safe alphabet) and URL-encoded forms;
 * - PEM private-key blocks (`-----BEGIN … PRIVATE KEY-----` to `-----END …`): each body line becomes
 *   `[MASKED]`, the BEGIN/END lines and the line count stay;
 * - the token formats of SECRET_RULES (GitLab, GitHub, AWS key ids, Slack, Stripe, Google API keys, npm,
 *   JWTs), `Authorization: Bearer|Basic|token …` values, passwords in URLs (`scheme://user:[MASKED]@host`);
 * - values of `key=value` / `key: value` assignments whose key names a secret (isSecretKey), unless the
 *   value is a placeholder (`$VAR`, `true`, `***`, `[secure]`, …).
 * Idempotent; linear in the text's length; never changes the number of lines.
 */
export function redactSecrets(text: string, opts: RedactOptions = {}): RedactResult {
  let count = 0;
  let out = text;

  const masked = maskValues(out, opts.maskedValues ?? []);
  out = masked.text;
  count += masked.count;

  const pem = maskPrivateKeyBlocks(out);
  out = pem.text;
  count += pem.count;

  for (const rule of SECRET_RULES) {
    rule.re.lastIndex = 0;
    out = out.replace(rule.re, (match: string, ...groups: unknown[]) => {
      if (rule.secretGroup === undefined) {
        count++;
        return MASK;
      }
      const captured = groups.slice(0, rule.secretGroup).map((g) => (typeof g === 'string' ? g : ''));
      const secret = captured[rule.secretGroup - 1]!;
      if (isPlaceholder(secret)) return match;
      count++;
      return captured.slice(0, rule.secretGroup - 1).join('') + MASK;
    });
  }

  const assignments = maskAssignments(out);
  out = assignments.text;
  count += assignments.count;

  return { text: out, count };
}

/** The value after an assignment at `start`: quoted (without its quotes) or bare; undefined if none. */
function readValue(text: string, start: number): { value: string; quote: string; end: number } | undefined {
  const q = text[start];
  if (q === '"' || q === "'") {
    for (let i = start + 1; i < text.length && i <= start + 1 + MAX_VALUE; i++) {
      const c = text[i];
      if (c === '\n') return undefined;
      if (c === q) return i === start + 1 ? undefined : { value: text.slice(start + 1, i), quote: q, end: i + 1 };
    }
    return undefined;
  }
  let i = start;
  while (i < text.length && i < start + MAX_VALUE && !VALUE_STOP.has(text[i]!)) i++;
  return i === start ? undefined : { value: text.slice(start, i), quote: '', end: i };
}

function maskAssignments(text: string): RedactResult {
  const parts: string[] = [];
  let pos = 0;
  let count = 0;
  const re = new RegExp(KEY_AND_SEPARATOR.source, 'g');
  for (let m = re.exec(text); m !== null; m = re.exec(text)) {
    const key = m[1]!;
    if (!isSecretKey(key)) continue; // scanning goes on right after the separator, into the value
    const valueStart = m.index + m[0].length;
    const v = readValue(text, valueStart);
    if (v === undefined) continue;
    re.lastIndex = v.end;
    if (isPlaceholder(v.value)) continue;
    parts.push(text.slice(pos, valueStart), v.quote + MASK + v.quote);
    pos = v.end;
    count++;
  }
  parts.push(text.slice(pos));
  return { text: parts.join(''), count };
}

/** The forms of a masked value that are replaced, longest first. */
export function maskedValueForms(value: string): string[] {
  if (value.length < MIN_MASKED_VALUE_LENGTH || value.includes(MASK) || MASK.includes(value)) return [];
  const b64 = Buffer.from(value, 'utf8').toString('base64');
  const b64url = b64.replace(/\+/g, '-').replace(/\//g, '_');
  const forms = new Set([value, encodeURIComponent(value), b64, b64.replace(/=+$/, ''), b64url, b64url.replace(/=+$/, '')]);
  return [...forms].filter((f) => f.length >= MIN_MASKED_VALUE_LENGTH).sort((a, b) => b.length - a.length || (a < b ? -1 : 1));
}

function maskValues(text: string, values: readonly string[]): RedactResult {
  const forms = [...new Set(values.flatMap(maskedValueForms))].sort((a, b) => b.length - a.length || (a < b ? -1 : 1));
  let out = text;
  let count = 0;
  for (const form of forms) {
    if (!out.includes(form)) continue;
    const pieces = out.split(form);
    count += pieces.length - 1;
    // A multi-line value keeps its newlines so that line numbers stay valid.
    const newlines = form.split('\n').length - 1;
    out = pieces.join(MASK + '\n'.repeat(newlines));
  }
  return { text: out, count };
}

const PEM_BEGIN = /-----BEGIN [A-Z0-9 ]{0,40}PRIVATE KEY(?: BLOCK)?-----/g;
const PEM_END = /-----END [A-Z0-9 ]{0,40}PRIVATE KEY(?: BLOCK)?-----/g;
/** How far after BEGIN the END line is looked for (an RSA 8192 key is about 6.5 KB). */
const PEM_MAX_BYTES = 64 * 1024;
const PEM_BODY_LINE = /^[ \t]*(?:[A-Za-z0-9+/=]+|[A-Za-z-]+: .*|\[MASKED\])[ \t]*$/;

function maskPrivateKeyBlocks(text: string): RedactResult {
  if (!text.includes('PRIVATE KEY')) return { text, count: 0 };
  const parts: string[] = [];
  let count = 0;
  let pos = 0;
  PEM_BEGIN.lastIndex = 0;
  for (let begin = PEM_BEGIN.exec(text); begin !== null; begin = PEM_BEGIN.exec(text)) {
    const bodyStart = begin.index + begin[0].length;
    if (begin.index < pos) continue; // inside a block already masked
    PEM_END.lastIndex = bodyStart;
    const end = PEM_END.exec(text);
    let bodyEnd: number;
    const terminated = end !== null && end.index - bodyStart <= PEM_MAX_BYTES;
    if (end !== null && terminated) {
      bodyEnd = end.index;
    } else {
      // No END (a truncated log): the rest of the BEGIN line and the following key-like lines.
      bodyEnd = text.indexOf('\n', bodyStart);
      if (bodyEnd < 0) bodyEnd = text.length;
      for (let lines = 0; bodyEnd < text.length && lines < 200; lines++) {
        const next = text.indexOf('\n', bodyEnd + 1);
        const lineEnd = next < 0 ? text.length : next;
        if (!PEM_BODY_LINE.test(text.slice(bodyEnd + 1, lineEnd))) break;
        bodyEnd = lineEnd;
      }
    }
    const body = text.slice(bodyStart, bodyEnd);
    const maskedBody = body
      .split('\n')
      .map((line, i) => {
        if (line.trim() === '') return line;
        // Unterminated: the rest of the BEGIN line is key material only if it looks like some.
        if (!terminated && i === 0 && !/[A-Za-z0-9+/]{16}/.test(line)) return line;
        return MASK;
      })
      .join('\n');
    parts.push(text.slice(pos, bodyStart), maskedBody);
    if (maskedBody !== body) count++;
    pos = bodyEnd;
    PEM_BEGIN.lastIndex = Math.max(PEM_BEGIN.lastIndex, bodyEnd);
  }
  parts.push(text.slice(pos));
  return { text: parts.join(''), count };
}
