// keyStrength on the names CI systems, cloud SDKs and frameworks really use, and on the names that merely
// contain a credential word. Every expected answer is written by hand: a missed name is a leaked secret, a
// harmless name taken for one masks what a reader needs.

import { expect } from 'chai';
import { forgetKeyStrengths } from './fixtures.js';
import { endsWithCredentialWord, keyStrength } from './keys.js';

type Strength = 'strong' | 'weak' | undefined;

function table(title: string, rows: readonly (readonly [string, Strength])[]): void {
  describe(title, () => {
    beforeEach(forgetKeyStrengths);
    for (const [key, expected] of rows)
      it(`given ${key}, then ${String(expected)}`, () => expect(keyStrength(key)).to.equal(expected));
  });
}

describe('keyStrength on real names', () => {
  table('names that say the value is a secret (strong)', [
    // CI systems and registries
    ['GITHUB_TOKEN', 'strong'],
    ['NPM_TOKEN', 'strong'],
    ['NODE_AUTH_TOKEN', 'strong'],
    ['npmAuthToken', 'strong'],
    ['CI_REGISTRY_PASSWORD', 'strong'],
    ['DOCKER_PASSWORD', 'strong'],
    ['TWINE_PASSWORD', 'strong'],
    ['VAULT_TOKEN', 'strong'],
    ['X-Vault-Token', 'strong'],
    ['PRIVATE-TOKEN', 'strong'],
    ['GPG_PASSPHRASE', 'strong'],
    ['FTP_PASSWD', 'strong'],
    // a word glued to a credential word: the part ends with it
    ['PGPASSWORD', 'strong'],
    ['MYSQL_ROOT_PASSWORD', 'strong'],
    ['TF_VAR_db_password', 'strong'],
    ['dbPassword', 'strong'],
    ['password_confirmation', 'strong'],
    // cloud SDKs
    ['AWS_SECRET_ACCESS_KEY', 'strong'],
    ['AWS_SESSION_TOKEN', 'strong'],
    ['ARM_ACCESS_KEY', 'strong'],
    ['BROWSERSTACK_ACCESS_KEY', 'strong'],
    ['AZURE_CLIENT_SECRET', 'strong'],
    ['client_secret', 'strong'],
    ['clientSecret', 'strong'],
    ['SharedAccessKey', 'strong'],
    // two consecutive parts: api/access/private/secret + key
    ['OPENAI_API_KEY', 'strong'],
    ['HEROKU_API_KEY', 'strong'],
    ['api_key', 'strong'],
    ['X-Api-Key', 'strong'],
    ['apiKey', 'strong'],
    ['APIKey', 'strong'],
    ['SSH_PRIVATE_KEY', 'strong'],
    ['privateKey', 'strong'],
    ['STRIPE_SECRET_KEY', 'strong'],
    ['SECRET_KEY_BASE', 'strong'],
    // OAuth
    ['access_token', 'strong'],
    ['refresh_token', 'strong'],
    ['oauth2Token', 'strong'],
  ]);

  table('names that often hold a credential (weak: masked only if the value looks like one)', [
    ['auth', 'weak'],
    ['_auth', 'weak'],
    ['"auth"', 'weak'],
    ['NPM_CONFIG__AUTH', 'weak'],
    ['Pwd', 'weak'],
    ['MYSQL_PWD', 'weak'],
    ['DB_PASS', 'weak'],
    ['SMTP_PASS', 'weak'],
    ['API_AUTH', 'weak'],
    ['sig', 'weak'],
    ['X-Amz-Signature', 'weak'],
    ['SharedAccessSignature', 'weak'],
    ['GOOGLE_APPLICATION_CREDENTIALS', 'weak'],
    ['azure_credential', 'weak'],
    ['REGISTRY_CREDS', 'weak'],
    // <material>_key
    ['DEPLOY_KEY', 'weak'],
    ['SIGNING_KEY', 'weak'],
    ['RAILS_MASTER_KEY', 'weak'],
    ['ENCRYPTION_KEY', 'weak'],
    ['APP_KEY', 'weak'],
    ['NEW_RELIC_LICENSE_KEY', 'weak'],
    ['AccountKey', 'weak'],
    ['Ocp-Apim-Subscription-Key', 'weak'],
    ['x-functions-key', 'weak'],
    ['client-key', 'weak'],
    // the id of a key or secret: sometimes a secret too
    ['private_key_id', 'weak'],
    ['secret_id', 'weak'],
    ['secret_ids', 'weak'],
    ['AWS_ACCESS_KEY_ID', 'weak'],
    ['accessKeyId', 'weak'],
    ['APP_STORE_CONNECT_API_KEY_ID', 'weak'],
    // kubeconfig
    ['client-key-data', 'weak'],
    ['client-certificate-data', 'weak'],
  ]);

  table('names about a secret, not the secret (metadata last part)', [
    ['password-stdin', undefined],
    ['password_file', undefined],
    ['API_KEY_FILE', undefined],
    ['SSH_PRIVATE_KEY_PATH', undefined],
    ['token_type', undefined],
    ['ACTIONS_ID_TOKEN_REQUEST_URL', undefined],
    ['secretName', undefined],
    ['passwordLength', undefined],
    ['SharedAccessKeyName', undefined],
    ['api_key_name', undefined],
    ['GPG_KEY_ID', undefined],
    ['KEY_ID', undefined],
    ['TokenService.java', undefined],
    ['password.py', undefined],
  ]);

  table('names that only contain a credential word', [
    ['PASS', undefined],
    ['PASSED', undefined],
    ['bypass', undefined],
    ['passport', undefined],
    ['OLDPWD', undefined],
    ['signature', undefined],
    ['scriptSig', undefined],
    ['design', undefined],
    ['credit', undefined],
    ['author', undefined],
    ['Authorization', undefined],
    ['tokenizer', undefined],
    ['max_tokens', undefined],
    ['secretary', undefined],
    ['keyboard', undefined],
    ['monkey', undefined],
    ['cache-key', undefined],
    ['primary-key', undefined],
    ['ssh-keyscan', undefined],
    ['certificate-authority-data', undefined],
    ['server-certificate-data', undefined],
    ['client_certificate_thumbprint', undefined],
    ['DATABASE_URL', undefined],
  ]);

  table('public by name, and package names', [
    ['PublicKeyToken', undefined],
    ['public_key', undefined],
    ['VAPID_PUBLIC_KEY', undefined],
    ['libsecret-1-0', undefined],
  ]);

  table('numbered and encoded credential names', [
    ['GITHUB_TOKEN_2', 'strong'],
    ['RUNNER_2_TOKEN', 'strong'],
    ['SLACK_TOKEN_V2_1', 'strong'],
    ['API_TOKEN_2_B64', 'strong'],
    ['otp_token_2fa_1', 'strong'],
    ['otp_token_1_2fa', 'strong'],
  ]);

  // A date or version at the end of a credential name (rotation suffixes) is not a package version: package
  // names (Debian, pip, npm) are lower case and never hold `_`; names in env files, CI settings and code do.
  table('credential names ending in two numeric parts (a rotation date or version)', [
    ['DB_PASSWORD_2024_01', 'strong'],
    ['API_KEY_2024_05', 'strong'],
    ['db_password_2024_01', 'strong'],
    ['GITHUB_TOKEN_1_2', 'strong'],
    ['REDIS_PASSWORD_6_2', 'strong'],
    ['dbPassword_2024_01', 'strong'],
    ['DEPLOY_KEY_2023_12', 'weak'],
  ]);

  table('package names ending in a version (lower case, no underscore)', [
    ['libsecret-1-0', undefined],
    ['libsecret.1.0', undefined],
    ['python3-secret-2-1', undefined],
    ['libauth-token-3-4', undefined],
  ]);

  // A key issued to an account, an application or a service to call an API is a credential whatever the
  // vendor calls it (`CYPRESS_RECORD_KEY`, `B2_APPLICATION_KEY`, `GCP_SA_KEY`); a key that identifies a
  // row, an entry or an object is not.
  table('<holder>_KEY names: keys issued to an account, application or service (weak)', [
    ['CYPRESS_RECORD_KEY', 'weak'],
    ['recordKey', 'weak'],
    ['B2_APPLICATION_KEY', 'weak'],
    ['DD_APPLICATION_KEY', 'weak'],
    ['applicationKey', 'weak'],
    ['GCP_SA_KEY', 'weak'],
    ['GCLOUD_SERVICE_KEY', 'weak'],
    ['FIREBASE_SERVICE_ACCOUNT_KEY', 'weak'],
    ['LAUNCHDARKLY_SDK_KEY', 'weak'],
    ['FCM_SERVER_KEY', 'weak'],
    ['SEGMENT_WRITE_KEY', 'weak'],
    ['PAGERDUTY_INTEGRATION_KEY', 'weak'],
    ['NEW_RELIC_INGEST_KEY', 'weak'],
    ['ANDROID_UPLOAD_KEY', 'weak'],
    ['GOOGLE_DEVELOPER_KEY', 'weak'],
    ['PAYU_MERCHANT_KEY', 'weak'],
    ['TWITTER_OAUTH_KEY', 'weak'],
    ['TOTP_KEY', 'weak'],
    ['WG_PRESHARED_KEY', 'weak'],
    ['TLS_KEY', 'weak'],
    ['VAULT_UNSEAL_KEY', 'weak'],
    ['BITLOCKER_RECOVERY_KEY', 'weak'],
  ]);

  table('<word>_KEY names that identify a row, an entry or an object (not credentials)', [
    ['CACHE_KEY', undefined],
    ['SORT_KEY', undefined],
    ['PRIMARY_KEY', undefined],
    ['PARTITION_KEY', undefined],
    ['FOREIGN_KEY', undefined],
    ['hash_key', undefined],
    ['range_key', undefined],
    ['IDEMPOTENCY_KEY', undefined],
    ['routing_key', undefined],
    ['object_key', undefined],
    ['sonar.projectKey', undefined],
    ['LastEvaluatedKey', undefined],
    ['B2_APPLICATION_KEY_ID', undefined],
    ['GCP_SA_KEY_ID', undefined],
    ['SDK_KEY_NAME', undefined],
  ]);

  describe('remembering answers', () => {
    let replica = 0; // a new name on every run of the test in this process
    it('given a name it has never been asked about, then the answer is worked out, not looked up', () => {
      const key = `REPLICA${replica++}_PASSWORD`;
      expect(keyStrength(key)).to.equal('strong');
      expect(keyStrength(key), 'asked again').to.equal('strong');
    });

    it('given more names than it remembers, then the answers stay the same', () => {
      const before = ['GITHUB_TOKEN', 'DEPLOY_KEY', 'token_type'].map(keyStrength);
      forgetKeyStrengths();
      forgetKeyStrengths();
      expect(['GITHUB_TOKEN', 'DEPLOY_KEY', 'token_type'].map(keyStrength)).to.deep.equal(before);
      expect(before).to.deep.equal(['strong', 'weak', undefined]);
    });
  });
});

describe('endsWithCredentialWord on real names', () => {
  const rows: [string, boolean][] = [
    ['aws_secret_access_key', true],
    ['AWS_SECRET_ACCESS_KEY', true],
    ['npmAuthToken', true],
    ['_authToken', true],
    ['DB_PASSWORD', true],
    ['PGPASSWORD', true],
    ['api_key', true],
    ['X-Api-Key', true],
    ['privateKey', true],
    ['SECRET_KEY_BASE', false],
    ['SECRET_NAME', false],
    ['api_url', false],
    ['cache_key', false],
    ['primary-key', false],
    ['tokenizer', false],
    ['libsecret-common', false],
    ['rabbit_password.erl', false],
    ['', false],
    ['__', false],
  ];
  for (const [key, expected] of rows)
    it(`given ${JSON.stringify(key)}, then ${expected}`, () => expect(endsWithCredentialWord(key)).to.equal(expected));
});
