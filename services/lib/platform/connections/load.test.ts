import { expect } from 'chai';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConnectionsSource, parseConnections } from './load.js';

const gitlab = {
  name: 'gl',
  system: 'gitlab',
  instance: 'https://GitLab.example.com/',
  external_project: 'group/app',
  project: 'app',
  secret: 'a-webhook-secret-of-16+',
  api_token: 'glpat-xxxxxxxxxxxx',
};

describe('connections in the producer tokens file', () => {
  it('the array form holds producer tokens only', () => {
    expect(parseConnections([{ name: 'p', token: 'x'.repeat(16), projects: ['*'] }])).to.deep.equal([]);
  });

  it('reads a connection with its defaults (API URL, normalised instance)', () => {
    const [c] = parseConnections({
      producers: [],
      connections: [
        gitlab,
        { ...gitlab, name: 'gh', system: 'github', instance: 'https://github.com', api_token: null },
      ],
    });
    expect(c).to.deep.include({
      instance: 'https://gitlab.example.com',
      apiUrl: 'https://gitlab.example.com/api/v4',
      apiToken: 'glpat-xxxxxxxxxxxx',
    });
    expect(
      parseConnections({ connections: [{ ...gitlab, system: 'github', instance: 'https://github.com' }] })[0]!.apiUrl,
    ).to.equal('https://api.github.com');
    expect(
      parseConnections({ connections: [{ ...gitlab, system: 'github', instance: 'https://ghe.example.com' }] })[0]!
        .apiUrl,
    ).to.equal('https://ghe.example.com/api/v3');
  });

  const bad: [string, Record<string, unknown>, RegExp][] = [
    ['a short secret', { secret: 'short' }, /connections\[0\] \("gl"\)\.secret: at least 16/],
    ['an unknown system', { system: 'jenkins' }, /\.system: one of gitlab, github, cdevents/],
    ['an instance that is no URL', { instance: 'gitlab' }, /\.instance:/],
    ['no Verity project', { project: '' }, /\.project:/],
    ['no external project', { external_project: undefined }, /\.external_project:/],
  ];
  for (const [what, change, message] of bad) {
    it(`refuses ${what}, naming the entry and field`, () => {
      expect(() => parseConnections({ connections: [{ ...gitlab, ...change }] })).to.throw(message);
    });
  }

  it('refuses a name used twice', () => {
    expect(() => parseConnections({ connections: [gitlab, gitlab] })).to.throw(/"gl" is used twice/);
  });

  it('re-reads the file when it changes, and keeps the last good connections on a broken edit', async () => {
    const file = join(mkdtempSync(join(tmpdir(), 'conn-')), 'tokens.json');
    writeFileSync(file, JSON.stringify({ connections: [gitlab] }));
    const errors: Error[] = [];
    const source = ConnectionsSource.fromFile(file, { reloadMs: 20, onError: (e) => errors.push(e) });
    try {
      expect(source.current().map((c) => c.secret)).to.deep.equal([gitlab.secret]);
      writeFileSync(file, JSON.stringify({ connections: [{ ...gitlab, secret: 'a-rotated-secret-xyz' }] }));
      await until(() => source.current()[0]?.secret === 'a-rotated-secret-xyz');
      writeFileSync(file, '{"connections": [');
      await until(() => errors.length > 0);
      expect(source.current()[0]!.secret).to.equal('a-rotated-secret-xyz');
    } finally {
      source.close();
    }
  });
});

async function until(ok: () => boolean): Promise<void> {
  for (let i = 0; i < 250 && !ok(); i++) await new Promise((r) => setTimeout(r, 20));
  expect(ok(), 'condition reached').to.equal(true);
}
