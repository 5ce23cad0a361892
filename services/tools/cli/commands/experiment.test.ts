import { expect } from 'chai';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from '../parse-harness.js';

describe('verity experiment', () => {
  const invalid: [string[], RegExp][] = [
    [[], /--file \(a labelled dataset\) or --from \(a window of recorded failures\) is required/],
    [['--file', 'x', '--to=2026-01-02'], /option '--to <bound>' cannot be used with option '--file/],
    [['--to', '2026-01-02'], /or --from/],
    [['--from', 'yesterday'], /option '--from <bound>' argument 'yesterday' is invalid/],
    [['--file', 'x', '--provider', 'gpt'], /argument 'gpt' is invalid\. Allowed choices are/],
    [['--file', 'x', '--vs', 'gpt'], /option '--vs <name>' argument 'gpt' is invalid/],
    [['--file', 'x', '--limit', '0'], /option '--limit <n>' argument '0' is invalid\. Expected a positive integer/],
    [['--file'], /option '--file <path.jsonl\[.gz\]>' argument missing/],
    [['--file', 'x', '--verbose'], /unknown option '--verbose'/],
    [['--file', 'x', '--cv', '1'], /--cv needs at least 2 folds/],
    [['--file', 'x', '--seed', '3'], /--seed needs --cv/],
    [
      ['--file', 'x', '--cv', '5', '--provider', 'openai'],
      /--cv measures heuristic and tail and category and category-rules and majority, not openai/,
    ],
    [['--from', '2026-01-02', '--cv', '5'], /option '--cv <folds>' cannot be used with option '--from/],
    [['--file', 'x', '--provider', 'majority'], /majority is measured with --cv only/],
    [['--file', 'x', '--vs', 'category'], /category is measured with --cv only/],
  ];
  for (const [args, message] of invalid) {
    it(`refuses ${JSON.stringify(args)} (exit 2)`, async () => {
      const r = await parse(['experiment', ...args]);
      expect(r.code).to.equal(2);
      expect(r.stderr).to.match(message).and.to.contain('Usage: verity experiment');
      expect(r.command).to.equal(undefined);
    });
  }

  it('defaults to the heuristic against the tail baseline', async () => {
    expect((await parse(['experiment', '--file', 'a.jsonl.gz'])).opts).to.deep.equal({
      file: 'a.jsonl.gz',
      window: undefined,
      provider: 'heuristic',
      vs: 'tail',
      limit: undefined,
      concurrency: undefined,
      json: false,
    });
    expect((await parse(['experiment', '--from', '2026-11-28T00:00:00Z'])).opts).to.deep.include({
      file: undefined,
      window: {
        from: { kind: 'time', ms: Date.parse('2026-11-28T00:00:00Z'), text: '2026-11-28T00:00:00Z' },
        to: { kind: 'default' },
      },
    });
    const tail = await parse(['experiment', '--file=a', '--provider', 'tail', '--limit=5', '--json']);
    expect(tail.opts).to.deep.include({ provider: 'tail', vs: undefined, limit: 5, json: true });
  });

  it('takes the fitted classifiers with --cv', async () => {
    expect((await parse(['experiment', '--file', 'a', '--cv', '5', '--provider', 'category'])).opts).to.deep.include({
      provider: 'category',
      vs: 'tail',
      cv: { folds: 5, seed: 1 },
    });
  });

  it('takes --cv folds and --seed for grouped cross-validation', async () => {
    expect((await parse(['experiment', '--file', 'a', '--cv', '5'])).opts).to.deep.include({
      cv: { folds: 5, seed: 1 },
    });
    expect((await parse(['experiment', '--file', 'a', '--cv=3', '--seed=42'])).opts).to.deep.include({
      cv: { folds: 3, seed: 42 },
    });
  });

  it('takes --labels <dir> or --no-labels; without either, the default is decided when it runs', async () => {
    expect((await parse(['experiment', '--file', 'a', '--labels', 'd'])).opts).to.deep.include({ labels: 'd' });
    expect((await parse(['experiment', '--file', 'a', '--no-labels'])).opts).to.deep.include({ labels: false });
    expect((await parse(['experiment', '--file', 'a'])).opts).to.not.have.property('labels');
  });

  it('prints the grouped-CV headline first, then the per-format table and the worst logs', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'verity-experiment-cv-'));
    const printed: string[] = [];
    const log = console.log;
    console.log = (s: string) => printed.push(s);
    try {
      const path = join(dir, 'logs.jsonl');
      const text = '$ make\nsrc/a.c:1:1: error: x\nThe command "make" exited with 2.';
      const rows = Array.from({ length: 6 }, (_, i) => ({
        repo: `a/r${i % 3}`,
        build_id: String(i),
        log: text,
        chunk_start_line: 2,
        chunk_end_line: 2,
      }));
      writeFileSync(path, rows.map((r) => JSON.stringify(r)).join('\n'));
      expect((await parse(['experiment', '--file', path, '--cv', '3'], { run: true })).code).to.equal(0);
      const out = printed.pop()!;
      expect(out).to.match(/^Grouped cross-validation by repository: 3 folds over 3 repositories \(6 logs/);
      expect(out).to.contain('| evidence hit@1 | 100.0% [100.0–100.0] | 100.0% [100.0–100.0] | 0.0 |');
      expect(out).to.contain('| CMake/make/C | 6 | 3 |');
      expect((await parse(['experiment', '--file', path, '--cv', '3', '--json'], { run: true })).code).to.equal(0);
      const json = JSON.parse(printed.pop()!) as { folds: unknown[]; tunables: { tunable: string }[] };
      expect(json.folds).to.have.length(3);
      expect(json.tunables.map((t) => t.tunable)).to.deep.equal(['heuristic', 'tail']);
    } finally {
      console.log = log;
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('prints the results of a file and exits 0', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'verity-experiment-cli-'));
    const printed: string[] = [];
    const log = console.log;
    console.log = (s: string) => printed.push(s);
    try {
      const path = join(dir, 'logs.jsonl');
      const text = '$ make\nsrc/a.c:1:1: error: x\nThe command "make" exited with 2.';
      const labelled = { repo: 'a/b', build_id: '1', log: text, chunk_start_line: 2, chunk_end_line: 2 };
      writeFileSync(path, JSON.stringify(labelled));
      expect((await parse(['experiment', '--file', path, '--json'], { run: true })).code).to.equal(0);
      const result = JSON.parse(printed.pop()!) as {
        providers: { provider: string; evidenceHit1: { hits: number } }[];
      };
      expect(result.providers.map((p) => [p.provider, p.evidenceHit1.hits])).to.deep.equal([
        ['heuristic', 1],
        ['tail', 1],
      ]);
    } finally {
      console.log = log;
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
