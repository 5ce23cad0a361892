// Which names name a credential (an assignment's key, a flag, an XML element, a table header), and which
// values are not secrets themselves (references, placeholders, earlier masks) or look like one.

import { MASK } from './mask.js';

/**
 * strong: the name says the value is a secret (`password`, `API_TOKEN`, `client_secret`): any value that is
 * not a placeholder is masked. weak: the name often holds one (`auth`, `AccountKey`, `sig`, `private_key_id`,
 * `client-key-data`): the value is masked only if it looks like one (looksSecret).
 */
export type KeyStrength = 'strong' | 'weak';

const SECRET_WORDS = [
  'password',
  'passwd',
  'passphrase',
  'secret',
  'token',
  'apikey',
  'accesskey',
  'privatekey',
  'secretkey',
];
const SECRET_PAIRS: readonly (readonly [string, string])[] = [
  ['api', 'key'],
  ['access', 'key'],
  ['private', 'key'],
  ['secret', 'key'],
];
// A key whose last part is one of these names something about a secret, not the secret itself
// (`token_type`, `password_length`, `secret_name`, `token_url`, `password-stdin`).
const METADATA_SUFFIXES = new Set([
  'id',
  'ids',
  'name',
  'names',
  'type',
  'types',
  'url',
  'uri',
  'endpoint',
  'file',
  'files',
  'path',
  'dir',
  'env',
  'var',
  'count',
  'length',
  'len',
  'size',
  'ttl',
  'expiry',
  'expires',
  'expiration',
  'hint',
  'policy',
  'format',
  'header',
  'prefix',
  'regex',
  'pattern',
  'field',
  'label',
  'enabled',
  'required',
  'mode',
  'stdin',
  'version',
  'arn',
  'ref',
  'source',
  'scope',
  'scopes',
  'kind',
  'status',
  'alias',
  'algorithm',
  'provider',
  'store',
  'timeout',
  'retries',
  'tries',
  'attempts',
  'prompt',
  'strength',
  'min',
  'max',
  // file names (`TokenService.java:42`, `password.py:10`)
  'java',
  'kt',
  'scala',
  'groovy',
  'ts',
  'tsx',
  'js',
  'jsx',
  'mjs',
  'cjs',
  'py',
  'rb',
  'go',
  'rs',
  'cs',
  'php',
  'c',
  'h',
  'cpp',
  'hpp',
  'swift',
  'm',
  'sh',
  'yml',
  'yaml',
  'json',
  'xml',
  'toml',
  'ini',
  'cfg',
  'conf',
  'properties',
  'md',
  'txt',
]);
/** `<word>_key` names that usually hold key material (`DEPLOY_KEY`, `AccountKey`, `x-functions-key`). */
const KEY_MATERIAL = new Set([
  'deploy',
  'signing',
  'encryption',
  'encrypt',
  'master',
  'license',
  'app',
  'client',
  'service',
  'account',
  'storage',
  'auth',
  'session',
  'hmac',
  'webhook',
  'gpg',
  'pgp',
  'ssh',
  'root',
  'admin',
  'consumer',
  'subscription',
  'functions',
  'function',
  'host',
  'shared',
  'sas',
  'jwt',
  'cookie',
  'crypto',
  'cipher',
  'aes',
  'rsa',
  'ec',
  'dsa',
  'ed25519',
  'x',
  'tls',
  'ssl',
  'psk',
  'preshared',
  'totp',
  'otp',
  'decryption',
  'unseal',
  'recovery',
  // a key issued to an account, an application or a service to call an API (`CYPRESS_RECORD_KEY`,
  // `B2_APPLICATION_KEY`, `GCP_SA_KEY`, `SEGMENT_WRITE_KEY`); not a key that identifies a row, an entry or an
  // object (`CACHE_KEY`, `SORT_KEY`, `PRIMARY_KEY`, `PARTITION_KEY`, `routing_key`, `sonar.projectKey`)
  'record',
  'application',
  'sa',
  'svc',
  'server',
  'sdk',
  'write',
  'upload',
  'ingest',
  'integration',
  'developer',
  'merchant',
  'oauth',
]);
/** Last parts that often hold a credential: `_auth`, `"auth"`, `Pwd`, `sig`, `X-Amz-Signature`, `creds`. */
const WEAK_LAST = new Set(['auth', 'pwd', 'pass', 'sig', 'signature', 'credential', 'credentials', 'creds']);

