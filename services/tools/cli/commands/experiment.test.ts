import { expect } from 'chai';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { experimentCommand, parseExperimentArgs } from './experiment.js';

describe('verity experiment', () => {
  const invalid: [string[], RegExp][] = [
    [[], /--file \(a labelled dataset\) or --from \(a window of recorded failures\) is required/],
    [['--file', 'x', '--to=2026-01-02'], /either --file or --from\/--to, not both/],
    [['--to', '2026-01-02'], /or --from/],
    [['--from', 'yesterday'], /--from/],
    [['--file', 'x', '--provider', 'gpt'], /unknown provider "gpt"/],
    [['--file', 'x', '--vs', 'gpt'], /unknown provider "gpt"/],
    [['--file', 'x', '--limit', '0'], /--limit must be a positive integer/],
    [['--file'], /--file needs a value/],
    [['--file', 'x', '--verbose'], /unknown argument --verbose/],
  ];
  for (const [args, message] of invalid) {
    it(`refuses ${JSON.stringify(args)}`, () => expect(parseExperimentArgs(args)).to.match(message));
  }

  it('defaults to the heuristic against the tail baseline', () => {
    expect(parseExperimentArgs(['--file', 'a.jsonl.gz'])).to.deep.equal({ file: 'a.jsonl.gz', window: undefined, provider: 'heuristic', vs: 'tail', limit: undefined, concurrency: undefined, json: false });
    expect(parseExperimentArgs(['--from', '2026-11-28T00:00:00Z'])).to.deep.include({ file: undefined, window: { from: { kind: 'time', ms: Date.parse('2026-11-28T00:00:00Z'), text: '2026-11-28T00:00:00Z' }, to: { kind: 'default' } } });
    expect(parseExperimentArgs(['--file=a', '--provider', 'tail', '--limit=5', '--json'])).to.deep.include({ provider: 'tail', vs: undefined, limit: 5, json: true });
  });

  it('prints the results of a file and exits 0; exits 2 on bad arguments', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'verity-experiment-cli-'));
    const printed: string[] = [];
    const log = console.log;
    const error = console.error;
    console.log = (s: string) => printed.push(s);
    console.error = (s: string) => printed.push(s);
    try {
      const path = join(dir, 'logs.jsonl');
      writeFileSync(path, JSON.stringify({ repo: 'a/b', build_id: '1', log: '$ make\nsrc/a.c:1:1: error: x\nThe command "make" exited with 2.', chunk_start_line: 2, chunk_end_line: 2 }));
      expect(await experimentCommand(['--file', path, '--json'])).to.equal(0);
      const result = JSON.parse(printed.pop()!) as { providers: { provider: string; evidenceHit1: { hits: number } }[] };
      expect(result.providers.map((p) => [p.provider, p.evidenceHit1.hits])).to.deep.equal([
        ['heuristic', 1],
        ['tail', 1],
      ]);
      expect(await experimentCommand(['--from', 'x'])).to.equal(2);
      expect(printed.pop()).to.match(/^verity experiment: --from x: [\s\S]*usage: verity experiment \(--file/);
    } finally {
      console.log = log;
      console.error = error;
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
