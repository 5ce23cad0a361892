import { expect } from 'chai';
import { MASK } from '../redact.js';
import { expectCaughtBy, expectLeftAlone, fake, B64 } from './expect.js';
import { maskTables } from './tables.js';

const secret = fake(40, B64, 5);

describe('table rules', () => {
  it('a row naming a credential masks its value cell (aws … --output table, vertical)', () =>
    expectCaughtBy('tables', {
      name: 'vertical',
      input: `||  SecretAccessKey |  ${secret}  ||`,
      secrets: [secret],
      output: `||  SecretAccessKey |  ${MASK}  ||`,
    }));

  it('a header naming a credential column masks that column below it (horizontal)', () => {
    const input = [
      '+--------------------------------------------+----------+',
      '|              SecretAccessKey               |  Status  |',
      '+--------------------------------------------+----------+',
      `|  ${secret}  |  Active  |`,
      '+--------------------------------------------+----------+',
    ].join('\n');
    expectCaughtBy('tables', { name: 'horizontal', input, secrets: [secret] });
    expect(maskTables(input).text.split('\n')[3]).to.equal(`|  ${MASK}  |  Active  |`);
  });

  it('the column ends with the table', () => {
    const input = ['| SessionToken | Status |', `| ${secret} | Active |`, 'done', `| ${secret} | Active |`].join('\n');
    expect(maskTables(input).text.split('\n')).to.deep.equal([
      '| SessionToken | Status |',
      `| ${MASK} | Active |`,
      'done',
      `| ${secret} | Active |`,
    ]);
  });

  describe('leaves alone', () => {
    for (const input of [
      '||  CreateDate      |  2024-05-01T00:00:00Z  ||',
      '||  Status          |  Active     ||',
      '| Name | Value |\n| cache | warm-123 |',
      '+ docker push x | tee log',
    ])
      it(JSON.stringify(input), () => expectLeftAlone(input));
  });
});
