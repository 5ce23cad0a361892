import { expect } from 'chai';
import { bool, ConfigError, int, intFromEnv, list, num, oneOf, onOff, readEnv, str, url } from './env-spec.js';
import type { Var } from './env-spec.js';

type Case = { kind: string; v: Var<unknown>; unset: unknown; valid: [string, unknown]; bad: string[] };

// Per kind: the value when unset or empty, a valid value read, and bad ones refused with the variable's name.
const kinds: Case[] = [
  { kind: 'int', v: int('', { default: 5, min: 1, max: 10 }), unset: 5, valid: ['10', 10], bad: ['0', '11', '2.5'] },
  { kind: 'int without default', v: int('', { max: 9 }), unset: undefined, valid: ['9', 9], bad: ['0', '1e3x'] },
  { kind: 'number', v: num('', { default: 0, unit: 'USD' }), unset: 0, valid: ['0.25', 0.25], bad: ['-1', 'cheap'] },
  { kind: 'string', v: str('', { default: 'a' }), unset: 'a', valid: [' b ', ' b '], bad: [] },
  { kind: 'url', v: url('', { default: 'http://h' }), unset: 'http://h', valid: ['http://x/', 'http://x'], bad: ['x'] },
  { kind: 'list', v: list(''), unset: [], valid: ['a, b,,', ['a', 'b']], bad: [] },
  { kind: 'enum', v: oneOf('', { values: ['x', 'y'], default: 'x' }), unset: 'x', valid: ['y', 'y'], bad: ['Y', 'z'] },
  { kind: 'on/off', v: onOff('', { default: true }), unset: true, valid: ['off', false], bad: ['false', 'ON'] },
  { kind: 'bool', v: bool('', { default: false }), unset: false, valid: [' Yes', true], bad: ['2', 'maybe'] },
];

const read = (v: Var<unknown>, raw?: string) => readEnv({ X_VAR: v }, { X_VAR: raw }).X_VAR;

function message(v: Var<unknown>, raw: string): string | undefined {
  try {
    v.parse('X', raw);
  } catch (e) {
    return (e as Error).message;
  }
}

describe('config: env spec', () => {
  for (const { kind, v, unset, valid, bad } of kinds) {
    describe(kind, () => {
      it(`unset or empty: ${JSON.stringify(unset)}`, () => {
        expect(read(v)).to.deep.equal(unset);
        expect(read(v, '')).to.deep.equal(unset);
      });
      it(`reads ${JSON.stringify(valid[0])}`, () => expect(read(v, valid[0])).to.deep.equal(valid[1]));
      for (const raw of bad) {
        it(`refuses ${JSON.stringify(raw)}, naming the variable and the value`, () => {
          expect(() => read(v, raw))
            .to.throw(ConfigError)
            .with.property('message')
            .that.matches(/^X_VAR must /)
            .and.contains(`got "${raw}"`);
        });
      }
    });
  }

  it('says what a bad value should have been, in the words the loaders always used', () => {
    expect(message(int('', { default: 1, min: 0, max: 65535 }), '70000')).to.equal(
      'X must be an integer in [0, 65535], got "70000"',
    );
    expect(message(oneOf('', { values: ['a', 'b'], default: 'a' }), 'c')).to.equal('X must be one of a, b, got "c"');
    expect(message(onOff('', { default: true }), 'no')).to.equal('X must be on or off, got "no"');
    expect(message(bool('', { default: true }), 'no way')).to.equal('X must be true or false, got "no way"');
    expect(message(num('', { default: 0, unit: 'USD' }), '-1')).to.equal(
      'X must be a non-negative number (USD), got "-1"',
    );
  });

  it('documents the default, the values and secrets', () => {
    expect(int('', { default: 8090, min: 0, max: 65535 })).to.include({
      shownDefault: '`8090`',
      allowed: 'integer 0–65535',
    });
    expect(int('', { default: 1000 })).to.include({ allowed: 'integer ≥ 1' });
    expect(str('', { defaultText: '`decider-<pid>`' })).to.include({ shownDefault: '`decider-<pid>`', secret: false });
    expect(str('', { secret: true })).to.include({ shownDefault: undefined, secret: true });
    expect(list('', { default: ['a:1', 'b:2'] }).shownDefault).to.equal('`a:1,b:2`');
  });

  it('intFromEnv reads one integer by the same rules', () => {
    expect(intFromEnv({}, 'N', 7)).to.equal(7);
    expect(intFromEnv({ N: '0' }, 'N', 7, 0)).to.equal(0);
    expect(() => intFromEnv({ N: '0' }, 'N', 7)).to.throw(ConfigError, 'N must be an integer in [1, ');
  });
});
