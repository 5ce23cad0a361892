import { expect } from 'chai';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { REPO_ROOT } from '../../lib/platform/schemas/catalog.js';
import { CONFIG_DOC_PATH, configDoc } from './config-doc.js';
import { localStack, runtime, tools, tracing } from './read-elsewhere.js';

describe('docs/CONFIGURATION.md', () => {
  it('is what the configuration specs say (npm run docs:config regenerates it)', () => {
    const committed = readFileSync(CONFIG_DOC_PATH, 'utf8');
    const generated = configDoc();
    if (committed === generated) return;
    const a = committed.split('\n');
    const b = generated.split('\n');
    const line = a.findIndex((l, i) => l !== b[i]);
    expect.fail(
      `docs/CONFIGURATION.md is out of date (first difference at line ${line + 1}: ` +
        `${JSON.stringify(a[line])} vs ${JSON.stringify(b[line])}); run npm run docs:config`,
    );
  });

  it('names only variables still read: each one declared outside a loader is named by a file said to read it', () => {
    for (const { readBy, spec } of [runtime, tracing, localStack, tools]) {
      const sources = readBy.map((path) => readFileSync(join(REPO_ROOT, path), 'utf8')).join('\n');
      for (const name of Object.keys(spec)) {
        expect(new RegExp(`\\b${name}\\b`).test(sources), `${name} in none of ${readBy.join(', ')}`).to.equal(true);
      }
    }
  });

  it('shows no default of a secret', () => {
    expect(configDoc()).to.contain('| `OPENAI_API_KEY` | (secret) |').and.contain('| `INGEST_TOKENS` | (secret) |');
  });
});
