// The secret-masking corpus (test/fixtures/secrets/, docs/secret-masking.md): every secret of every
// secret-bearing record is gone after redactSecrets, and the look-alikes are left alone but for a bounded
// number of false positives.

import { expect } from 'chai';
import { leaked, readLookalikes, readSecrets, scoreCorpus } from '../../../../test/fixtures/secrets/corpus.js';
import { redactSecrets, RULE_FAMILIES, runFamilies } from './redact.js';

/** Look-alikes the masker may change (measured: 0 of 234; see load-tests/results/masking.md). */
const MAX_FALSE_POSITIVES = 2;

describe('secret corpus', () => {
  const secrets = readSecrets();
  const lookalikes = readLookalikes();
  const formats = [...new Set(secrets.map((r) => r.format))].sort();

  it('has at least 200 secret-bearing records in 30 formats and 200 look-alikes', () => {
    expect(secrets.length).to.be.at.least(200);
    expect(formats.length).to.be.at.least(30);
    expect(lookalikes.length).to.be.at.least(200);
  });

  describe('every secret is masked', () => {
    for (const format of formats)
      it(format, () => {
        const missed = secrets
          .filter((r) => r.format === format)
          .map((r) => ({ id: r.id, left: leaked(r.secrets, redactSecrets(r.text).text) }))
          .filter((m) => m.left.length > 0);
        expect(missed, 'records with a secret left').to.deep.equal([]);
      });
  });

  it(`changes at most ${MAX_FALSE_POSITIVES} look-alikes`, () => {
    const changed = lookalikes.filter((r) => redactSecrets(r.text).text !== r.text);
    console.log(
      `      false positives: ${changed.length}/${lookalikes.length}${changed.map((r) => `\n        ${r.id}: ${r.text.slice(0, 100)}`).join('')}`,
    );
    expect(changed.length).to.be.at.most(MAX_FALSE_POSITIVES);
  });

  it('keeps the line count and is idempotent on every record', () => {
    for (const r of [...secrets, ...lookalikes]) {
      const once = redactSecrets(r.text);
      expect(once.text.split('\n').length, r.id).to.equal(r.text.split('\n').length);
      expect(redactSecrets(once.text).count, r.id).to.equal(0);
    }
  });

  it('needs every rule family: without any one of them, some records leak', () => {
    for (const family of RULE_FAMILIES) {
      const others = RULE_FAMILIES.filter((f) => f !== family);
      const score = scoreCorpus((t) => runFamilies(t, others).text, secrets, []);
      expect(score.secrets.caught, `without ${family.name}`).to.be.below(secrets.length);
    }
  });
});
