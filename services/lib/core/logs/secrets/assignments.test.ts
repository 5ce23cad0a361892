import { expect } from 'chai';
import { MASK, redactSecrets } from '../redact.js';
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

  describe('given key names and separators at their edges', () => {
    // Each output written by hand; maskAssignments alone, so that no other family hides a difference.
    const table: [string, string, string][] = [
      ['a digit before _KEY (ED25519_KEY)', `ED25519_KEY=${pw}`, `ED25519_KEY=${MASK}`],
      ['a 0 before _PASS', `MARIADB10_PASS=${pw}`, `MARIADB10_PASS=${MASK}`],
      ['a Z before _PASS', `QUARTZ_PASS=${pw}`, `QUARTZ_PASS=${MASK}`],
      ['a z before _pass', `quartz_pass=${pw}`, `quartz_pass=${MASK}`],
      [
        'a key after a pipe-delimited prefix longer than a key',
        `ts=1714557600123|level=INFO|logger=com.example.payments.gateway.internal.PaymentGatewayClient|db_password=${pw}`,
        `ts=1714557600123|level=INFO|logger=com.example.payments.gateway.internal.PaymentGatewayClient|db_password=${MASK}`,
      ],
      [
        'a key of exactly 64 characters',
        `application.properties: spring.datasource.hikari.data-source-properties.replica.password=${pw}`,
        `application.properties: spring.datasource.hikari.data-source-properties.replica.password=${MASK}`,
      ],
      // a dotted property path longer than a key: its last segments name the value
      [
        'a Helm --set path longer than a key',
        `helm upgrade app ./chart --set global.platform.authentication.oidc.providers.github.clientSecret=${pw}`,
        `helm upgrade app ./chart --set global.platform.authentication.oidc.providers.github.clientSecret=${MASK}`,
      ],
      [
        'a -D system property longer than a key',
        `java -Dquarkus.datasource.reporting.credentials-provider.vault.kv.database.password=${pw} -jar app.jar`,
        `java -Dquarkus.datasource.reporting.credentials-provider.vault.kv.database.password=${MASK} -jar app.jar`,
      ],
      [
        'a Spring property longer than a key, in YAML-ish output',
        `spring.datasource.hikari.data-source-properties.replica.reporting.password: ${pw}`,
        `spring.datasource.hikari.data-source-properties.replica.reporting.password: ${MASK}`,
      ],
      [
        'a long path whose last segment is a weak name',
        `-Dcom.example.platform.integrations.storage.azure.blob.primary.accountKey=${b64}`,
        `-Dcom.example.platform.integrations.storage.azure.blob.primary.accountKey=${MASK}`,
      ],
      // a password after a package-like name, not an architecture; a host and port after a password key
      [
        'a value after a package-like key that is not an architecture',
        `libsecret-1-dev:${pw}`,
        `libsecret-1-dev:${MASK}`,
      ],
      ['a weak key with a path-like secret', `auth: ${b64}`, `auth: ${MASK}`],
      // a password with parentheses, not a call
      ['a password shaped like a call', 'password=S3cr3t(2024)', `password=${MASK}`],
      ['a password with a symbol in parentheses', 'export DB_PASSWORD=Pa55w0rd(!)', `export DB_PASSWORD=${MASK}`],
      [
        'a password that goes on after parentheses',
        'API_TOKEN=Welcome(2024)x9 ./deploy.sh',
        `API_TOKEN=${MASK} ./deploy.sh`,
      ],
      // an escaped quote inside a quoted value does not end it
      ['an escaped double quote in JSON', '{"password": "Orc\\"hid215x"}', `{"password": "${MASK}"}`],
      ['an escaped single quote', "db_password: 'Orc\\'hid215x'", `db_password: '${MASK}'`],
      ['an escaped backslash before the closing quote', '{"token": "Orchid215x\\\\"}', `{"token": "${MASK}"}`],
      // JSON inside a JSON or shell string: the key and the value are quoted with escaped quotes
      [
        'JSON in a string',
        '"body": "{\\"username\\": \\"ci\\", \\"password\\": \\"Orchid215x\\"}"',
        `"body": "{\\"username\\": \\"ci\\", \\"password\\": \\"${MASK}\\"}"`,
      ],
      [
        'JSON in a string with an escaped quote in the value',
        '{\\"client_secret\\":\\"Orc\\\\\\"hid215x\\"}',
        `{\\"client_secret\\":\\"${MASK}\\"}`,
      ],
      // a quoted value whose closing quote is missing (cut off, or a typo in a script): its first word
      ['an unterminated single-quoted value', "export DB_PASSWORD='Orchid215", `export DB_PASSWORD='${MASK}`],
      ['an unterminated double-quoted value', 'API_TOKEN="Orchid215x', `API_TOKEN="${MASK}`],
      [
        'an unterminated quoted value before more lines',
        `  password: "${pw}\n  user: ci`,
        `  password: "${MASK}\n  user: ci`,
      ],
      ['an unterminated JSON value cut off', `{"client_secret": "${pw}`, `{"client_secret": "${MASK}`],
      // a literal default after another reference
      ['a default after a reference', `TOKEN=$PREFIX\${NPM_TOKEN:-${pw}}`, `TOKEN=${MASK}`],
      [
        'a default after a reference, quoted',
        `export DB_PASSWORD="\${DB_USER}:\${DB_PASSWORD:-${pw}}"`,
        `export DB_PASSWORD="${MASK}"`,
      ],
      [
        'key:value without a blank (Go %+v)',
        `config: {User:ci Password:${pw} Host:db}`,
        `config: {User:ci Password:${MASK} Host:db}`,
      ],
      [
        'a plain word after = is a password, not prose (PGPASSWORD=postgres psql)',
        'PGPASSWORD=postgres psql -h localhost -U postgres',
        `PGPASSWORD=${MASK} psql -h localhost -U postgres`,
      ],
      // a credential name with a rotation date or version at its end is still a credential name
      ['a date after the name', `DB_PASSWORD_2024_01=${pw}`, `DB_PASSWORD_2024_01=${MASK}`],
      ['a date after an api key name', `export API_KEY_2024_05="${pw}"`, `export API_KEY_2024_05="${MASK}"`],
      ['a version after a weak name', `DEPLOY_KEY_1_2: ${b64}`, `DEPLOY_KEY_1_2: ${MASK}`],
      // a key issued to an account, an application or a service
      ['a Cypress record key', `CYPRESS_RECORD_KEY=${pw}`, `CYPRESS_RECORD_KEY=${MASK}`],
      ['a Backblaze application key', `B2_APPLICATION_KEY=${b64}`, `B2_APPLICATION_KEY=${MASK}`],
      ['a GCP service account key', `GCP_SA_KEY: ${b64}`, `GCP_SA_KEY: ${MASK}`],
      [
        'a quoted value followed by more lines (YAML)',
        `db:\n  password: "${pw}"\n  user: "ci"`,
        `db:\n  password: "${MASK}"\n  user: "ci"`,
      ],
      [
        'a single-quoted value followed by more lines',
        `export API_TOKEN='${pw}'\necho done`,
        `export API_TOKEN='${MASK}'\necho done`,
      ],
    ];
    for (const [name, input, output] of table)
      it(`given ${name}, then the value is masked`, () => expect(maskAssignments(input).text).to.equal(output));

    it('given the 64-character key above, then it is 64 characters long', () =>
      expect('spring.datasource.hikari.data-source-properties.replica.password').to.have.length(64));
  });

  describe('given quoted values at the 64 KiB limit', () => {
    it('given a quoted value of 65,535 characters (64 KiB with its closing quote), then it is masked', () => {
      const value = fake(65535, B64);
      expect(maskAssignments(`"client-key-data": "${value}"`).text).to.equal(`"client-key-data": "${MASK}"`);
    });
    it('given a quoted value after more than 64 KiB of log, then it is masked', () => {
      const before = Array.from({ length: 1500 }, (_, i) => `[build] compiling module ${i} of 1500 ........`).join(
        '\n',
      );
      expect(before.length).to.be.greaterThan(64 * 1024);
      expect(maskAssignments(`${before}\n{"password": "${pw}"}`).text).to.equal(`${before}\n{"password": "${MASK}"}`);
    });
  });

  describe('given .netrc files', () => {
    const table: [string, string, string][] = [
      [
        'two stanzas, one after the other',
        'machine github.com\n  login ci\n  password Orchid215\nmachine gitlab.com\n  login ci\n  password Tulip904',
        `machine github.com\n  login ci\n  password ${MASK}\nmachine gitlab.com\n  login ci\n  password ${MASK}`,
      ],
      ['a password line at the start of the text', 'password Orchid215\n', `password ${MASK}\n`],
      [
        'a password aligned with several blanks',
        '  login     ci\n  password  Orchid215',
        `  login     ci\n  password  ${MASK}`,
      ],
      [
        'CRLF line ends (_netrc on Windows)',
        'machine github.com\r\n  login ci\r\n  password Orchid215\r\n',
        `machine github.com\r\n  login ci\r\n  password ${MASK}\r\n`,
      ],
      [
        'a one-line entry after a timestamp (GitHub Actions)',
        '2024-06-01T10:00:00.0000000Z machine github.com login ci password Orchid215',
        `2024-06-01T10:00:00.0000000Z machine github.com login ci password ${MASK}`,
      ],
    ];
    for (const [name, input, output] of table)
      it(`given ${name}, then each password is masked`, () => expect(maskAssignments(input).text).to.equal(output));
  });

  describe('given XML', () => {
    const b64x = fake(32, B64, 5);
    const table: [string, string, string][] = [
      ['a plain-word password element', '<password>postgres</password>', `<password>${MASK}</password>`],
      ['a credential-shaped auth element', `<auth>${b64x}</auth>`, `<auth>${MASK}</auth>`],
      ['a credential-shaped auth element with blanks inside', `<auth> ${b64x} </auth>`, `<auth>${MASK}</auth>`],
      [
        'a plain-word password attribute',
        '<add key="DbPassword" value="postgres" />',
        `<add key="DbPassword" value="${MASK}" />`,
      ],
      [
        'a credential-shaped account key attribute',
        `<add key="StorageAccountKey" value="${b64x}" />`,
        `<add key="StorageAccountKey" value="${MASK}" />`,
      ],
    ];
    for (const [name, input, output] of table)
      it(`given ${name}, then the value is masked`, () => expect(maskAssignments(input).text).to.equal(output));
  });

  describe('given near misses, then nothing is masked', () => {
    for (const input of [
      // a prompt string: the quote after `password: ` closes it, the next quote is lines away or absent
      'echo "Enter password: "\nread pw\necho "done"',
      'read -s -p "Password: " DB_PASSWORD',
      // a credential name ending a sentence, then a word with digits
      'Error: missing NPM_AUTH_TOKEN. Build-20240601 aborted',
      // a single word is not `KEY value` (only names made of parts are)
      'Deleted secret db-creds-2024 from namespace ci',
      // the end of a URL path is not a name
      '10.0.0.1 - - [01/Jun/2024:10:00:00 +0000] "POST /users/reset_password HTTP/1.1" 200 512',
      // `ENV ` must be Dockerfile's instruction, not the end of another word
      'Missing required variables: RAILS_ENV SECRET_KEY_BASE DATABASE_URL',
      // prose that ends with `password <word>` is not a .netrc line
      'Error: wrong password provided',
      // a placeholder between blanks in an XML element
      '<password> ${env.DB_PASSWORD} </password>',
      // a path in a weak-named element, and non-credential or non-secret attributes
      '<pwd>/home/runner/work/app</pwd>',
      '<add key="Environment" value="Production" />',
      '<add key="Auth" value="Windows" />',
      // a package and its version; keys that identify a row or a cache entry; the id of a key
      'Setting up libsecret-1-0:amd64 (0.20.4-1) ...',
      'CACHE_KEY=linux-node18-5f2a9c0e1b',
      'dynamodb: PARTITION_KEY=user1234 SORT_KEY=order5678',
      'B2_APPLICATION_KEY_ID=0012a3b4c5d6e7f0000000001',
      // a long dotted path whose last segment is about a secret, or is a class or a file
      '--set global.platform.authentication.oidc.providers.github.clientSecretName=github-oauth',
      'org.springframework.security.oauth2.server.resource.authentication.JwtAuthenticationProvider: Authenticated user',
      'at com.example.platform.authentication.oidc.providers.github.TokenService.java:42',
      // code that calls for a secret
      'token = getToken()',
      'password=os.getenv("DB_PASSWORD")',
      '    api_key = secrets.token_hex(16)',
      '  secret = SecureRandom.hex(64).freeze',
      '    password: Faker::Internet.password(min_length: 12),',
      // a prompt: nothing after its opening quote on the line
      'printf "Enter password: "',
      'echo "token: \'"',
      // references whose defaults are references or empty
      'TOKEN=$PREFIX${NPM_TOKEN}',
      'password=${DB_PASSWORD:-$DEFAULT_PASSWORD}',
      '  token: ${GITHUB_TOKEN:-}',
      // a package and its architecture (apt, dpkg)
      'Setting up gir1.2-secret-1:amd64 (0.20.4-1) ...',
      'Unpacking libsecret-1-dev:arm64 (0.20.5-2) ...',
      'Selecting previously unselected package gir1.2-secret-1:amd64.',
      'dpkg: dependency problems prevent configuration of libsecret-tools:i386:',
      // a place in source code after a credential word (a linter's or test runner's grouping)
      'auth: src/auth.ts:42:7',
      'auth: src/auth.ts:42:7 - error TS2345',
      '  token: lib/token.rb:12',
      'password: PasswordValidator.java:57',
      // an empty password quoted with escaped quotes
      'echo -e "[client]\\nuser=root\\npassword=\\"\\"" > .my.cnf',
      // a quote after a key that closes a string (R's shiny), prose after an unclosed quote
      '+   passwordInput("password", "Password:"),',
      'echo "Error: password must be at least 8 characters',
      // a test name longer than any key
      'test auth::tests::login_rejects_an_expired_password_for_users_with_multi_factor_authentication ... ok',
    ])
      it(JSON.stringify(input), () => expect(redactSecrets(input)).to.deep.equal({ text: input, count: 0 }));
  });
});
