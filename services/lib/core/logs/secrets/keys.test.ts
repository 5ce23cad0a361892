import { expect } from 'chai';
import { endsWithCredentialWord, isPlaceholder, isProse, keyStrength, looksSecret } from './keys.js';
import { MASK } from './mask.js';
import { forgetKeyStrengths } from './fixtures.js';

describe('keyStrength', () => {
  beforeEach(forgetKeyStrengths); // each answer worked out during the test, not recalled
  const table: [string, 'strong' | 'weak' | undefined][] = [
    ['password', 'strong'],
    ['PGPASSWORD', 'strong'],
    ['aws_secret_access_key', 'strong'],
    ['_authToken', 'strong'],
    ['SharedAccessKey', 'strong'],
    ['client-secret', 'strong'],
    ['SessionToken', 'strong'],
    ['auth', 'weak'],
    ['_auth', 'weak'],
    ['AccountKey', 'weak'],
    ['DEPLOY_KEY', 'weak'],
    ['sig', 'weak'],
    ['X-Amz-Signature', 'weak'],
    ['Pwd', 'weak'],
    ['DB_PASS', 'weak'],
    ['private_key_id', 'weak'],
    ['secret_id', 'weak'],
    ['client-key-data', 'weak'],
    ['client-certificate-data', 'weak'],
    ['PASS', undefined],
    ['scriptSig', undefined],
    ['signature', undefined],
    ['PublicKeyToken', undefined],
    ['public_key', undefined],
    ['libsecret-1-0', undefined],
    ['TokenService.java', undefined],
    ['password-stdin', undefined],
    ['password_file', undefined],
    ['with-password-timeout', undefined],
    ['cache-key', undefined],
    ['primary-key', undefined],
    ['certificate-authority-data', undefined],
    ['api_key_name', undefined],
    ['author', undefined],
    ['monkey', undefined],
  ];
  for (const [key, expected] of table)
    it(`${key} → ${String(expected)}`, () => expect(keyStrength(key)).to.equal(expected));
});

describe('endsWithCredentialWord', () => {
  const table: [string, boolean][] = [
    ['aws_secret_access_key', true],
    ['npmAuthToken', true],
    ['DB_PASSWORD', true],
    ['SECRET_KEY_BASE', false],
    ['libsecret-common', false],
    ['rabbit_password.erl', false],
  ];
  for (const [key, expected] of table)
    it(`${key} → ${expected}`, () => expect(endsWithCredentialWord(key)).to.equal(expected));
});

describe('isPlaceholder', () => {
  const yes = [
    '$DB_PASSWORD',
    '${TOKEN}',
    '${{ secrets.X }}',
    '%TOKEN%',
    '[MASKED]',
    '[secure]',
    '***',
    '****************ABCD',
    '<PASSWORD>',
    '(sensitive',
    '(known',
    'os.getenv("X")',
    '{{ vault_key }}',
    'id=npmrc,src=x',
    'string',
    'true',
    '`/${v}/`',
    '`Bearer ${token}`',
    `${MASK}@registry.example.com`,
    // code: a whole call, or one cut short where the value stops (a quote, a blank, a comma)
    'getToken()',
    'getToken().trim()',
    'os.getenv(',
    'secrets.token_hex(16)',
    'SecureRandom.hex(64)',
    'str(uuid.uuid4())',
    'generate_password(length=16)',
    'jwt.encode(payload',
    'Faker::Internet.password(min_length:',
    'b64encode(raw)',
    // references only: a default that is itself a reference, or empty
    '$PREFIX${NPM_TOKEN}',
    '${DB_PASSWORD:-$DEFAULT_PASSWORD}',
    '${DB_PASSWORD:-${VAULT_PASSWORD}}',
    '${GITHUB_TOKEN:-}',
    // a place in source code: a path or a source file with a line (and column)
    'src/auth.ts:42:7',
    './lib/token.rb:12',
    'internal/sig/verify.go:88:2',
    'PasswordValidator.java:57',
    'app/models/user.rb:10:in',
  ];
  const no = [
    '${NPM_TOKEN:-npm_abc}',
    '${NPM_TOKEN-npm_abc}',
    // a host and port, a password with a dot and a colon: not a source file
    'Orchid.byuu:7',
    'db.example.com:5432',
    // a literal default after another reference
    '$PREFIX${NPM_TOKEN:-npm_abc}',
    '${PREFIX}${API_TOKEN-Orchid215x}',
    '$DB_USER:${DB_PASSWORD:=hunter22}',
    '${A}${B}${C:-Orchid215x}',
    '%4EH1LW2qGLa',
    'hunter2',
    '$2b$12$abcdefghijklmnop',
    'S3cr3t!',
  ];
  for (const v of yes) it(`${v} → yes`, () => expect(isPlaceholder(v)).to.equal(true));
  for (const v of no) it(`${v} → no`, () => expect(isPlaceholder(v)).to.equal(false));

  // A placeholder is the whole value: a password that merely starts or ends like one is still a password.
  const partly: [string, string][] = [
    ['Summer2024Season', 'ends with the word "on"'],
    ['Nothing2Hide!', 'starts with the word "no"'],
    ['Pa55[word]', 'ends with a bracketed word'],
    ['[prod]Pa55w0rd', 'starts with a bracketed word'],
    ['4x***y9z', 'holds three asterisks'],
    ['*Pa55w0rd', 'starts with one asterisk'],
    ['Pa55%word%', 'ends with a %VAR%'],
    ['%word%Pa55', 'starts with a %VAR%'],
    ['Pa55{{w0rd}}', 'ends with a template'],
    ['{{w0rd}}Pa55', 'starts with a template'],
    ['Pa55<w0rd>', 'ends with an <angle> word'],
    ['<w0rd>Pa55', 'starts with an <angle> word'],
    ['9Lives(sensitive)', "holds Terraform's (sensitive"],
    ['9Lives(cat)', 'holds a call-like word('],
    ['S3cr3t(2024)', 'looks like a call, but a word with digits called with a number is a password'],
    ['Passw0rd(1)', 'looks like a call, but a word with digits called with a number is a password'],
    ['Pa55w0rd(!)', 'looks like a call, but its argument is not code'],
    ['Secret(#1)', 'looks like a call, but its argument is not code'],
    ['Welcome(2024)!', 'looks like a call, but goes on after it'],
    ['abc(123)def', 'looks like a call, but goes on after it'],
    ['Pr0d-ENV', 'ends with ENV'],
    ['Pa55`${w0rd}', 'holds a template literal'],
    ['pa55-id=42', 'holds id='],
  ];
  for (const [v, why] of partly)
    it(`given ${v}, which only ${why}, then it is not a placeholder`, () => expect(isPlaceholder(v)).to.equal(false));
});

