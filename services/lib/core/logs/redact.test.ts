import { expect } from 'chai';
import { isSecretKey, MASK, maskedValueForms, redactSecrets } from './redact.js';

// Fake secrets are assembled at run time so that no scanner mistakes this file for a leak.
const alnum = (n: number, seed = 'aB3dE5gH7jK9mN1pQ2rS4tU6vW8xY0z') =>
  seed.repeat(Math.ceil(n / seed.length)).slice(0, n);
const gitlabPat = 'glpat' + '-' + alnum(20);
const githubPat = 'ghp' + '_' + alnum(36);
const awsKeyId = 'AKIA' + 'IOSFODNN7EXAMPLE'; // AWS's documented example
const awsSecret = 'wJalrXUtnFEMI/K7MDENG/' + 'bPxRfiCYEXAMPLEKEY'; // AWS's documented example
const jwt = [
  'eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9',
  'eyJzdWIiOiIxMjM0NTY3ODkwIiwibmFtZSI6IkpvaG4gRG9lIn0',
  'SflKxwRJSMeKKF2QT4fwpMeJf36POk6yJV_adQssw5c',
].join('.');

interface Case {
  name: string;
  input: string;
  /** Expected output; for negatives, the input itself. */
  output: string;
}

const positives: Case[] = [
  {
    name: 'GitLab personal access token',
    input: `git push https://${gitlabPat}@gitlab.example.com/a/b`,
    output: `git push https://${MASK}@gitlab.example.com/a/b`,
  },
  { name: 'GitLab deploy token', input: `token gldt-${alnum(24)} used`, output: `token ${MASK} used` },
  { name: 'GitLab runner token', input: `glrt-${alnum(20)}`, output: MASK },
  { name: 'GitLab pipeline trigger token', input: `curl -F token=glptt-${alnum(40)}`, output: `curl -F token=${MASK}` },
  {
    name: 'GitLab runner registration token',
    input: `--registration-token GR1348941${alnum(20)}`,
    output: `--registration-token ${MASK}`,
  },
  { name: 'GitHub personal access token', input: `Using ${githubPat} for auth`, output: `Using ${MASK} for auth` },
  {
    name: 'GitHub OAuth/user/server/refresh tokens',
    input: ['gho', 'ghu', 'ghs', 'ghr'].map((p) => `${p}_${alnum(36)}`).join(' '),
    output: [MASK, MASK, MASK, MASK].join(' '),
  },
  { name: 'GitHub fine-grained token', input: `github_pat_${alnum(22)}_${alnum(59)}`, output: MASK },
  { name: 'AWS access key id', input: `aws_access_key_id=${awsKeyId}`, output: `aws_access_key_id=${MASK}` },
  {
    name: 'AWS temporary access key id',
    input: `key ASIA${alnum(16).toUpperCase()} expired`,
    output: `key ${MASK} expired`,
  },
  {
    name: 'aws_secret_access_key assignment',
    input: `aws_secret_access_key = ${awsSecret}`,
    output: `aws_secret_access_key = ${MASK}`,
  },
  { name: 'Slack bot token', input: `SLACK=xoxb-${'1234567890'}-${alnum(24)}`, output: `SLACK=${MASK}` },
  { name: 'Slack user token', input: `xoxp-${alnum(30)}`, output: MASK },
  {
    name: 'Slack webhook URL',
    input: `https://hooks.slack.com/services/T0000/B0000/${alnum(24)}`,
    output: `https://hooks.slack.com/services/${MASK}`,
  },
  { name: 'Stripe live secret key', input: `stripe key sk_live_${alnum(24)}`, output: `stripe key ${MASK}` },
  { name: 'Stripe restricted key', input: `rk_live_${alnum(24)}`, output: MASK },
  { name: 'Google API key', input: `maps?key=AIza${alnum(35)}&x=1`, output: `maps?key=${MASK}&x=1` },
  {
    name: 'npm token',
    input: `//registry.npmjs.org/:_authToken=npm_${alnum(36)}`,
    output: `//registry.npmjs.org/:_authToken=${MASK}`,
  },
  { name: 'JWT', input: `id_token ${jwt} issued`, output: `id_token ${MASK} issued` },
  {
    name: 'Authorization: Bearer header',
    input: 'curl -H "Authorization: Bearer abc.def-123"',
    output: `curl -H "Authorization: Bearer ${MASK}"`,
  },
  {
    name: 'Authorization: Basic header',
    input: 'authorization: basic dXNlcjpwYXNzd29yZA==',
    output: `authorization: basic ${MASK}`,
  },
  {
    name: 'Authorization: token header',
    input: "-H 'Authorization: token 0123456789abcdef'",
    output: `-H 'Authorization: token ${MASK}'`,
  },
  {
    name: 'password in a URL',
    input: 'Cloning https://deploy:hunter2@git.example.com/repo.git',
    output: `Cloning https://deploy:${MASK}@git.example.com/repo.git`,
  },
  {
    name: 'password in a database URL',
    input: 'DATABASE_URL=postgres://app:p%40ss@db:5432/app',
    output: `DATABASE_URL=postgres://app:${MASK}@db:5432/app`,
  },
  { name: 'password assignment', input: 'password=hunter2', output: `password=${MASK}` },
  {
    name: 'env password with a quoted value',
    input: 'DB_PASSWORD: "correct horse battery"',
    output: `DB_PASSWORD: "${MASK}"`,
  },
  {
    name: 'JSON secret',
    input: '{"client_secret": "abc123", "user": "bob"}',
    output: `{"client_secret": "${MASK}", "user": "bob"}`,
  },
  { name: 'single-quoted api key', input: "api_key='k-123'", output: `api_key='${MASK}'` },
  { name: 'camelCase secret key', input: 'secretAccessKey: wxyz', output: `secretAccessKey: ${MASK}` },
  { name: 'CLI flag', input: 'deploy --token=abc123 --verbose', output: `deploy --token=${MASK} --verbose` },
  { name: 'HTTP header with an API key', input: 'X-Api-Key: 9f8e7d', output: `X-Api-Key: ${MASK}` },
  { name: 'private key assignment', input: 'private-key=base64stuff', output: `private-key=${MASK}` },
  { name: 'passwd and access key', input: 'passwd=x1 access_key=y2', output: `passwd=${MASK} access_key=${MASK}` },
  {
    name: 'token in a query string',
    input: 'GET https://api.example.com/v1?page=2&access_token=abcd1234&x=y',
    output: `GET https://api.example.com/v1?page=2&access_token=${MASK}&x=y`,
  },
  // The lines of issue 11, finding 9, that the first masker let through.
  {
    name: 'aws configure set aws_secret_access_key',
    input: `aws configure set aws_secret_access_key ${awsSecret}`,
    output: `aws configure set aws_secret_access_key ${MASK}`,
  },
  {
    name: 'AWS CLI table output of a secret key',
    input: `||  SecretAccessKey  |  ${awsSecret}  ||`,
    output: `||  SecretAccessKey  |  ${MASK}  ||`,
  },
  {
    name: 'docker login -p',
    input: 'docker login -u ci -p hunter2hunter registry.example.com',
    output: `docker login -u ci -p ${MASK} registry.example.com`,
  },
  {
    name: 'docker login --password',
    input: 'docker login --username ci --password hunter2hunter reg',
    output: `docker login --username ci --password ${MASK} reg`,
  },
  {
    name: 'curl -u user:pass',
    input: 'curl -u admin:hunter2hunter https://x/api',
    output: `curl -u admin:${MASK} https://x/api`,
  },
  { name: 'mysql --password=', input: 'mysql --password=hunter2hunter app', output: `mysql --password=${MASK} app` },
  { name: 'mysql -p…', input: 'mysql -u root -phunter2hunter app', output: `mysql -u root -p${MASK} app` },
  { name: 'docker config.json auth', input: '"auth": "Ym9iOmh1bnRlcjJodW50ZXI="', output: `"auth": "${MASK}"` },
  {
    name: 'PEM private key block keeps its lines',
    input: 'key:\n-----BEGIN RSA PRIVATE KEY-----\nMIIEowIBAAKCAQEA\nabcdef==\n-----END RSA PRIVATE KEY-----\nnext',
    output: `key:\n-----BEGIN RSA PRIVATE KEY-----\n${MASK}\n${MASK}\n-----END RSA PRIVATE KEY-----\nnext`,
  },
  {
    name: 'OpenSSH private key on one line with escaped newlines',
    input: 'KEY="-----BEGIN OPENSSH PRIVATE KEY-----\\nb3BlbnNzaC1rZXktdjE=\\n-----END OPENSSH PRIVATE KEY-----"',
    output: `KEY="-----BEGIN OPENSSH PRIVATE KEY-----${MASK}-----END OPENSSH PRIVATE KEY-----"`,
  },
  {
    name: 'truncated PEM block without END',
    input: 'x\n-----BEGIN PRIVATE KEY-----\nMIIEvQIBADANBgkqhkiG9w0BAQEFAASC\nBKcwggSjAgEAAoIBAQC7\n$ next command',
    output: `x\n-----BEGIN PRIVATE KEY-----\n${MASK}\n${MASK}\n$ next command`,
  },
];

