// The shared test helpers must be able to fail: a helper that passes on anything makes every family test
// that uses it a test that cannot fail.
import { expect } from 'chai';
import { MASK } from '../redact.js';
import { B64, expectCaughtBy, expectLeftAlone, fake, HEX } from './expect.js';

const pw = 'Falcon472!Ve6';
const dockerLogin = `docker login -u ci -p ${pw} reg`;

describe('test helpers: fake', () => {
  // SEED is aB3dE5gH7jK9mN1pQ2rS4tU6vW8xY0z; character i is SEED[(7i + 13 salt + i² mod 11) mod 31].
  const table: [string, string, string][] = [
    ['given 5 characters, then indices 0, 8, 18, 30, 2 of the seed', fake(5), 'a7rz3'],
    ['given salt 1, then each index moves by 13', fake(2, undefined, 1), 'Nt'],
    ['given the hex charset, then indices 0, 8, 2 (mod 16)', fake(3, HEX), '082'],
    ['given no characters, then an empty string', fake(0), ''],
  ];
  for (const [name, actual, expected] of table) it(name, () => expect(actual).to.equal(expected));

  it('given a length, then exactly that many characters, all from the charset', () => {
    const v = fake(40, B64, 3);
    expect(v).to.have.length(40);
    expect([...v].every((c) => B64.includes(c))).to.equal(true);
  });
});

describe('test helpers: expectCaughtBy', () => {
  it('given a case the family catches alone, then it passes', () =>
    expectCaughtBy('command-lines', {
      name: 'docker login -p',
      input: dockerLogin,
      secrets: [pw],
      output: `docker login -u ci -p ${MASK} reg`,
    }));

  it('given a family that does not exist, then it fails naming it', () => {
    expect(() => expectCaughtBy('no-such-family', { name: 'x', input: dockerLogin, secrets: [pw] })).to.throw(
      'no family no-such-family',
    );
  });

  it('given a secret left in the output, then it fails saying which', () => {
    expect(() => expectCaughtBy('command-lines', { name: 'x', input: dockerLogin, secrets: ['reg'] })).to.throw(
      'reg is masked',
    );
  });

  it('given an output other than the masked text, then it fails', () => {
    expect(() =>
      expectCaughtBy('command-lines', { name: 'x', input: dockerLogin, secrets: [pw], output: dockerLogin }),
    ).to.throw(/expected .* to equal/);
  });

  it('given a secret another family catches too, then it fails naming the family', () => {
    // `password=` is an assignment: the command-line family is not what catches it.
    expect(() =>
      expectCaughtBy('command-lines', { name: 'x', input: `export password=${pw}`, secrets: [pw] }),
    ).to.throw(`without command-lines, ${pw} stays`);
  });
});

describe('test helpers: expectLeftAlone', () => {
  it('given text without secrets, then it passes', () => expectLeftAlone('docker login -u ci --password-stdin reg'));

  it('given text with a secret, then it fails', () => {
    expect(() => expectLeftAlone(dockerLogin)).to.throw();
  });
});
