import { expect } from 'chai';
import { MASK } from '../redact.js';
import { expectCaughtBy, expectLeftAlone, fake, HEX, B64 } from './expect.js';
import { applyTokenRules, maskAwsSecretsBesideKeyIds, maskUrlCredentials, TOKEN_RULES } from './tokens.js';

const U = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ';
const AZ09 = U + '234567';
const URLSAFE = B64.replace('+', '-').replace('/', '_');
const jwt = () =>
  [
    Buffer.from('{"alg":"HS256","typ":"JWT"}').toString('base64url'),
    Buffer.from('{"sub":"1234567890"}').toString('base64url'),
    fake(43, URLSAFE),
  ].join('.');

/** One line per token rule where only that rule finds the token (prose around it, no credential name). */
const cases: { rule: string; input: string; secret: string }[] = [
  { rule: 'gitlab-token', input: `found glpat-${fake(20)} here`, secret: `glpat-${fake(20)}` },
  { rule: 'gitlab-token', input: `runner GR1348941${fake(20, URLSAFE)} here`, secret: `GR1348941${fake(20, URLSAFE)}` },
  // GitLab workspace tokens (glwt-, docs.gitlab.com/security/tokens/#workspace-token)
  { rule: 'gitlab-token', input: `workspace glwt-${fake(24, URLSAFE)} here`, secret: `glwt-${fake(24, URLSAFE)}` },
  { rule: 'github-token', input: `using ghs_${fake(36)} now`, secret: `ghs_${fake(36)}` },
  {
    rule: 'github-token',
    input: `using github_pat_${fake(22)}_${fake(59, undefined, 1)} now`,
    secret: `github_pat_${fake(22)}_${fake(59, undefined, 1)}`,
  },
  { rule: 'aws-access-key-id', input: `id AKIA${fake(16, AZ09)} ok`, secret: `AKIA${fake(16, AZ09)}` },
  {
    rule: 'aws-session-token',
    input: `session IQoJb3JpZ2luX2Vj${fake(200, B64)} ok`,
    secret: `IQoJb3JpZ2luX2Vj${fake(200, B64)}`,
  },
  { rule: 'slack-token', input: `bot xoxb-1234567890-${fake(24)} ok`, secret: `xoxb-1234567890-${fake(24)}` },
  {
    rule: 'slack-token',
    input: `app xapp-1-A${fake(10, AZ09)}-1234567890123-${fake(64, HEX)} ok`,
    secret: `xapp-1-A${fake(10, AZ09)}-1234567890123-${fake(64, HEX)}`,
  },
  {
    rule: 'webhook-url',
    input: `post https://hooks.slack.com/services/T${fake(8, AZ09)}/B${fake(10, AZ09)}/${fake(24)} ok`,
    secret: fake(24),
  },
  {
    rule: 'webhook-url',
    input: `post https://discord.com/api/webhooks/123456789012345678/${fake(68, URLSAFE)} ok`,
    secret: fake(68, URLSAFE),
  },
  { rule: 'stripe-key', input: `charge with sk_live_${fake(24)} ok`, secret: `sk_live_${fake(24)}` },
  { rule: 'stripe-key', input: `verify whsec_${fake(32)} ok`, secret: `whsec_${fake(32)}` },
  { rule: 'google-api-key', input: `maps AIza${fake(35, URLSAFE)} ok`, secret: `AIza${fake(35, URLSAFE)}` },
  { rule: 'google-oauth-token', input: `gcloud ya29.${fake(120, URLSAFE)} ok`, secret: `ya29.${fake(120, URLSAFE)}` },
  { rule: 'npm-token', input: `publish npm_${fake(36)} ok`, secret: `npm_${fake(36)}` },
  { rule: 'npm-token', input: 'npm publish ${PUBLISH_WITH:-npm_' + fake(36) + '}', secret: `npm_${fake(36)}` },
  {
    rule: 'sendgrid-key',
    input: `mail SG.${fake(22, URLSAFE)}.${fake(43, URLSAFE, 2)} ok`,
    secret: `SG.${fake(22, URLSAFE)}.${fake(43, URLSAFE, 2)}`,
  },
  { rule: 'twilio-api-key', input: `twilio SK${fake(32, HEX)} ok`, secret: `SK${fake(32, HEX)}` },
  {
    rule: 'openai-anthropic-key',
    input: `model sk-proj-${fake(40, URLSAFE)}T3BlbkFJ${fake(40, URLSAFE)} ok`,
    secret: `sk-proj-${fake(40, URLSAFE)}T3BlbkFJ${fake(40, URLSAFE)}`,
  },
  {
    rule: 'openai-anthropic-key',
    input: `model sk-ant-api03-${fake(93, URLSAFE)}AA ok`,
    secret: `sk-ant-api03-${fake(93, URLSAFE)}AA`,
  },
  { rule: 'vault-token', input: `vault hvs.${fake(24)} ok`, secret: `hvs.${fake(24)}` },
  { rule: 'huggingface-token', input: `hub hf_${fake(34)} ok`, secret: `hf_${fake(34)}` },
  { rule: 'digitalocean-token', input: `doctl dop_v1_${fake(64, HEX)} ok`, secret: `dop_v1_${fake(64, HEX)}` },
  {
    rule: 'pypi-token',
    input: `upload pypi-AgEIcHlwaS5vcmc${fake(80, URLSAFE)} ok`,
    secret: `pypi-AgEIcHlwaS5vcmc${fake(80, URLSAFE)}`,
  },
  // test.pypi.org's macaroon (its location, base64, differs from pypi.org's), and a private Warehouse's
  {
    rule: 'pypi-token',
    input: `upload pypi-AgENdGVzdC5weXBpLm9yZw${fake(80, URLSAFE)} ok`,
    secret: `pypi-AgENdGVzdC5weXBpLm9yZw${fake(80, URLSAFE)}`,
  },
  {
    rule: 'pypi-token',
    input: `upload pypi-AgEQcHlwaS5leGFtcGxlLmNvbQ${fake(80, URLSAFE, 1)} ok`,
    secret: `pypi-AgEQcHlwaS5leGFtcGxlLmNvbQ${fake(80, URLSAFE, 1)}`,
  },
  { rule: 'vendor-token', input: `hub dckr_pat_${fake(27, URLSAFE)} ok`, secret: `dckr_pat_${fake(27, URLSAFE)}` },
  { rule: 'vendor-token', input: `shop shpat_${fake(32, HEX)} ok`, secret: `shpat_${fake(32, HEX)}` },
  // Doppler (docs.doppler.com/docs/Auth-token-formats): a service token may carry its config's slug, and
  // service account identity tokens are dp.said.
  { rule: 'vendor-token', input: `doppler dp.st.dev.${fake(43)} ok`, secret: `dp.st.dev.${fake(43)}` },
  {
    rule: 'vendor-token',
    input: `doppler dp.st.prd_eu-west.${fake(43, undefined, 2)} ok`,
    secret: `dp.st.prd_eu-west.${fake(43, undefined, 2)}`,
  },
  { rule: 'vendor-token', input: `doppler dp.said.${fake(44)} ok`, secret: `dp.said.${fake(44)}` },
  { rule: 'vendor-token', input: `doppler dp.pt.${fake(43)} ok`, secret: `dp.pt.${fake(43)}` },
  { rule: 'jwt', input: `session ${jwt()} ok`, secret: jwt() },
  { rule: 'authorization-header', input: `Proxy-Authorization: Basic ${fake(28, B64)}`, secret: fake(28, B64) },
  { rule: 'bearer-token', input: `sent Bearer ${fake(40, URLSAFE)} upstream`, secret: fake(40, URLSAFE) },
];

