import { MASK } from '../redact.js';
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
});
