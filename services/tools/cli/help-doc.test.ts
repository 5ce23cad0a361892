import { expect } from 'chai';
import { readFileSync } from 'node:fs';
import { helpDoc, HELP_DOC_PATH } from './help-doc.js';

describe('docs/CLI.md', () => {
  it('is the help of the program as it is (npm run docs:cli regenerates it)', () => {
    const committed = readFileSync(HELP_DOC_PATH, 'utf8');
    const generated = helpDoc();
    if (committed === generated) return;
    const a = committed.split('\n');
    const b = generated.split('\n');
    const line = a.findIndex((l, i) => l !== b[i]);
    expect.fail(
      `docs/CLI.md is out of date (first difference at line ${line + 1}: ` +
        `${JSON.stringify(a[line])} vs ${JSON.stringify(b[line])}); run npm run docs:cli`,
    );
  });

  it('holds every command', () => {
    const doc = helpDoc();
    const paths = ['verity topics tail', 'verity dlq redrive', 'verity stack wait', 'verity scorer', 'verity replay'];
    for (const path of paths) {
      expect(doc).to.contain(`## ${path}\n`).and.to.contain(`Usage: ${path}`);
    }
  });
});