const ruleByName = (name: string) => TOKEN_RULES.find((r) => r.name === name)!;

describe('token rules', () => {
  it('every rule has a case', () => {
    for (const r of TOKEN_RULES)
      expect(
        cases.some((c) => c.rule === r.name),
        r.name,
      ).to.equal(true);
  });

  for (const c of cases)
    it(`${c.rule}: ${c.input.slice(0, 40)}…`, () => {
      expect(c.input).to.include(c.secret);
      const alone = applyTokenRules(c.input, [ruleByName(c.rule)]);
      expect(alone.text, 'the rule masks it').not.to.include(c.secret);
      expect(alone.text).to.include(MASK);
      const others = applyTokenRules(
        c.input,
        TOKEN_RULES.filter((r) => r.name !== c.rule),
      );
      expect(others.text, 'no other token rule does').to.include(c.secret);
      expectCaughtBy('tokens', { name: c.rule, input: c.input, secrets: [c.secret] });
    });

  describe('leaves alone', () => {
    for (const input of [
      'using sk-learn 1.3',
      `task sk-payments-service-deployment-${fake(6, HEX)}`,
      `pk_live_${fake(24)} is publishable`,
      `Twilio account AC${fake(32, HEX)}`,
      'sent Bearer token-based auth',
      `Digest: sha256:${fake(64, HEX)}`,
      `commit ${fake(40, HEX)}`,
      'glpat-short',
      'glwt-short',
      `workspace glwt-${fake(12)} here`,
      'pip install pypi-simple pypi-AgE',
      `pypi-AgE${fake(30, URLSAFE)} is too short`,
      'doppler dp.st.dev is the service token prefix',
      `dp.st.dev.${fake(20)} is too short`,
      `dp.st.${'x'.repeat(36)}.${fake(43)} has a slug of 36`,
    ])
      it(JSON.stringify(input), () => expectLeftAlone(input));
  });
});

