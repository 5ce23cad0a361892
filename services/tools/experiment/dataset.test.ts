import { expect } from 'chai';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { parseRecord, readDataset } from './dataset.js';

const record = (over: Record<string, unknown> = {}) =>
  JSON.stringify({ repo: 'a/b', build_id: '1', log: 'x\nError: y', chunk_start_line: 2, chunk_end_line: 2, ...over });

describe('dataset', () => {
  let dir: string;
  before(() => (dir = mkdtempSync(join(tmpdir(), 'verity-dataset-'))));
  after(() => rmSync(dir, { recursive: true, force: true }));
  const file = (name: string, data: string | Buffer) => {
    const path = join(dir, name);
    writeFileSync(path, data);
    return path;
  };

  it('parses a record, with the optional category and retry outcome', () => {
    expect(parseRecord(record({ build_id: 42, category: 'flaky', retry_passed: true, language: 'Go' }))).to.deep.equal({
      repo: 'a/b',
      build_id: '42',
      log: 'x\nError: y',
      chunk_start_line: 2,
      chunk_end_line: 2,
      category: 'flaky',
      retry_passed: true,
    });
  });

  const bad: [string, string, RegExp][] = [
    ['not JSON', '{"repo": ', /not JSON/],
    [
      'a missing log',
      JSON.stringify({ repo: 'a/b', build_id: '1', chunk_start_line: 1, chunk_end_line: 1 }),
      /\/log is required/,
    ],
    ['a line number of 0', record({ chunk_start_line: 0 }), /\/chunk_start_line must be >= 1/],
    ['an end before the start', record({ chunk_start_line: 3, chunk_end_line: 2 }), /before \/chunk_start_line/],
    [
      'an unknown category',
      record({ category: 'cosmic_rays' }),
      /\/category must be equal to one of the allowed values/,
    ],
    ['a retry outcome that is not a boolean', record({ retry_passed: 'yes' }), /\/retry_passed must be boolean/],
  ];
  for (const [what, text, message] of bad) {
    it(`rejects ${what}`, () => {
      const result = parseRecord(text);
      expect(result).to.be.instanceOf(Error);
      expect((result as Error).message).to.match(message);
    });
  }

  it('reads plain and gzip-compressed JSONL alike, skipping blank lines, at most `limit` records', async () => {
    const text = `${record({ build_id: '1' })}\n\n${record({ build_id: '2' })}\n${record({ build_id: '3' })}\n`;
    for (const path of [
      file('plain.jsonl', text),
      file('packed.jsonl.gz', gzipSync(text)),
      file('packed-without-suffix', gzipSync(text)),
    ]) {
      expect((await readDataset(path)).map((r) => r.build_id)).to.deep.equal(['1', '2', '3']);
      expect((await readDataset(path, 2)).map((r) => r.build_id)).to.deep.equal(['1', '2']);
    }
  });

  it('names the file and line of the first bad line', async () => {
    const path = file('bad.jsonl', `${record()}\n\n${record({ chunk_end_line: 'x' })}\n`);
    let message = '';
    await readDataset(path).catch((err: Error) => (message = err.message));
    expect(message).to.equal(`${path}:3: /chunk_end_line must be integer`);
  });

  it('says which file cannot be read', async () => {
    const truncated = file('truncated.jsonl.gz', gzipSync(record().repeat(50)).subarray(0, 40));
    for (const path of [truncated, join(dir, 'missing.jsonl')]) {
      let message = '';
      await readDataset(path).catch((err: Error) => (message = err.message));
      expect(message).to.contain(path);
    }
  });
});
