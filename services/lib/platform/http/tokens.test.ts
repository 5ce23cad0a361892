import { expect } from 'chai';
import type { HttpProblem } from './problem.js';
import { TokenRegistry } from './tokens.js';

describe('ingest: producer tokens', () => {
  const registry = TokenRegistry.fromConfig(
    'fleet:fleet-token-0123456789:group/a|group/b;admin:admin-token-0123456789:*',
    undefined,
  );
  const status = (fn: () => unknown) => {
    try {
      fn();
      return 200;
    } catch (e) {
      return (e as HttpProblem).problem.status;
    }
  };

  it('authenticates a known Bearer token and names it', () => {
    expect(registry.authenticate('Bearer fleet-token-0123456789')).to.deep.equal({
      name: 'fleet',
      projects: ['group/a', 'group/b'],
    });
  });

  for (const header of [
    undefined,
    '',
    'Basic Zm9vOmJhcg==',
    'Bearer',
    'Bearer wrong-token-0123456789',
    'Bearer fleet-token-012345678',
  ]) {
    it(`401 for Authorization ${JSON.stringify(header)}`, () =>
      expect(status(() => registry.authenticate(header))).to.equal(401));
  }

  it('authorises per project; * means every project', () => {
    const fleet = registry.authenticate('Bearer fleet-token-0123456789');
    expect(status(() => TokenRegistry.authorize(fleet, 'group/a'))).to.equal(200);
    expect(status(() => TokenRegistry.authorize(fleet, 'group/c'))).to.equal(403);
    expect(
      status(() => TokenRegistry.authorize(registry.authenticate('Bearer admin-token-0123456789'), 'anything')),
    ).to.equal(200);
  });

  it('refuses a configuration with a short token or no project', () => {
    expect(() => TokenRegistry.fromConfig('x:short:p', undefined)).to.throw(/at least 16/);
    expect(() => TokenRegistry.fromConfig('x:long-enough-token-123', undefined)).to.throw(/name:token:project/);
  });
});