describe('AWS secret keys beside an access key id', () => {
  const id = `AKIA${fake(16, AZ09)}`;
  const secret = fake(40, B64, 3);
  it('masks the 40-character secret on the line of an id (aws … --output text)', () => {
    const r = maskAwsSecretsBesideKeyIds(`CREDENTIALS\t${id}\t2024-01-01T00:00:00Z\t${secret}\tx`);
    expect(r.text).to.equal(`CREDENTIALS\t${id}\t2024-01-01T00:00:00Z\t${MASK}\tx`);
    expectCaughtBy('tokens', {
      name: 'aws text output',
      input: `CREDENTIALS\t${id}\t${secret}`,
      secrets: [id, secret],
    });
  });
  it('leaves the same shape alone without an id on the line, and a git SHA beside one', () => {
    expect(maskAwsSecretsBesideKeyIds(`x ${secret}\nid ${id}`).count).to.equal(0);
    expect(maskAwsSecretsBesideKeyIds(`${id} ${fake(40, HEX)}`).count).to.equal(0);
  });
});

describe('credentials in URLs', () => {
  const table: [string, string][] = [
    ['https://deploy:hunter2hunter@git.example.com/a.git', `https://deploy:${MASK}@git.example.com/a.git`],
    ['redis://:s3cr3tpass@cache:6379/0', `redis://:${MASK}@cache:6379/0`],
    ['mongodb+srv://ci:pa55word@cluster0.x.mongodb.net/db', `mongodb+srv://ci:${MASK}@cluster0.x.mongodb.net/db`],
    [
      `git remote set-url origin https://${fake(40, HEX, 4)}@github.com/o/r.git`,
      `git remote set-url origin https://${MASK}@github.com/o/r.git`,
    ],
    ['ssh://git@github.com/o/r.git', 'ssh://git@github.com/o/r.git'],
    ['https://user:$PASSWORD@host/x', 'https://user:$PASSWORD@host/x'],
    ['http://example.com:8080/path?q=1', 'http://example.com:8080/path?q=1'],
  ];
  for (const [input, output] of table) it(input, () => expect(maskUrlCredentials(input).text).to.equal(output));
  it('is needed: without it the URL password stays', () =>
    expectCaughtBy('tokens', {
      name: 'url',
      input: 'Cloning https://deploy:hunter2hunter@git.example.com/repo.git',
      secrets: ['hunter2hunter'],
    }));
});

describe('OpenAI-style sk- keys', () => {
  const LOWER36 = 'abcdefghijklmnopqrstuvwxyz0123456789';
  const table: [string, string, string][] = [
    [
      'a key of a known kind, in lower case and digits only',
      `export key sk-admin-${fake(40, LOWER36)} done`,
      `export key ${MASK} done`,
    ],
    ['a key without a known kind, mixed case with digits', `model sk-${fake(48)} ok`, `model ${MASK} ok`],
  ];
  for (const [name, input, output] of table)
    it(`given ${name}, then it is masked`, () => expect(applyTokenRules(input).text).to.equal(output));

  for (const input of [
    // `task-admin-` holds `sk-admin-`, but only a key's start says its kind
    'pod/sk-worker-task-admin-sync-7d9f8 created',
    // capitals without a digit: a name
    'Stack sk-Prod-PaymentsService-Stack is in UPDATE_COMPLETE state',
  ])
    it(`given ${JSON.stringify(input)}, then nothing is masked`, () => expectLeftAlone(input));
});

describe('AWS secret keys beside an access key id: the shape of the secret', () => {
  const id = `AKIA${fake(16, AZ09)}`;
  for (const [name, word] of [
    ['an upper-case SHA-1 thumbprint (no lower case)', '3F2A9C0B7D1E4F6A8B5C2D9E0F1A3B4C5D6E7F80'],
    ['a CamelCase name of 40 letters (no digit)', 'GitHubActionsDeploymentRoleForProduction'],
  ])
    it(`given ${name} on the line of an id, then it stays`, () => {
      expect(word).to.have.length(40);
      expect(maskAwsSecretsBesideKeyIds(`${id}\t${word}`)).to.deep.equal({ text: `${id}\t${word}`, count: 0 });
    });
});

