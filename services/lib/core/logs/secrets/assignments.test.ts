import { expect } from 'chai';
import { MASK } from '../redact.js';
import { maskAssignments } from './assignments.js';
import { expectCaughtBy, expectLeftAlone, fake, B64 } from './expect.js';

const pw = 'Orchid215.byuu7';
const b64 = fake(44, B64, 7);

const cases: { name: string; input: string; output: string; secret?: string }[] = [
  // key=value and key: value under a strong name: any value
  { name: 'env assignment', input: `export DB_PASSWORD=${pw}`, output: `export DB_PASSWORD=${MASK}` },
  { name: 'PGPASSWORD prefix', input: `PGPASSWORD=${pw} psql -h db`, output: `PGPASSWORD=${MASK} psql -h db` },
  {
    name: 'psql conninfo',
    input: `psql "host=db user=app password=${pw} dbname=app"`,
    output: `psql "host=db user=app password=${MASK} dbname=app"`,
  },
  {
    name: 'connection string',
    input: `Server=db;User ID=sa;Password=${pw};Encrypt=True`,
    output: `Server=db;User ID=sa;Password=${MASK};Encrypt=True`,
  },
  {
    name: 'mysql --password=',
    input: `mysql --user=root --password=${pw} -e "SELECT 1"`,
    output: `mysql --user=root --password=${MASK} -e "SELECT 1"`,
  },
  { name: 'JSON', input: `{"client_secret": "${pw}"}`, output: `{"client_secret": "${MASK}"}` },
  {
    name: 'Ruby hash =>',
    input: `  encryption_key => '${b64}',`,
    output: `  encryption_key => '${MASK}',`,
    secret: b64,
  },
  // weak names: credential-shaped values only
  { name: 'docker config.json auth', input: `      "auth": "${b64}"`, output: `      "auth": "${MASK}"`, secret: b64 },
  { name: 'npmrc _auth', input: `_auth=${b64}`, output: `_auth=${MASK}`, secret: b64 },
  {
    name: 'Azure AccountKey',
    input: `AccountName=x;AccountKey=${b64};EndpointSuffix=core.windows.net`,
    output: `AccountName=x;AccountKey=${MASK};EndpointSuffix=core.windows.net`,
    secret: b64,
  },
  {
    name: 'Azure SAS sig',
    input: `?sv=2022-11-02&sp=r&sig=${encodeURIComponent(b64)}&x=1`,
    output: `?sv=2022-11-02&sp=r&sig=${MASK}&x=1`,
    secret: encodeURIComponent(b64),
  },
  {
    name: 'GCP private_key_id',
    input: `  "private_key_id": "${fake(40, '0123456789abcdef')}",`,
    output: `  "private_key_id": "${MASK}",`,
    secret: fake(40, '0123456789abcdef'),
  },
  {
    name: 'kubeconfig client-key-data',
    input: `    client-key-data: ${fake(900, B64)}`,
    output: `    client-key-data: ${MASK}`,
    secret: fake(900, B64),
  },
  // KEY value without a separator
  {
    name: 'aws configure set',
    input: `$ aws configure set aws_secret_access_key ${b64}`,
    output: `$ aws configure set aws_secret_access_key ${MASK}`,
    secret: b64,
  },
  {
    name: 'npm config set …:_authToken',
    input: `npm config set //r.example.com/:_authToken ${b64}`,
    output: `npm config set //r.example.com/:_authToken ${MASK}`,
    secret: b64,
  },
  {
    name: 'Dockerfile ENV',
    input: `Step 3/9 : ENV SECRET_KEY_BASE ${pw}`,
    output: `Step 3/9 : ENV SECRET_KEY_BASE ${MASK}`,
  },
  // .netrc
  {
    name: '.netrc line',
    input: `machine github.com login ci password ${pw}`,
    output: `machine github.com login ci password ${MASK}`,
  },
  {
    name: '.netrc stanza',
    input: `machine github.com\n  login ci\n  password ${pw}`,
    output: `machine github.com\n  login ci\n  password ${MASK}`,
  },
  // XML
  {
    name: 'maven <password>',
    input: `<server><id>x</id><password>${pw}</password></server>`,
    output: `<server><id>x</id><password>${MASK}</password></server>`,
  },
  {
    name: 'appSettings key/value',
    input: `<add key="ApiToken" value="${pw}" />`,
    output: `<add key="ApiToken" value="${MASK}" />`,
  },
];

describe('assignment rules', () => {
  for (const c of cases)
    it(c.name, () =>
      expectCaughtBy('assignments', { name: c.name, input: c.input, secrets: [c.secret ?? pw], output: c.output }),
    );

  describe('leaves alone', () => {
    for (const input of [
      'password: must be at least 8 characters',
      '"password": "must not be blank"',
      '  ✗ token: is required',
      'aws_secretsmanager_secret_version.db: Creation complete after 8s [id=arn:aws:secretsmanager:eu-west-1:1:secret:db-AbC123]',
      '\tat com.example.TokenService.refresh(TokenService.java:100)',
      '    at SecretStore.get (/app/src/secrets.ts:99:26)',
      '--- PASS: TestTokenRefresh (0.53s)',
      '  + token    = (known after apply)',
      'Setting up libsecret-1-0:amd64 (0.18.4-1ubuntu2) ...',
      "  'System.Web, Version=4.0.0.0, Culture=neutral, PublicKeyToken=b77a5c561934e089'",
      'Number of tries to enter a password: 3',
      '--with-password-timeout=5',
      '  key: Linux-node-0123456789abcdef0123456789abcdef',
      'Reading DB_PASSWORD from environment',
      'machine-readable output: password policy ok',
      '    token.value = `/${value.pattern}/${value.flags}`;',
      '    certificate-authority-data: LS0tLS1CRUdJTiBDRVJUSUZJQ0FURS0tLS0tCk1JSUM1ekNDQWMr',
    ])
      it(JSON.stringify(input), () => expectLeftAlone(input));
  });

  it('masks a bare value of any length whole', () => {
    const long = fake(5000, B64);
    expect(maskAssignments(`token=${long} end`).text).to.equal(`token=${MASK} end`);
  });
});
