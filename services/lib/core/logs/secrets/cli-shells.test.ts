// Command lines in the shapes CI logs print them beyond a bare command: a password-taking flag's value
// changing which positional word is the password (htpasswd), a command inside `sh -c '…'`, a Windows
// `.exe`, curl's attached forms, an attached `login -pPASS`, and a container command after `docker run`'s own
// flags. Each expected line is written out by hand.
import { expect } from 'chai';
import { MASK, redactSecrets } from '../redact.js';
import { expectCaughtBy, expectLeftAlone } from './expect.js';

const pw = 'Falcon472!Ve6';

const cases: { name: string; input: string; output: string; secret?: string }[] = [
  // 1. htpasswd: -n (no file) and the value of -C/-r decide which positional word is the password
  {
    name: 'htpasswd -Bbn USER PASS (no file: the password is the second word)',
    input: `htpasswd -Bbn admin ${pw}`,
    output: `htpasswd -Bbn admin ${MASK}`,
  },
  {
    name: 'htpasswd -nb USER PASS, redirected to a file',
    input: `htpasswd -nb ci ${pw} > auth/htpasswd`,
    output: `htpasswd -nb ci ${MASK} > auth/htpasswd`,
  },
  {
    name: 'htpasswd -n -b -B as separate flags',
    input: `htpasswd -n -b -B deploy ${pw}`,
    output: `htpasswd -n -b -B deploy ${MASK}`,
  },
  {
    name: 'htpasswd -bBC 10 FILE USER PASS (the cost is the value of -C, not a word)',
    input: `htpasswd -bBC 10 /etc/nginx/.htpasswd admin ${pw}`,
    output: `htpasswd -bBC 10 /etc/nginx/.htpasswd admin ${MASK}`,
  },
  {
    name: 'htpasswd -bBC12 -n USER PASS (the cost attached)',
    input: `htpasswd -bBC12 -n admin ${pw}`,
    output: `htpasswd -bBC12 -n admin ${MASK}`,
  },
  {
    name: 'htpasswd -b -5 -r 10000 FILE USER PASS (the rounds of -r)',
    input: `htpasswd -b -5 -r 10000 .htpasswd admin ${pw}`,
    output: `htpasswd -b -5 -r 10000 .htpasswd admin ${MASK}`,
  },
  {
    name: 'htpasswd as the entrypoint of docker run (the registry docs)',
    input: `docker run --rm --entrypoint htpasswd httpd:2 -Bbn testuser ${pw} > auth/htpasswd`,
    output: `docker run --rm --entrypoint htpasswd httpd:2 -Bbn testuser ${MASK} > auth/htpasswd`,
  },
  {
    name: 'htpasswd as the command of docker run',
    input: `docker run --rm httpd:2.4-alpine htpasswd -Bbn testuser ${pw}`,
    output: `docker run --rm httpd:2.4-alpine htpasswd -Bbn testuser ${MASK}`,
  },
  // 2. a command inside sh -c / bash -c / su -c
  {
    name: "sh -c 'mysql -uroot -pPASS db'",
    input: `sh -c 'mysql -uroot -p${pw} db'`,
    output: `sh -c 'mysql -uroot -p${MASK} db'`,
  },
  {
    name: 'bash -c "mysql … -pPASS"',
    input: `bash -c "mysql -h db -uroot -p${pw} app < seed.sql"`,
    output: `bash -c "mysql -h db -uroot -p${MASK} app < seed.sql"`,
  },
  {
    name: 'bash -lc with a pipeline inside',
    input: `bash -lc 'echo ${pw} | docker login -u ci --password-stdin reg'`,
    output: `bash -lc 'echo ${MASK} | docker login -u ci --password-stdin reg'`,
  },
  {
    name: 'su - USER -c "…"',
    input: `su - app -c "redis-cli -a ${pw} ping"`,
    output: `su - app -c "redis-cli -a ${MASK} ping"`,
  },
  {
    name: 'su -c "…" USER',
    input: `su -c "sshpass -p ${pw} scp a host:" deploy`,
    output: `su -c "sshpass -p ${MASK} scp a host:" deploy`,
  },
  {
    name: 'sh -c inside docker exec',
    input: `docker exec -i db sh -c 'mysqldump -uroot -p${pw} app' > dump.sql`,
    output: `docker exec -i db sh -c 'mysqldump -uroot -p${MASK} app' > dump.sql`,
  },
  {
    name: 'sudo sh -c with a positional credential inside',
    input: `sudo sh -c "htpasswd -bc /etc/nginx/.htpasswd admin ${pw}"`,
    output: `sudo sh -c "htpasswd -bc /etc/nginx/.htpasswd admin ${MASK}"`,
  },
  {
    name: 'cmd /c "…"',
    input: `cmd /c "sqlcmd -S db -U sa -P ${pw} -i init.sql"`,
    output: `cmd /c "sqlcmd -S db -U sa -P ${MASK} -i init.sql"`,
  },
  {
    name: 'ssh HOST "…" (the remote command)',
    input: `ssh -p 2222 -i ~/.ssh/deploy deploy@db.example.com "mysqldump -uroot -p${pw} app | gzip > app.sql.gz"`,
    output: `ssh -p 2222 -i ~/.ssh/deploy deploy@db.example.com "mysqldump -uroot -p${MASK} app | gzip > app.sql.gz"`,
  },
  {
    name: "ssh -o Opt HOST '…' with a sudo inside",
    input: `ssh -o StrictHostKeyChecking=no ci@web 'sudo htpasswd -b /etc/nginx/.htpasswd ops ${pw}'`,
    output: `ssh -o StrictHostKeyChecking=no ci@web 'sudo htpasswd -b /etc/nginx/.htpasswd ops ${MASK}'`,
  },
  // 3. Windows executables
  { name: 'mysql.exe -pPASS', input: `mysql.exe -uroot -p${pw} app`, output: `mysql.exe -uroot -p${MASK} app` },
  {
    name: 'sqlcmd.exe -P PASS',
    input: `sqlcmd.exe -S srv -U sa -P ${pw}`,
    output: `sqlcmd.exe -S srv -U sa -P ${MASK}`,
  },
  {
    name: 'SQLCMD.EXE in upper case',
    input: `SQLCMD.EXE -S srv -U sa -P ${pw} -i init.sql`,
    output: `SQLCMD.EXE -S srv -U sa -P ${MASK} -i init.sql`,
  },
  {
    name: 'a quoted Windows path to mysql.exe',
    input: `"C:\\Program Files\\MySQL\\MySQL Server 8.0\\bin\\mysql.exe" -uroot -p${pw} -e "SELECT 1"`,
    output: `"C:\\Program Files\\MySQL\\MySQL Server 8.0\\bin\\mysql.exe" -uroot -p${MASK} -e "SELECT 1"`,
  },
  {
    name: 'PowerShell call operator with a Windows path',
    input: `& 'C:\\tools\\redis\\redis-cli.exe' -h cache -a ${pw} ping`,
    output: `& 'C:\\tools\\redis\\redis-cli.exe' -h cache -a ${MASK} ping`,
  },
  {
    name: 'a .cmd wrapper (az.cmd login -p)',
    input: `az.cmd login --service-principal -u app -p ${pw} --tenant t`,
    output: `az.cmd login --service-principal -u app -p ${MASK} --tenant t`,
  },
  {
    name: 'curl.exe -u',
    input: `curl.exe -u bob:${pw} https://x/api`,
    output: `curl.exe -u bob:${MASK} https://x/api`,
  },
  // 4. curl's attached and quoted forms
  { name: 'curl -uUSER:PASS', input: `curl -ubob:${pw} https://x/api`, output: `curl -ubob:${MASK} https://x/api` },
  {
    name: 'curl -u"USER:PASS"',
    input: `curl -u"bob:${pw}" https://x/api`,
    output: `curl -u"bob:${MASK}" https://x/api`,
  },
  {
    name: 'curl -fsSLu USER:PASS (clustered flags)',
    input: `curl -fsSLu bob:${pw} https://x/api`,
    output: `curl -fsSLu bob:${MASK} https://x/api`,
  },
  {
    name: 'curl -sSubob:PASS (clustered and attached)',
    input: `curl -sSubob:${pw} https://x/api`,
    output: `curl -sSubob:${MASK} https://x/api`,
  },
  {
    name: 'curl -Uproxy:PASS',
    input: `curl -Uproxy:${pw} -x http://proxy:3128 https://x`,
    output: `curl -Uproxy:${MASK} -x http://proxy:3128 https://x`,
  },
  {
    name: 'curl -u "$USER:PASS" (a reference for the user, a literal password)',
    input: `curl -u "$USER:${pw}" https://x/api`,
    output: `curl -u "$USER:${MASK}" https://x/api`,
  },
  {
    name: 'curl -u "${NEXUS_USER}:PASS"',
    input: `curl -u "\${NEXUS_USER}:${pw}" --upload-file a.jar https://nexus/x`,
    output: `curl -u "\${NEXUS_USER}:${MASK}" --upload-file a.jar https://nexus/x`,
  },
  // 5. login with an attached -pPASS
  {
    name: 'docker login -u ci -pPASS',
    input: `docker login -u ci -p${pw} registry.example.com`,
    output: `docker login -u ci -p${MASK} registry.example.com`,
  },
  {
    name: "podman login -p'PASS'",
    input: `podman login -u ci -p'${pw}' quay.io`,
    output: `podman login -u ci -p'${MASK}' quay.io`,
  },
  {
    name: 'helm registry login -pPASS',
    input: `helm registry login r.example.com -u ci -p${pw}`,
    output: `helm registry login r.example.com -u ci -p${MASK}`,
  },
  // 6. the container's command after docker run's own flags is still read
];

