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

  it('given aws sts get-session-token --output table, then the three credential values are masked and nothing else', () => {
    const keyId = 'ASIA' + fake(16, 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567', 3);
    const token = fake(60, B64, 7);
    const frame = [
      '----------------------------------------------------------------------------------------',
      '|                                    GetSessionToken                                   |',
      '+--------------------------------------------------------------------------------------+',
      '||                                     Credentials                                    ||',
      '|+------------------+----------------------------------------------------------------+|',
    ];
    const row = (name: string, value: string) => `||  ${name.padEnd(16)}|  ${value.padEnd(62)}||`;
    const input = [
      ...frame,
      row('AccessKeyId', keyId),
      row('Expiration', '2024-05-01T12:00:00+00:00'),
      row('SecretAccessKey', secret),
      row('SessionToken', token),
      frame[4],
    ].join('\n');
    // the value is replaced, its padding stays
    const masked = (name: string, value: string) =>
      `||  ${name.padEnd(16)}|  ${MASK}${' '.repeat(62 - value.length)}||`;
    expect(maskTables(input).text.split('\n')).to.deep.equal([
      ...frame,
      masked('AccessKeyId', keyId),
      row('Expiration', '2024-05-01T12:00:00+00:00'),
      masked('SecretAccessKey', secret),
      masked('SessionToken', token),
      frame[4],
    ]);
  });

  it('given cells padded with tabs or spaces, then the names and values are the trimmed cells', () => {
    const input = [`|\tSecretAccessKey\t|\t${secret}\t|`, `| SessionToken | ${secret} |`].join('\n');
    expect(maskTables(input).text.split('\n')).to.deep.equal([
      `|\tSecretAccessKey\t|\t${MASK}\t|`,
      `| SessionToken | ${MASK} |`,
    ]);
  });

  it('given rows indented differently from their header, then the indentation is not a cell', () => {
    const input = ['| SessionToken | Status |', `  | ${secret} | Active |`].join('\n');
    expect(maskTables(input).text.split('\n')).to.deep.equal(['| SessionToken | Status |', `  | ${MASK} | Active |`]);
  });

  it('given a table already redacted, then masking it again changes nothing', () => {
    const input = [
      '|+------------------+------------------------------+|',
      `||  SecretAccessKey |  ${MASK}                    ||`,
      '||  Expiration      |  2024-05-01T12:00:00+00:00   ||',
      '|+------------------+------------------------------+|',
    ].join('\n');
    expect(maskTables(input)).to.deep.equal({ text: input, count: 0 });
  });

  it('given rows of another width below a credential header, then they are not in its column', () => {
    const input = ['| SessionToken | Status |', `| ${secret} | Active |`, '| Name | Region | Created |'].join('\n');
    expect(maskTables(input).text.split('\n')).to.deep.equal([
      '| SessionToken | Status |',
      `| ${MASK} | Active |`,
      '| Name | Region | Created |',
    ]);
  });

  it('given empty, short or placeholder cells in a credential column, then they stay', () => {
    const input = ['| SessionToken | Status |', '| None | Inactive |', '| - | Inactive |', '| n/a | Inactive |'].join(
      '\n',
    );
    expect(maskTables(input)).to.deep.equal({ text: input, count: 0 });
  });

  describe('rows without their closing | (output cut or wrapped): the rest of the line is the last cell', () => {
    const token = fake(300, B64, 7);
    const table: [string, string, string][] = [
      ['a session token cut at the end', `| SessionToken | ${token} `, `| SessionToken | ${MASK} `],
      ['aws --output table, vertical, cut', `||  SecretAccessKey |  ${secret}`, `||  SecretAccessKey |  ${MASK}`],
      ['a Markdown-like row of a password', '| db_password | Orchid215x!', `| db_password | ${MASK}`],
      ['a tab-separated cell, cut', `|\tSessionToken\t|\t${token}`, `|\tSessionToken\t|\t${MASK}`],
      [
        'a horizontal table whose row is cut in the credential column',
        `| UserName | SecretAccessKey | Status |\n| ci-deploy | ${secret}`,
        `| UserName | SecretAccessKey | Status |\n| ci-deploy | ${MASK}`,
      ],
      [
        'a horizontal table whose header and rows are cut',
        `| SessionToken | Status\n| ${token} | Active`,
        `| SessionToken | Status\n| ${MASK} | Active`,
      ],
    ];
    for (const [name, input, output] of table)
      it(`given ${name}, then the value is masked`, () => expect(maskTables(input).text).to.equal(output));

    it('is the tables family that masks it', () =>
      expectCaughtBy('tables', {
        name: 'cut row',
        input: `| db_password | Orchid215x!`,
        secrets: ['Orchid215x!'],
      }));

    for (const input of [
      `| SessionToken | ${MASK}`,
      '| SessionToken |',
      '| SecretAccessKey',
      '| Status | Active',
      '| Expiration | 2024-05-01T12:00:00+00:00',
      '| token | must be rotated every 90 days',
      '| SessionToken | None',
      '| UserName | SecretAccessKey | Status |\n| ci-deploy | -',
    ])
      it(`given ${JSON.stringify(input)}, then nothing is masked by the tables`, () =>
        expect(maskTables(input)).to.deep.equal({ text: input, count: 0 }));
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
