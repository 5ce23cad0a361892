import { expect } from 'chai';
import { MASK } from '../redact.js';
import { maskCommandLines } from './cli.js';
import { shellWords } from './words.js';
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

// The command tables, one real command line per entry of commandFlags, as CI logs print them; the expected
// masked line is written out by hand.
const commandCases: { name: string; input: string; output: string; secret?: string }[] = [
  {
    name: 'given sshpass with the password attached (-pPASS), then the password is masked',
    input: `sshpass -p${pw2} ssh deploy@host`,
    output: `sshpass -p${MASK} ssh deploy@host`,
  },
  {
    name: 'given bcp -P, then the password is masked',
    input: `bcp dbo.orders out orders.dat -S db -U sa -P ${pw2} -c`,
    output: `bcp dbo.orders out orders.dat -S db -U sa -P ${MASK} -c`,
  },
  {
    name: 'given zip -P, then the archive password is masked',
    input: `zip -P ${pw2} -r release.zip dist/`,
    output: `zip -P ${MASK} -r release.zip dist/`,
  },
  {
    name: 'given unzip -P, then the archive password is masked',
    input: `unzip -P ${pw2} -o release.zip -d out`,
    output: `unzip -P ${MASK} -o release.zip -d out`,
  },
  {
    name: 'given 7z with -pPASS attached, then the password is masked',
    input: `7z a -p${pw2} -mhe=on backup.7z data`,
    output: `7z a -p${MASK} -mhe=on backup.7z data`,
  },
  {
    name: 'given 7za with -pPASS attached, then the password is masked',
    input: `7za x -p${pw2} backup.7z`,
    output: `7za x -p${MASK} backup.7z`,
  },
  {
    name: 'given mongosh -p, then the password is masked',
    input: `mongosh --host db -u admin -p ${pw2} app`,
    output: `mongosh --host db -u admin -p ${MASK} app`,
  },
  {
    name: 'given twine upload -p, then the password is masked',
    input: `twine upload -u ci -p ${pw2} dist/*`,
    output: `twine upload -u ci -p ${MASK} dist/*`,
  },
  {
    name: 'given curl -U proxy:pass, then the proxy password is masked and the user kept',
    input: `curl -U proxy:${pw2} -x http://proxy:3128 https://example.com`,
    output: `curl -U proxy:${MASK} -x http://proxy:3128 https://example.com`,
  },
  {
    name: 'given curl --proxy-user proxy:pass, then the proxy password is masked',
    input: `curl --proxy-user proxy:${pw2} -x http://proxy:3128 https://example.com`,
    output: `curl --proxy-user proxy:${MASK} -x http://proxy:3128 https://example.com`,
  },
  {
    name: 'given curl --user=user:pass (with =), then only the password is masked',
    input: `curl --user=bob:${pw2} https://x/api`,
    output: `curl --user=bob:${MASK} https://x/api`,
  },
  {
    name: 'given curl --user="user:pass" (with = and quotes), then only the password inside the quotes is masked',
    input: `curl --user="bob:${pw2}" https://x/api`,
    output: `curl --user="bob:${MASK}" https://x/api`,
  },
  {
    name: 'given curl -u :PAT (empty user, as Azure DevOps documents it), then the token is masked',
    input: `curl -u :${pw2} https://dev.azure.com/org/_apis/projects`,
    output: `curl -u :${MASK} https://dev.azure.com/org/_apis/projects`,
  },
  {
    name: 'given curl -u "user":pass (only the user quoted), then the whole password is masked',
    input: `curl -u "admin":${pw2} https://x/api`,
    output: `curl -u "admin":${MASK} https://x/api`,
  },
  {
    name: 'given HTTPie http -a user:pass, then the password is masked',
    input: `http -a bob:${pw2} GET https://api.example.com/x`,
    output: `http -a bob:${MASK} GET https://api.example.com/x`,
  },
  {
    name: 'given HTTPie https --auth user:pass, then the password is masked',
    input: `https --auth bob:${pw2} api.example.com/me`,
    output: `https --auth bob:${MASK} api.example.com/me`,
  },
  {
    name: 'given python -m httpie -a user:pass, then the password is masked',
    input: `python -m httpie -a bob:${pw2} https://api.example.com`,
    output: `python -m httpie -a bob:${MASK} https://api.example.com`,
  },
  {
    name: 'given gh secret set -b, then the secret is masked',
    input: `gh secret set DEPLOY -b ${pw2}`,
    output: `gh secret set DEPLOY -b ${MASK}`,
  },
  {
    name: 'given gh secret set --body=VALUE, then the value after = is masked',
    input: `gh secret set DEPLOY --body=${pw2}`,
    output: `gh secret set DEPLOY --body=${MASK}`,
  },
  {
    name: 'given the command by its path, then its flags are known (/usr/bin/mysql -pPASS)',
    input: `/usr/bin/mysql -u root -p${pw2} app`,
    output: `/usr/bin/mysql -u root -p${MASK} app`,
  },
  {
    name: 'given the command by a quoted path with a space, then its flags are known',
    input: `"/c/Program Files/MySQL/bin/mysql" -u root -p${pw2} app`,
    output: `"/c/Program Files/MySQL/bin/mysql" -u root -p${MASK} app`,
  },
  // what counts as a value
  {
    name: 'given a password with < and > inside, then it is masked whole (only a leading < or > is a redirect)',
    input: `redis-cli -h cache -a 'Q7>x<Lm29a' ping`,
    output: `redis-cli -h cache -a '${MASK}' ping`,
    secret: 'Q7>x<Lm29a',
  },
  {
    name: 'given a password ending in a bracketed part, then it is masked (only a whole [...] is a metavariable)',
    input: 'docker login -u ci --password Rk9x[prod] ghcr.io',
    output: `docker login -u ci --password ${MASK} ghcr.io`,
    secret: 'Rk9x[prod]',
  },
  {
    name: 'given an unquoted password that starts and ends with the same letter, then all of it is masked',
    input: 'redis-cli -h cache -a s3cr3tPass ping',
    output: `redis-cli -h cache -a ${MASK} ping`,
    secret: 's3cr3tPass',
  },
  {
    name: 'given a keystore password containing pass:, then all of it is masked (only a leading pass: is a prefix)',
    input: 'keytool -importkeystore -srcstorepass Compass:2024! -destkeystore k.p12',
    output: `keytool -importkeystore -srcstorepass ${MASK} -destkeystore k.p12`,
    secret: 'Compass:2024!',
  },
  {
    name: 'given a keystore password containing env:, then it is masked (only a leading env: is a reference)',
    input: 'keytool -list -keystore k.jks -storepass Prodenv:2024x',
    output: `keytool -list -keystore k.jks -storepass ${MASK}`,
    secret: 'Prodenv:2024x',
  },
  {
    name: 'given a -passin password that starts with stdin, then it is masked (only stdin itself reads stdin)',
    input: 'openssl pkcs12 -in c.p12 -passin stdin2024Key -nokeys',
    output: `openssl pkcs12 -in c.p12 -passin ${MASK} -nokeys`,
    secret: 'stdin2024Key',
  },
  {
    name: 'given a -passin password that ends with stdin, then it is masked',
    input: 'openssl pkcs12 -in c.p12 -passin Key2024stdin -nokeys',
    output: `openssl pkcs12 -in c.p12 -passin ${MASK} -nokeys`,
    secret: 'Key2024stdin',
  },
  // echo/printf into a command that reads stdin
  {
    name: 'given echo -n PASS | … --password-stdin, then the password is masked and -n kept',
    input: `echo -n "${pw2}" | docker login -u ci --password-stdin reg`,
    output: `echo -n "${MASK}" | docker login -u ci --password-stdin reg`,
  },
  {
    name: 'given echo -ne PASS | … --password-stdin, then -ne is kept as an option',
    input: `echo -ne "${pw2}" | docker login -u ci --password-stdin reg`,
    output: `echo -ne "${MASK}" | docker login -u ci --password-stdin reg`,
  },
  {
    name: 'given printf PASS (no format) | … --password-stdin, then the password is masked',
    input: `printf '${pw2}' | helm registry login r --password-stdin`,
    output: `printf '${MASK}' | helm registry login r --password-stdin`,
  },
  {
    name: 'given an echoed password ending in -e, then it is masked (echo options are whole words)',
    input: 'echo Q7m-vault-nene | docker login -u ci --password-stdin reg',
    output: `echo ${MASK} | docker login -u ci --password-stdin reg`,
    secret: 'Q7m-vault-nene',
  },
  {
    name: 'given an echoed password starting with -e, then it is masked (echo prints it as it is)',
    input: 'echo -e9Lk2xQ7 | docker login -u ci --password-stdin reg',
    output: `echo ${MASK} | docker login -u ci --password-stdin reg`,
    secret: '-e9Lk2xQ7',
  },
  // positional credentials after flags
  {
    name: 'given htpasswd -b with more flags before the file, then the password (not the user) is masked',
    input: `htpasswd -c -b -B /etc/nginx/.htpasswd admin ${pw2}`,
    output: `htpasswd -c -b -B /etc/nginx/.htpasswd admin ${MASK}`,
  },
];