// Already masked before the rules above were reshaped (the container split, the positional parser): kept so
// that the reshaping cannot lose them.
const guards: typeof cases = [
  {
    name: 'htpasswd -C 12 -bB FILE USER PASS (separate -C)',
    input: `htpasswd -C 12 -bB .htpasswd admin ${pw}`,
    output: `htpasswd -C 12 -bB .htpasswd admin ${MASK}`,
  },
  {
    name: 'htpasswd -vb FILE USER PASS (verify)',
    input: `htpasswd -vb .htpasswd admin ${pw}`,
    output: `htpasswd -vb .htpasswd admin ${MASK}`,
  },
  {
    name: 'curl --user %USER%:PASS (Windows)',
    input: `curl --user %USER%:${pw} https://x/api`,
    output: `curl --user %USER%:${MASK} https://x/api`,
  },
  {
    name: 'docker login -p=PASS',
    input: `docker login -u ci -p=${pw} registry.example.com`,
    output: `docker login -u ci -p=${MASK} registry.example.com`,
  },
  {
    name: 'docker login -p PASS',
    input: `docker login -u ci -p ${pw} registry.example.com`,
    output: `docker login -u ci -p ${MASK} registry.example.com`,
  },
  {
    name: 'docker run … mysql:8 mysql -pPASS',
    input: `docker run --rm --network ci -e TZ=UTC mysql:8 mysql -h db -uroot -p${pw} app`,
    output: `docker run --rm --network ci -e TZ=UTC mysql:8 mysql -h db -uroot -p${MASK} app`,
  },
  {
    name: 'docker run curlimages/curl -u (the image is the command)',
    input: `docker run --rm curlimages/curl -fsS -u bob:${pw} https://x/api`,
    output: `docker run --rm curlimages/curl -fsS -u bob:${MASK} https://x/api`,
  },
  {
    name: 'docker compose run SERVICE mysql -pPASS',
    input: `docker compose run --rm -T db mysql -h db -uroot -p${pw}`,
    output: `docker compose run --rm -T db mysql -h db -uroot -p${MASK}`,
  },
];