function parts(key: string): string[] {
  return key
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .toLowerCase()
    .split(/[^a-z0-9]+/)
    .filter((p) => p !== '');
}

function strongAt(ps: readonly string[], i: number): boolean {
  const part = ps[i]!;
  if (SECRET_WORDS.some((w) => part.endsWith(w))) return true;
  const next = ps[i + 1];
  return next !== undefined && SECRET_PAIRS.some(([a, b]) => part === a && next === b);
}

/** Every credential name contains one of these (keyStrength is undefined for any other name). */
export const NAME_TRIGGER = /pass|secret|token|key|auth|pwd|sig|cred|certificate/i;

const strengthCache = new Map<string, KeyStrength | undefined>();

/** How strongly a key, flag or element name says its value is a credential; undefined if it does not. */
export function keyStrength(key: string): KeyStrength | undefined {
  if (!NAME_TRIGGER.test(key)) return undefined; // the common case, decided cheaply
  if (strengthCache.has(key)) return strengthCache.get(key);
  if (strengthCache.size >= 4096) strengthCache.clear(); // names repeat within a log; keep the memory bounded
  const strength = classify(key);
  strengthCache.set(key, strength);
  return strength;
}

/**
 * `libsecret-1-0`: a package and its version, not a name. Package names (Debian, pip, npm) are lower case and
 * never hold `_`; a credential name with a date or version at its end (`DB_PASSWORD_2024_01`, `api_key_1_2`)
 * does not look like one.
 */
function isPackageVersion(key: string, ps: readonly string[]): boolean {
  const n = ps.length;
  return n > 2 && /^\d+$/.test(ps[n - 1]!) && /^\d+$/.test(ps[n - 2]!) && /^[a-z0-9][a-z0-9.+-]*$/.test(key);
}

function classify(key: string): KeyStrength | undefined {
  const all = parts(key);
  // `PublicKeyToken` (.NET), `public_key`: public by name.
  if (all.includes('public') || isPackageVersion(key, all)) return undefined;
  // A number at the end counts or dates the name (`DEPLOY_KEY_2`, `DB_PASSWORD_2024_01`): the name is the rest.
  let n = all.length;
  while (n > 1 && /^\d+$/.test(all[n - 1]!)) n--;
  const ps = all.slice(0, n);
  const last = ps[n - 1];
  if (last === undefined) return undefined;
  if (n > 1 && METADATA_SUFFIXES.has(last)) {
    // `private_key_id`, `secret_id`: the id of a key is sometimes a secret too (GCP, Vault AppRole).
    if ((last === 'id' || last === 'ids') && strongAt(ps, n - 2)) return 'weak';
    if (last === 'id' && n > 2 && strongAt(ps, n - 3)) return 'weak';
    return undefined;
  }
  for (let i = 0; i < n; i++) if (strongAt(ps, i)) return 'strong';
  // `PASS:` in test output, `scriptSig=`, `type signature:`: alone or compound only where they name a credential.
  if (last === 'pass' && n === 1) return undefined;
  if (last === 'sig' && n > 1) return undefined;
  if (last === 'signature' && n === 1) return undefined;
  if (WEAK_LAST.has(last)) return 'weak';
  if (n > 1 && last === 'key' && KEY_MATERIAL.has(ps[n - 2]!)) return 'weak';
  // kubeconfig `client-key-data`, `client-certificate-data`
  if (n > 2 && last === 'data' && (ps[n - 2] === 'key' || ps[n - 2] === 'certificate') && ps[n - 3] === 'client')
    return 'weak';
  return undefined;
}