const negatives: string[] = [
  'Loading tokenizer from cache',
  'password reset test passed',
  '✓ rejects an empty password',
  'max_tokens=100 temperature=0.2',
  'token_type: bearer',
  'secret_name=prod-db',
  'password_file=/run/secrets/db',
  'PWD=/home/travis/build',
  'secretary: Alice',
  'password: $DB_PASSWORD',
  'token: ${{ secrets.DEPLOY_TOKEN }}',
  'export API_TOKEN=[secure]',
  'password: ********',
  'use_token: true',
  'Password:',
  'if token == expected:',
  'auto secret = secret::load();',
  'ghp_tooShort',
  'AKIA1234',
  'sk_live_',
  'AIzaTooShort',
  'eyJhbGciOiJIUzI1NiJ9 alone',
  'http://example.com:8080/path?q=1',
  'ssh://git@github.com/org/repo.git',
  'git@github.com:org/repo.git',
  'Authorization: Bearer',
  'BEGIN PRIVATE KEY test (no block)',
  '-----BEGIN PUBLIC KEY-----\nMIIBIjANBgkq\n-----END PUBLIC KEY-----',
];

describe('redactSecrets', () => {
  describe('masks', () => {
    for (const c of positives) {
      it(c.name, () => {
        const once = redactSecrets(c.input);
        expect(once.text).to.equal(c.output);
        expect(once.count).to.be.greaterThan(0);
        expect(once.text.split('\n').length, 'line count').to.equal(c.input.split('\n').length);
        const twice = redactSecrets(once.text);
        expect(twice.text, 'idempotent').to.equal(once.text);
        expect(twice.count, 'nothing more to mask').to.equal(0);
      });
    }
  });

  describe('leaves alone', () => {
    for (const input of negatives) {
      it(JSON.stringify(input), () => {
        expect(redactSecrets(input)).to.deep.equal({ text: input, count: 0 });
      });
    }
  });

  it('counts every secret', () => {
    const r = redactSecrets(`a ${githubPat} b ${githubPat}\npassword=x`);
    expect(r.count).to.equal(3);
  });

  describe('masked values', () => {
    const value = 'S3cr3t/Value+1';

    it('masks the value and its base64 and URL-encoded forms', () => {
      const b64 = Buffer.from(value).toString('base64');
      const input = [
        `plain ${value} end`,
        `b64 ${b64} end`,
        `b64 unpadded ${b64.replace(/=+$/, '')}x`,
        `url ${encodeURIComponent(value)} end`,
      ].join('\n');
      const r = redactSecrets(input, { maskedValues: [value] });
      expect(r.text).to.equal(
        [`plain ${MASK} end`, `b64 ${MASK} end`, `b64 unpadded ${MASK}x`, `url ${MASK} end`].join('\n'),
      );
      expect(r.count).to.equal(4);
      expect(redactSecrets(r.text, { maskedValues: [value] }).count).to.equal(0);
    });

    it('ignores values shorter than 8 characters, as GitLab does', () => {
      expect(redactSecrets('short1 appears', { maskedValues: ['short1'] })).to.deep.equal({
        text: 'short1 appears',
        count: 0,
      });
      expect(maskedValueForms('1234567')).to.deep.equal([]);
    });

    it('given no maskedValues option, then no text is taken for a masked value', () => {
      // 'Stryker was here' is the value a mutant of the `?? []` default puts in.
      for (const text of ['Stryker was here', 'Build finished: 14 passed'])
        expect(redactSecrets(text)).to.deep.equal({ text, count: 0 });
    });

    it('replaces the longer of two overlapping values first', () => {
      const r = redactSecrets('abcdefgh-ijkl', { maskedValues: ['abcdefgh', 'abcdefgh-ijkl'] });
      expect(r).to.deep.equal({ text: MASK, count: 1 });
    });

    it('keeps the line count of a multi-line value', () => {
      const r = redactSecrets('a\nline one\nline two\nb', { maskedValues: ['line one\nline two'] });
      expect(r.text).to.equal(`a\n${MASK}\n\nb`);
    });
  });

  describe('isSecretKey', () => {
    const table: [string, boolean][] = [
      ['password', true],
      ['DB_PASSWORD', true],
      ['dbPassword', true],
      ['passwd', true],
      ['GITLAB_TOKEN', true],
      ['accessToken', true],
      ['csrftoken', true],
      ['client_secret', true],
      ['aws_secret_access_key', true],
      ['api-key', true],
      ['apiKey', true],
      ['APIKEY', true],
      ['X-Api-Key', true],
      ['private_key', true],
      ['passphrase', true],
      ['tokenizer', false],
      ['max_tokens', false],
      ['token_type', false],
      ['password_length', false],
      ['secretary', false],
      ['PWD', false],
      ['key', false],
      ['monkey', false],
      ['author', false],
      ['secret_name', false],
    ];
    for (const [key, expected] of table) it(`${key} → ${expected}`, () => expect(isSecretKey(key)).to.equal(expected));
  });

  // No timing threshold: a pattern that backtracks catastrophically takes minutes or hours on 1 MB, so the
  // test's timeout is what fails. The throughput is measured by load-tests/masking/run.ts.
  it('finishes on 1 MB lines built to make the rules backtrack (linear time)', function () {
    this.timeout(120_000);
    const units = [
      'a',
      'A',
      '=',
      'a=',
      'a:',
      ' ',
      '-',
      '|',
      'password=',
      'token="',
      "token='",
      'token: ',
      'a_token ',
      'ENV a_token ',
      'eyJ',
      'eyJa.',
      'glpat-',
      'AKIA',
      'AKIAAAAAAAAAAAAAAAAA ',
      'xoxb-',
      'sk-',
      'http://',
      'a:b@',
      'https://u:',
      'https://',
      'Authorization: Bearer ',
      'Bearer ',
      '-----BEGIN PRIVATE KEY-----',
      '<password>',
      '<password>a',
      'key="a_token" value="',
      'machine h login u password ',
      '|| SecretAccessKey | ',
      '--password ',
      '-p',
      'login -p ',
      'mysql -p',
      'curl -u ',
      'echo x | ',
      '--password-stdin ',
      '${A:-',
      'Ab1+',
      '"',
      "'",
    ];
    for (const unit of units) {
      const input = unit.repeat(Math.ceil(1_000_000 / unit.length));
      const r = redactSecrets(input, { maskedValues: ['aaaaaaaaaaaaaaaaaaaaaaaaaaaab'] });
      expect(r.text.split('\n').length, JSON.stringify(unit)).to.equal(1);
    }
  });
});
