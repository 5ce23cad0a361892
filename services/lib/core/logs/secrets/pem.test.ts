import { expect } from 'chai';
import { MASK } from '../redact.js';
import { maskPrivateKeyBlocks } from './pem.js';
import { expectCaughtBy, expectLeftAlone, fake, B64 } from './expect.js';

const body = [`MII${fake(61, B64)}`, fake(64, B64, 1), fake(20, B64, 2)];

describe('private key blocks', () => {
  it('masks every body line of a PEM block and keeps BEGIN, END and the line count', () =>
    expectCaughtBy('private-key-blocks', {
      name: 'pem',
      input: ['-----BEGIN RSA PRIVATE KEY-----', ...body, '-----END RSA PRIVATE KEY-----'].join('\n'),
      secrets: body,
      output: ['-----BEGIN RSA PRIVATE KEY-----', MASK, MASK, MASK, '-----END RSA PRIVATE KEY-----'].join('\n'),
    }));

  it('masks a PGP private key block', () =>
    expectCaughtBy('private-key-blocks', {
      name: 'pgp',
      input: ['-----BEGIN PGP PRIVATE KEY BLOCK-----', '', ...body, '-----END PGP PRIVATE KEY BLOCK-----'].join('\n'),
      secrets: body,
    }));

  it('masks a block whose lines carry timestamps (GitHub Actions)', () =>
    expectCaughtBy('private-key-blocks', {
      name: 'timestamps',
      input: ['-----BEGIN OPENSSH PRIVATE KEY-----', ...body, '-----END OPENSSH PRIVATE KEY-----']
        .map((l) => `2024-05-01T10:00:00.1234567Z ${l}`)
        .join('\n'),
      secrets: body,
    }));

  it('leaves public keys and certificates alone', () => {
    expectLeftAlone(['-----BEGIN CERTIFICATE-----', ...body, '-----END CERTIFICATE-----'].join('\n'));
    expectLeftAlone(`ssh-rsa AAAAB3NzaC1yc2E${fake(200, B64)} ci@runner`);
  });

  describe('given an END line', () => {
    it('given a PGP block (header, blank line, checksum) after more than 64 KiB of log, then every body line is masked', () => {
      const log = Array.from({ length: 1500 }, (_, i) => `[build] compiling module ${i} of 1500 ........`).join('\n');
      expect(log.length).to.be.greaterThan(64 * 1024);
      const block = [
        '-----BEGIN PGP PRIVATE KEY BLOCK-----',
        'Version: GnuPG v2',
        '',
        ...body,
        '=Zm9v',
        '-----END PGP PRIVATE KEY BLOCK-----',
      ];
      const masked = ['-----BEGIN PGP PRIVATE KEY BLOCK-----', MASK, '', MASK, MASK, MASK, MASK];
      expect(maskPrivateKeyBlocks(`${log}\n${block.join('\n')}`).text).to.equal(
        `${log}\n${[...masked, '-----END PGP PRIVATE KEY BLOCK-----'].join('\n')}`,
      );
    });

    it('given an END exactly 64 KiB after BEGIN, then the block counts as terminated and every line is masked', () => {
      // 1 + 1008 × 65 + 15 = 65,536 characters from the end of BEGIN to the start of END
      const lines = Array.from({ length: 1008 }, (_, i) => fake(64, B64, i));
      lines[1007] = fake(79, B64, 9);
      const input = ['-----BEGIN RSA PRIVATE KEY-----', ...lines, '-----END RSA PRIVATE KEY-----'].join('\n');
      expect(input.indexOf('-----END') - '-----BEGIN RSA PRIVATE KEY-----'.length).to.equal(65536);
      expect(maskPrivateKeyBlocks(input)).to.deep.equal({
        text: ['-----BEGIN RSA PRIVATE KEY-----', ...lines.map(() => MASK), '-----END RSA PRIVATE KEY-----'].join('\n'),
        count: 1,
      });
    });

    it('given a blank line of indentation inside the block (a YAML literal), then it stays as it is', () => {
      const input = [
        'private_key: |',
        '  -----BEGIN PGP PRIVATE KEY BLOCK-----',
        '  ',
        `  ${body[0]}`,
        `  ${body[1]}`,
        '  -----END PGP PRIVATE KEY BLOCK-----',
      ].join('\n');
      expect(maskPrivateKeyBlocks(input).text).to.equal(
        [
          'private_key: |',
          '  -----BEGIN PGP PRIVATE KEY BLOCK-----',
          '  ',
          MASK,
          MASK,
          '  -----END PGP PRIVATE KEY BLOCK-----',
        ].join('\n'),
      );
    });
  });

  describe('given no END line (a truncated log)', () => {
    it('given a key cut off and an END of some other key 64 KiB later, then only the key lines are masked', () => {
      const log = Array.from({ length: 1500 }, (_, i) => `[build] compiling module ${i} of 1500 ........`).join('\n');
      const input = [
        '-----BEGIN RSA PRIVATE KEY-----',
        body[0],
        body[1],
        'Step 4/9 : RUN make',
        log,
        '-----END RSA PRIVATE KEY-----',
      ].join('\n');
      expect(maskPrivateKeyBlocks(input)).to.deep.equal({
        text: [
          '-----BEGIN RSA PRIVATE KEY-----',
          MASK,
          MASK,
          'Step 4/9 : RUN make',
          log,
          '-----END RSA PRIVATE KEY-----',
        ].join('\n'),
        count: 1,
      });
    });

    it('given a key cut off at the end of the text, then its lines are masked up to the last one, however short', () => {
      const input = ['$ cat deploy_key', '-----BEGIN OPENSSH PRIVATE KEY-----', body[0], body[1], 'ZmFrZQ=='].join(
        '\n',
      );
      expect(maskPrivateKeyBlocks(input)).to.deep.equal({
        text: ['$ cat deploy_key', '-----BEGIN OPENSSH PRIVATE KEY-----', MASK, MASK, MASK].join('\n'),
        count: 1,
      });
    });

    it('given a one-line key with escaped newlines cut off (JSON), then the rest of the BEGIN line is masked', () => {
      const input = `  "private_key": "-----BEGIN PRIVATE KEY-----\\nMIIEvQIBADANBgkqhkiG9w0BAQEFAASC${fake(40, B64)}`;
      expect(maskPrivateKeyBlocks(input)).to.deep.equal({
        text: `  "private_key": "-----BEGIN PRIVATE KEY-----${MASK}`,
        count: 1,
      });
    });

    it('given a one-line key cut off inside a JSON file that goes on, then the rest of the BEGIN line is masked', () => {
      const key = `-----BEGIN PRIVATE KEY-----\\nMIIEvQIBADANBgkqhkiG9w0BAQEFAASC${fake(40, B64)}\\n`;
      const input = [
        '{',
        '  "type": "service_account",',
        `  "private_key": "${key}",`,
        '  "client_email": "ci@example-project.iam.gserviceaccount.com"',
        '}',
      ].join('\n');
      expect(maskPrivateKeyBlocks(input).text).to.equal(
        [
          '{',
          '  "type": "service_account",',
          `  "private_key": "-----BEGIN PRIVATE KEY-----${MASK}`,
          '  "client_email": "ci@example-project.iam.gserviceaccount.com"',
          '}',
        ].join('\n'),
      );
    });

    it('given a BEGIN line in a shell test (grep for a key), then nothing is masked', () => {
      const input = [
        'if grep -q -- "-----BEGIN OPENSSH PRIVATE KEY-----" "$f"; then',
        '  echo "found a private key in $f"',
        'fi',
      ].join('\n');
      expect(maskPrivateKeyBlocks(input)).to.deep.equal({ text: input, count: 0 });
    });

    it('given 201 key-like lines after BEGIN, then the 200 a key can fill are masked and the scan stops', () => {
      // An RSA 8192 key is about 100 lines of 64 characters: 200 lines bound the scan of a truncated block.
      const lines = Array.from({ length: 201 }, (_, i) => fake(64, B64, i));
      const input = ['-----BEGIN RSA PRIVATE KEY-----', ...lines].join('\n');
      expect(maskPrivateKeyBlocks(input).text).to.equal(
        ['-----BEGIN RSA PRIVATE KEY-----', ...lines.slice(0, 200).map(() => MASK), lines[200]].join('\n'),
      );
    });
  });
});
