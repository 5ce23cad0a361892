import { expect } from 'chai';
import { MASK } from '../redact.js';
import { maskCommandLines, shellWords } from './cli.js';
import { expectCaughtBy, expectLeftAlone } from './expect.js';

const pw = 'Tr0ub4dor&3x';
const pw2 = 'Falcon472!Ve6';

// Each case is caught by the command-line family and by no other (expectCaughtBy checks both).
const cases: { name: string; input: string; output: string; secret?: string }[] = [
  // a long flag whose name says password/token/secret takes the next word
  {
    name: 'docker login --password',
    input: `docker login --username ci --password ${pw2} ghcr.io`,
    output: `docker login --username ci --password ${MASK} ghcr.io`,
  },
  {
    name: 'helm repo add --password',
    input: `helm repo add c https://charts --username u --password ${pw2}`,
    output: `helm repo add c https://charts --username u --password ${MASK}`,
  },
  {
    name: 'mysql --password (space)',
    input: `mysql -h db --password ${pw2} app`,
    output: `mysql -h db --password ${MASK} app`,
  },
  {
    name: 'weak flag with a credential-shaped value',
    input: 'az storage blob upload --account-key Zm9vYmFyYmF6MTIzNDU2Nzg5MA== -f x',
    output: `az storage blob upload --account-key ${MASK} -f x`,
    secret: 'Zm9vYmFyYmF6MTIzNDU2Nzg5MA==',
  },
  // -p after a login subcommand
  {
    name: 'docker login -p',
    input: `$ docker login -u admin -p ${pw2} harbor.example.com`,
    output: `$ docker login -u admin -p ${MASK} harbor.example.com`,
  },
  {
    name: 'oc login -p',
    input: `oc login https://api:6443 -u dev -p "${pw2}"`,
    output: `oc login https://api:6443 -u dev -p "${MASK}"`,
  },
  // mysql's attached -pPASSWORD
  { name: 'mysql -pPASSWORD', input: `mysql -u root -p${pw2} -h db app`, output: `mysql -u root -p${MASK} -h db app` },
  {
    name: "mysqladmin -p'PASSWORD'",
    input: `mysqladmin -u root -p'${pw2}' ping`,
    output: `mysqladmin -u root -p'${MASK}' ping`,
  },
  // command-specific short flags
  { name: 'sshpass -p', input: `sshpass -p ${pw2} ssh deploy@host`, output: `sshpass -p ${MASK} ssh deploy@host` },
  {
    name: 'sqlcmd -P',
    input: `sqlcmd -S db -U sa -P ${pw2} -Q "SELECT 1"`,
    output: `sqlcmd -S db -U sa -P ${MASK} -Q "SELECT 1"`,
  },
  { name: 'redis-cli -a', input: `redis-cli -h cache -a ${pw2} ping`, output: `redis-cli -h cache -a ${MASK} ping` },
  { name: 'curl -u user:pass', input: `curl -u bob:${pw2} https://x/api`, output: `curl -u bob:${MASK} https://x/api` },
  {
    name: 'curl --user "user:pass"',
    input: `curl --user "bob:${pw2}" https://x`,
    output: `curl --user "bob:${MASK}" https://x`,
  },
  {
    name: 'gh secret set --body',
    input: `gh secret set TOKEN --body "${pw2}"`,
    output: `gh secret set TOKEN --body "${MASK}"`,
  },
  // keytool/openssl word flags
  {
    name: 'keytool -storepass',
    input: `keytool -list -keystore k.jks -storepass ${pw2}`,
    output: `keytool -list -keystore k.jks -storepass ${MASK}`,
  },
  {
    name: 'openssl -passout pass:',
    input: `openssl pkcs12 -export -passout pass:${pw2} -out c.p12`,
    output: `openssl pkcs12 -export -passout pass:${MASK} -out c.p12`,
  },
  // echo/printf into --password-stdin, here-strings into --with-token
  {
    name: 'echo | docker login --password-stdin',
    input: `echo "${pw2}" | docker login -u ci --password-stdin reg`,
    output: `echo "${MASK}" | docker login -u ci --password-stdin reg`,
  },
  {
    name: "printf '%s' | --password-stdin",
    input: `printf '%s' '${pw2}' | helm registry login r --password-stdin`,
    output: `printf '%s' '${MASK}' | helm registry login r --password-stdin`,
  },
  {
    name: '<<< into --with-token',
    input: `gh auth login --with-token <<< ${pw2}`,
    output: `gh auth login --with-token <<< ${MASK}`,
  },
  // positional credentials
  {
    name: 'poetry config http-basic',
    input: `poetry config http-basic.private app ${pw2}`,
    output: `poetry config http-basic.private app ${MASK}`,
  },
  { name: 'htpasswd -b', input: `htpasswd -bc .htpasswd admin ${pw2}`, output: `htpasswd -bc .htpasswd admin ${MASK}` },
  { name: 'rabbitmqctl add_user', input: `rabbitmqctl add_user ci ${pw2}`, output: `rabbitmqctl add_user ci ${MASK}` },
  {
    name: 'mc alias set',
    input: `mc alias set s3 https://s3.example.com AKIDX${pw} ${pw2}`,
    output: `mc alias set s3 https://s3.example.com ${MASK} ${MASK}`,
  },
];

describe('command-line rules', () => {
  for (const c of cases)
    it(c.name, () =>
      expectCaughtBy('command-lines', { name: c.name, input: c.input, secrets: [c.secret ?? pw2], output: c.output }),
    );

  describe('leaves alone', () => {
    for (const input of [
      'docker login -u "$CI_REGISTRY_USER" -p "$CI_REGISTRY_PASSWORD" $CI_REGISTRY',
      'docker run -p 8080:80 -p 443:443 nginx',
      'mysql -u root -p app < dump.sql',
      '  -p, --password string   Password',
      '      --password-stdin    Take the password from stdin',
      '  --token TOKEN         API token',
      'docker login --password-file /run/secrets/registry',
      'docker buildx build --secret id=npmrc,src=$HOME/.npmrc .',
      'echo "$PASSWORD" | docker login --password-stdin',
      'echo hello | wc -c',
      'curl -u "$USER:$PASS" https://example.com',
      'openssl rsa -passin env:KEY_PASS -in k.pem',
      'Usage: mysql [OPTIONS] [database] -p, --password[=name] Password to use',
    ])
      it(JSON.stringify(input), () => expectLeftAlone(input));
  });

  it('splits words keeping quoted stretches together', () => {
    expect(shellWords(`a "b c" -p'd e' f`).map((w) => w.raw)).to.deep.equal(['a', '"b c"', "-p'd e'", 'f']);
  });

  it('keeps offsets on multi-line text', () => {
    const r = maskCommandLines(`line one\ncurl -u a:${pw} x\nline three`);
    expect(r.text).to.equal(`line one\ncurl -u a:${MASK} x\nline three`);
  });
});