/** Whether a name ends with a credential word (`aws_secret_access_key`, `_authToken`, `DB_PASSWORD`). */
export function endsWithCredentialWord(key: string): boolean {
  const ps = parts(key);
  const n = ps.length;
  return n > 0 && (strongAt(ps, n - 1) || (n > 1 && SECRET_PAIRS.some(([a, b]) => ps[n - 2] === a && ps[n - 1] === b)));
}

/**
 * Whether an assignment key names a secret outright: one of its parts (split at `_ - .` and camelCase) is or
 * ends with password, passwd, passphrase, secret, token, apikey, accesskey, privatekey, secretkey, or two
 * consecutive parts are api/access/private/secret + key; and its last part is not a metadata word
 * (`token_type`, `password_length`). So `GITLAB_TOKEN`, `dbPassword`, `aws_secret_access_key`, `X-Api-Key`
 * are secret keys; `tokenizer`, `max_tokens`, `secretary`, `PWD` are not.
 */
export function isSecretKey(key: string): boolean {
  return keyStrength(key) === 'strong';
}

const CALLEE = /^[A-Za-z_]\w*(?:(?:\.|::|->)[A-Za-z_]\w*)*\(/;

/**
 * Whether a value is a call in code (`getToken()`, `secrets.token_hex(16)`, `str(uuid.uuid4())`), or one cut
 * short where the value stopped (`os.getenv(` before a quote, `jwt.encode(payload` before a comma): a callee
 * path, arguments made of names, numbers and `=`/`:`, and nothing after the call but more code
 * (`.trim()`, `;`, `)`). A password in the shape of a call is not one: `S3cr3t(2024)` (a word with digits
 * called with a number), `Pa55w0rd(!)` (an argument that is not code), `Welcome(2024)!` (text after it).
 */
function isCodeCall(value: string): boolean {
  const callee = CALLEE.exec(value);
  if (callee === null) return false;
  let depth = 1;
  let i = callee[0].length;
  for (; i < value.length && depth > 0; i++) {
    const c = value[i]!;
    if (c === '(') depth++;
    else if (c === ')') depth--;
    else if (!/[\w.:$=[\]{}+*/ ,"'-]/.test(c)) return false;
  }
  const args = value.slice(callee[0].length, depth === 0 ? i - 1 : i);
  if (/\d/.test(callee[0]) && /^\d+$/.test(args)) return false;
  return depth > 0 || /^(?:[.;)[].*)?$/.test(value.slice(i));
}

/** Values that are not secrets themselves: references, booleans, placeholders, code, types, earlier masks. */
export function isPlaceholder(value: string): boolean {
  return (
    /^(?:true|false|null|nil|none|undefined|yes|no|on|off|string|strings|number|int|integer|bool|boolean|str|bytes|any|object|unknown|value)$/i.test(
      value,
    ) ||
    /^\[[A-Za-z _-]*\]$/.test(value) || // [MASKED], [secure], [REDACTED], [FILTERED]
    /^\*{3,}/.test(value) || // ***, and AWS's ****************ABCD
    // $VAR, ${VAR}, ${{ secrets.X }}, $(cmd), $A${B:-$C}; not a literal default anywhere ($PREFIX${VAR:-literal})
    (/^\$[A-Za-z_{(]/.test(value) && !/\$\{[A-Za-z_][A-Za-z0-9_]*:?[-=][^$}]/.test(value)) ||
    /^%[A-Za-z_][A-Za-z0-9_]*%$/.test(value) || // %VAR%
    /^\{\{.*\}\}$/.test(value) || // {{ vault_api_key }} templates
    /^<[^<>]*>$/.test(value) || // <base64>, <PASSWORD>
    /^\((?:sensitive|known)\b/.test(value) || // Terraform's own masks
    isCodeCall(value) || // code: a call such as secret::load() or os.getenv("X")
    /^(?:process\.env|os\.environ|ENV)\b/.test(value) ||
    /^`.*\$\{/.test(value) || // a template literal in code
    /^(?:id|type|src|source|env|target)=/.test(value) || // a reference to a secret: docker build --secret id=x,src=f
    isSourceLocation(value) ||
    value.startsWith(MASK)
  );
}

/** Source file extensions: a file name with one of these and a line number is a place in code. */
const SOURCE_EXT = new Set(
  'java kt kts scala groovy ts tsx js jsx mjs cjs vue svelte py rb go rs cs php c h cc cpp hpp swift m ex exs erl dart lua pl pm sh'.split(
    ' ',
  ),
);
const SOURCE_LOCATION = /^(?:[\w.@~-]+\/)*[\w.-]+\.([a-z]{1,5})(?::\d{1,7}){1,2}(?::in)?$/;

/**
 * A place in source code: a path (`src/auth.ts:42:7`, `app/models/user.rb:10:in`) or a source file
 * (`PasswordValidator.java:57`) with a line and maybe a column; not a host and port (`db.example.com:5432`).
 */
function isSourceLocation(value: string): boolean {
  const m = SOURCE_LOCATION.exec(value);
  return m !== null && (value.includes('/') || SOURCE_EXT.has(m[1]!));
}

/** First words of a validation message or prose after `password:`: `must be at least 8 characters`. */
const PROSE_WORDS = new Set([
  'must',
  'is',
  'are',
  'was',
  'were',
  'not',
  'cannot',
  'can',
  'should',
  'will',
  'has',
  'have',
  'does',
  'did',
  'required',
  'invalid',
  'missing',
  'empty',
  'expired',
  'incorrect',
  'too',
  'the',
  'a',
  'an',
  'for',
  'from',
  'to',
  'of',
  'in',
  'please',
  'enter',
  'set',
  'unset',
  'changed',
  'updated',
  'found',
]);

/**
 * Whether a value is the start of a sentence rather than a secret: a quoted value starting with a function
 * word (`"must not be blank"`), or, after `key:`, a plain word that a sentence goes on from (`is required`,
 * `Creation complete after 8s`, `Creating...`). `rest` is the text right after the value.
 */
export function isProse(value: string, rest: string, colon: boolean): boolean {
  const first = /^([A-Za-z]+)(?: |$)/.exec(value);
  if (first !== null && PROSE_WORDS.has(first[1]!.toLowerCase()) && (value.includes(' ') || /^ [A-Za-z]/.test(rest)))
    return true;
  if (colon && /^\d{1,3}$/.test(value)) return true; // `tries to enter a password: 3`, `rabbit_password: 3 unresolved calls`
  return (
    colon && /^[A-Za-z]{1,24}(?:\.\.\.|…)?$/.test(value) && (/^ [A-Za-z]/.test(rest) || /(?:\.\.\.|…)$/.test(value))
  );
}

/**
 * Whether a value looks like a credential rather than a word, a path or a URL: at least 8 characters, no
 * blank,
 * path, URL or bracket shape, and a digit with a letter, or (16 characters or more) both cases and a symbol. Used where
 * the name alone
 * does not say enough (weak keys, `KEY value` without `=`, table cells).
 */
export function looksSecret(value: string): boolean {
  if (value.length < 8 || /\s/.test(value) || isPlaceholder(value)) return false;
  if (/^(?:\/|\.{1,2}\/|~\/|[A-Za-z]:\\|[([{])/.test(value) || value.includes('://')) return false;
  if (/\/[\w.-]+\.[a-z]{1,5}$/.test(value)) return false; // src/components/Foo.test.js
  const letter = /[A-Za-z]/.test(value);
  if (/[0-9]/.test(value) && letter) return true;
  // No digit: mixed case and a symbol (base64, a generated password), not a CamelCase name.
  return value.length >= 16 && /[a-z]/.test(value) && /[A-Z]/.test(value) && /[+/=_.!*%^#@~-]/.test(value);
}