describe('credentials in URLs: where the scheme is', () => {
  const table: [string, string, string][] = [
    [
      'a two-letter scheme at the very start of the text',
      'ws://admin:Orchid215@localhost:8080/socket',
      `ws://admin:${MASK}@localhost:8080/socket`,
    ],
    [
      'a text that starts with a stray ://',
      '://cdn.example.com/app.js failed; retry https://ci:hunter2hunter@git.example.com/r.git',
      `://cdn.example.com/app.js failed; retry https://ci:${MASK}@git.example.com/r.git`,
    ],
    [
      'a scheme of 32 characters at the start of the text',
      'com.example.internal.deployagent://ci:Orchid215@deploy.example.com',
      `com.example.internal.deployagent://ci:${MASK}@deploy.example.com`,
    ],
    [
      'a scheme of 32 characters after a blank',
      'open com.example.internal.deployagent://ci:Orchid215@deploy.example.com',
      `open com.example.internal.deployagent://ci:${MASK}@deploy.example.com`,
    ],
  ];
  for (const [name, input, output] of table)
    it(`given ${name}, then the password is masked`, () => expect(maskUrlCredentials(input).text).to.equal(output));
});

describe('credentials in URLs: whatever precedes the ://', () => {
  const token = fake(40, HEX, 6);
  // Userinfo after `://` is a credential whether or not a well-formed scheme stands before it: a diff's
  // `+`/`-`, an ellipsis, a timestamp glued to the URL, or no scheme at all (a line cut at its start).
  const table: [string, string, string][] = [
    [
      'a line added in a diff',
      '+https://ci:hunter2secret@git.example.com/x.git',
      `+https://ci:${MASK}@git.example.com/x.git`,
    ],
    [
      'a line removed in a diff, a token as the user',
      `-https://${token}@github.com/o/r.git`,
      `-https://${MASK}@github.com/o/r.git`,
    ],
    [
      'an ellipsis glued to the scheme',
      'remote: ...https://deploy:Orchid215x@git.example.com/r.git',
      `remote: ...https://deploy:${MASK}@git.example.com/r.git`,
    ],
    [
      'a timestamp glued to the scheme',
      '12:00:01https://ci:hunter2secret@git.example.com',
      `12:00:01https://ci:${MASK}@git.example.com`,
    ],
    ['a line cut before its scheme', '://admin:pw@db:5432/app', `://admin:${MASK}@db:5432/app`],
    [
      'a line cut with an ellipsis before the ://',
      'DATABASE_URL …://admin:Orchid215@db:5432/app',
      `DATABASE_URL …://admin:${MASK}@db:5432/app`,
    ],
    // already masked before: brackets and quotes around a URL, a scheme with a `+`
    ['a URL in parentheses', '(https://u:p@h)', `(https://u:${MASK}@h)`],
    ['a quoted git+https URL', '"git+https://u:p@h"', `"git+https://u:${MASK}@h"`],
    ['a URL in angle brackets', '<https://ci:hunter2secret@git.example.com/>', `<https://ci:${MASK}@git.example.com/>`],
  ];
  for (const [name, input, output] of table)
    it(`given ${name}, then the credential is masked`, () => expect(maskUrlCredentials(input).text).to.equal(output));

  it('is the tokens family that masks it', () =>
    expectCaughtBy('tokens', {
      name: 'diff',
      input: '+https://ci:hunter2secret@git.example.com/x.git',
      secrets: ['hunter2secret'],
    }));

  for (const input of [
    'https://user@host',
    '+https://user@git.example.com/x.git',
    'http://localhost:8080',
    '+http://localhost:8080/health',
    'ssh://git@github.com',
    '-ssh://git@github.com/o/r.git',
    '://cdn.example.com/app.js failed',
    '://git@github.com/o/r.git',
    '+https://ci:$CI_JOB_TOKEN@gitlab.example.com/x.git',
  ])
    it(`given ${JSON.stringify(input)}, then nothing is masked`, () => expectLeftAlone(input));
});

describe('applyTokenRules with a list of rules', () => {
  it('given a rule with capture groups before others, then each match is judged by its own rule', () => {
    const rules = ['webhook-url', 'openai-anthropic-key', 'aws-access-key-id'].map(ruleByName);
    const input = `id AKIA${fake(16, AZ09)}, pod/sk-payments-service-deployment-7f3a9c, https://hooks.slack.com/services/T0123ABCD/B0123ABCDEF/${fake(24)}`;
    expect(applyTokenRules(input, rules)).to.deep.equal({
      text: `id ${MASK}, pod/sk-payments-service-deployment-7f3a9c, https://hooks.slack.com/services/${MASK}`,
      count: 2,
    });
  });
});