describe('command-line rules: the command tables', () => {
  for (const c of commandCases)
    it(c.name, () =>
      expectCaughtBy('command-lines', { name: c.name, input: c.input, secrets: [c.secret ?? pw2], output: c.output }),
    );

  it('given two command lines, then each is masked on its own line (the first ends with its password)', () => {
    const r = maskCommandLines(`sshpass -p ${pw}\nsshpass -p ${pw2} ssh host`);
    expect(r).to.deep.equal({ text: `sshpass -p ${MASK}\nsshpass -p ${MASK} ssh host`, count: 2 });
  });

  describe('given arguments that are not credentials, then they are left alone', () => {
    for (const [why, input] of [
      ['an empty password ""', 'mysql -u root --password "" app'],
      [
        'mysql --password with no value prompts; the next flag is not its value',
        'mysql --user root --password --host db app',
      ],
      ['scp -P is a port', 'scp -P 2222 dist.zip deploy@host:/srv/'],
      ['ls -a is not redis-cli -a', 'ls -a mysql-data'],
      ['docker run -u uid:gid is not curl -u', 'docker run -u 1000:1000 mysql:8'],
      ['docker run --publish=host:container is not a user:password', 'docker run --publish=3306:3306 mysql:8'],
      ['docker run -p=host:container, even with mysql named', 'docker run -p=3306:3306 mysql'],
      [
        'a flag whose path ends in mysql does not make the command mysql',
        'docker run --mount=type=volume,dst=/var/lib/mysql -p3306:3306 percona:8',
      ],
      ['git checkout -b is a branch name', 'git checkout -b login-page'],
      [
        'gh variable set --body is a plain variable, not a secret',
        'gh variable set LOGIN_URL --body https://sso.example.com/login',
      ],
      ['curl -u USER without a password prompts for it', 'curl -u deploy https://nexus.example.com/upload'],
      ['htpasswd without -b prompts for the password', 'htpasswd -c /etc/nginx/.htpasswd admin'],
      [
        'a user name that looks like a token is not a password',
        'docker login --username deploy2024 --password-stdin registry.example.com',
      ],
      ['echo into a command that does not read a password', 'echo Preparing login | tee -a build.log'],
      [
        'cat of a file into --password-stdin: only a file name',
        'cat ~/.docker/token | docker login -u ci --password-stdin registry',
      ],
      ['a here-string into a command that reads no password', 'cut -d. -f1 <<< 1.24.3'],
      ['a here-string operator with nothing after it', 'gh auth login --with-token <<<'],
      ['a help text metavariable in brackets', '      --password [<password>]   password for the registry'],
    ] as const)
      it(`${why}: ${JSON.stringify(input)}`, () => expectLeftAlone(input));
  });
});

describe('shellWords', () => {
  it('given trailing blanks, then no empty word is added', () => {
    expect(shellWords('docker login  \t').map((w) => w.raw)).to.deep.equal(['docker', 'login']);
  });

  it('given tabs between words, then a tab separates words like a space', () => {
    expect(shellWords('mysql\t-u\troot').map((w) => [w.raw, w.start, w.end])).to.deep.equal([
      ['mysql', 0, 5],
      ['-u', 6, 8],
      ['root', 9, 13],
    ]);
  });

  it('given an unterminated quote, then the word runs to the end of the line', () => {
    expect(shellWords(`echo "not closed -p x`).map((w) => w.raw)).to.deep.equal(['echo', '"not closed -p x']);
  });
});