describe('command-line rules: shells, Windows names, attached forms, containers', () => {
  for (const c of [...cases, ...guards])
    it(c.name, () =>
      expectCaughtBy('command-lines', { name: c.name, input: c.input, secrets: [c.secret ?? pw], output: c.output }),
    );

  describe('given words that are not credentials, then they are left alone', () => {
    for (const [why, input] of [
      // 1. htpasswd
      ['htpasswd -n without -b prompts', 'htpasswd -nB admin'],
      ['htpasswd -iBn reads the password from stdin', 'htpasswd -iBn admin < pw.txt'],
      ['htpasswd -D deletes a user', 'htpasswd -D .htpasswd admin'],
      ['htpasswd -bBC 10 with the password missing', 'htpasswd -bBC 10 .htpasswd admin'],
      // 2. shells
      ['sh -c with a reference', `sh -c 'mysql -uroot -p"$MYSQL_ROOT_PASSWORD" app'`],
      ['bash -c of an ordinary command', `bash -c "npm ci && npm test"`],
      ['sh -c with a port mapping inside docker run', `sh -c 'docker run -d -p3306:3306 mariadb:11'`],
      ['ssh -p is a port, and its remote command has no secret', `ssh -p 2222 deploy@host "systemctl restart app"`],
      ['a quoted commit message is not a command', 'git commit -m "fix login -p flag"'],
      // 3. Windows
      ['a .exe that is not a listed command', 'scp.exe -P 2222 a.zip deploy@host:/srv/'],
      ['mysqld.exe is the server', 'mysqld.exe --console -P 3307'],
      // 4. curl
      ['curl -u "$USER:$PASS"', 'curl -u "$USER:$PASS" https://x'],
      ['curl -u"${U}:${P}"', 'curl -u"${U}:${P}" https://x'],
      ['curl -uUSER alone prompts', 'curl -udeploy https://nexus/x'],
      ['curl -XPOST is a method, not a user', 'curl -sSXPOST https://x/api/login:reset'],
      ['curl -o with a colon in the name', 'curl -fsSLo out:1.txt https://x'],
      // 5. login
      ['docker login -p$VAR', 'docker login -u ci -p$CI_REGISTRY_PASSWORD $CI_REGISTRY'],
      // 6. docker run's own flags
      ['docker run -d -p3306:3306 mariadb', 'docker run -d -p3306:3306 mariadb'],
      ['docker run -p 3306:3306 mysql (spaced)', 'docker run -d -p 3306:3306 --name db mysql'],
      ['podman run -p5432:5432 with mariadb named', 'podman run -dt -p3306:3306 docker.io/library/mariadb:11'],
      ['docker run -u uid:gid with curl as the image', 'docker run --rm -u 1000:1000 curlimages/curl https://x'],
      ['docker create -p with mysql', 'docker create -p3307:3306 --name db2 mysql:8.0'],
      ['docker exec -u with curl inside', 'docker exec -u 0:0 web curl -fsS http://localhost/health'],
      ['docker compose run -p with a mysql service', 'docker compose run -p3306:3306 --rm mysql'],
    ] as const)
      it(`${why}: ${JSON.stringify(input)}`, () => expectLeftAlone(input));
  });

  // No timing threshold, as in redact.test.ts: a rule that backtracks or rescans takes minutes on 1 MB.
  it('finishes on 1 MB lines of the shapes these rules parse (linear time)', function () {
    this.timeout(120_000);
    for (const unit of [
      'sh -c "',
      "bash -c 'mysql -p",
      `sh -c "sh -c 'sh -c `,
      'su -c ',
      'ssh -p 1 h "',
      'ssh h \'ssh h "ssh h ',
      'docker run ',
      'docker run -p 1:1 ',
      'docker run --entrypoint ',
      'curl -fsSLu',
      'curl -u "$U:',
      'curl -u ${a:',
      'htpasswd -bBC 1 ',
      'htpasswd -Bbn a ',
      'login -pa ',
      'a.exe ',
      'C:\\a\\',
    ]) {
      const input = unit.repeat(Math.ceil(1_000_000 / unit.length));
      expect(redactSecrets(input).text.split('\n').length, JSON.stringify(unit)).to.equal(1);
    }
  });
});