describe('isProse', () => {
  const table: [string, string, boolean, boolean][] = [
    ['must not be blank', '', false, true],
    ['must', ' be at least 8 characters', true, true],
    ['Creation', ' complete after 8s', true, true],
    ['Creating...', '', true, true],
    ['3', ' unresolved calls', true, true],
    ['correct horse battery', '', false, false],
    ['hunter2', '', true, false],
    ['changeme', '', true, false],
    ['Creation', ' complete', false, false],
    // after `=`: a prose word that a sentence goes on from (`API_TOKEN=not set, skipping`)
    ['not', ' set, skipping', false, true],
    // a lone word is the value itself (`DB_PASSWORD=Please`), also when code or a list goes on after it
    ['Please', '', false, false],
    ['Please', '; echo ok', false, false],
    ['Please', ', host=db', false, false],
    // a passphrase whose first word is not a prose word
    ['4 the win', '', false, false],
    // after `:`, up to three digits are a count (`Wrong password: 12 attempts left`); four are a PIN
    ['12', ' attempts left', true, true],
    ['123', '', true, true],
    ['1234', '', true, false],
    // a token shown cut short, a word followed by more of a YAML flow mapping
    ['ghp_1a2B3c...', '', true, false],
    ['letmein', ', host: db}', true, false],
  ];
  for (const [value, rest, colon, expected] of table)
    it(`${JSON.stringify(value + rest)} (${colon ? ':' : '='}) → ${expected}`, () =>
      expect(isProse(value, rest, colon)).to.equal(expected));
});

describe('looksSecret', () => {
  const yes = [
    'Zm9vOmJhcg==',
    'a1b2c3d4',
    'AbcdEfghIjkl/mnop',
    'xKqT/mNvBwZrLpHs',
    '5e3b1c2a-1111-4abc-8def-0123456789ab',
  ];
  const no = [
    'environment',
    '../secrets/db01',
    'C:\\Users\\runner1\\.ssh',
    'Content-Type',
    'AWS_SECRET_ACCESS_KEY',
    'my-service-account',
    'xKqT/mNvBwZrLpH',
    'TestTokenRefresh',
    '/run/secrets/db',
    'https://x.example/a1',
    'src/components/Foo.test.js',
    '(/app/x.ts:9:2)',
    'a1b2 c3d4',
    'short1',
    '12345678',
  ];
  for (const v of yes) it(`${v} → yes`, () => expect(looksSecret(v)).to.equal(true));
  for (const v of no) it(`${v} → no`, () => expect(looksSecret(v)).to.equal(false));
});
