// `verity import` as commander parses it: the system, the required options, --since checked before anything
// runs, --no-logs and --rate; and which connection of a tokens file it takes.
import { expect } from 'chai';
import type { Connection } from '../../../lib/platform/connections/connection.js';
import { chooseConnection, parseSince } from '../../import/index.js';
import { parse } from '../parse-harness.js';

describe('verity import: parsing', () => {
  it('takes the system, the project, since, a connection, --no-logs and --rate', async () => {
    const r = await parse(['import', 'gitlab', '--project', 'p', '--since', '7d']);
    expect([r.code, r.command, r.opts]).to.deep.equal([
      0,
      'import',
      { system: 'gitlab', project: 'p', since: '7d', connection: undefined, logs: true, rate: 5 },
    ]);
    const s = await parse([
      'import',
      'github',
      '--project=p',
      '--since=2025-01-01',
      '--connection',
      'hub',
      '--no-logs',
    ]);
    expect(s.opts).to.deep.include({ system: 'github', connection: 'hub', logs: false, since: '2025-01-01' });
  });

  const refused: [string[], RegExp][] = [
    [
      ['import', 'jenkins', '--project', 'p', '--since', '7d'],
      /value 'jenkins' is invalid for argument 'system'. Allowed choices are gitlab, github/,
    ],
    [['import', 'gitlab', '--since', '7d'], /required option '--project <project>' not specified/],
    [
      ['import', 'gitlab', '--project', 'p', '--since', 'last week'],
      /'--since <when>' argument 'last week' is invalid/,
    ],
    [['import', 'gitlab', '--project', 'p', '--since', '7d', '--rate', '0'], /'--rate <requests\/s>' argument '0'/],
  ];
  for (const [args, message] of refused)
    it(`refuses verity ${args.join(' ')} (exit 2)`, async () => {
      const r = await parse(args);
      expect(r.code).to.equal(2);
      expect(r.stderr).to.match(message);
    });

  it('reads --since as an ISO time or a span back from now', () => {
    const now = Date.parse('2030-01-10T12:00:00Z');
    expect(parseSince('7d', now)).to.equal('2030-01-03T12:00:00.000Z');
    expect(parseSince('12h', now)).to.equal('2030-01-10T00:00:00.000Z');
    expect(parseSince('2030-01-01', now)).to.equal('2030-01-01T00:00:00.000Z');
    expect(parseSince('2030-01-01T06:00:00+02:00', now)).to.equal('2030-01-01T04:00:00.000Z');
    expect(() => parseSince('2031-01-01', now)).to.throw(/in the future/);
  });

  it('takes the one connection of the system and project, or the one named; refuses what cannot be imported', () => {
    const c = (over: Partial<Connection>): Connection => ({
      name: 'a',
      system: 'gitlab',
      instance: 'https://gitlab.example.com',
      externalProject: 'g/app',
      project: 'p',
      secret: 'x'.repeat(16),
      apiToken: 't',
      apiUrl: 'https://gitlab.example.com/api/v4',
      ...over,
    });
    const all = [c({}), c({ name: 'b', externalProject: 'g/lib' }), c({ name: 'hub', system: 'github' })];
    expect(chooseConnection(all, { system: 'github', project: 'p' }).name).to.equal('hub');
    expect(() => chooseConnection(all, { system: 'gitlab', project: 'p' })).to.throw(
      /2 gitlab connections for project p \(a, b\): name one with --connection/,
    );
    expect(chooseConnection(all, { system: 'gitlab', project: 'p', name: 'b' }).externalProject).to.equal('g/lib');
    expect(() => chooseConnection(all, { system: 'gitlab', project: 'q' })).to.throw(
      /no gitlab connection for project q/,
    );
    expect(() => chooseConnection([c({ externalProject: '*' })], { system: 'gitlab', project: 'p' })).to.throw(
      /stands for every project \(\*\)/,
    );
    expect(() => chooseConnection([c({ apiToken: null })], { system: 'gitlab', project: 'p' })).to.throw(
      /no api_token/,
    );
  });
});
