import { expect } from 'chai';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Category, ProposalBody, RemediationProvider } from '../../lib/core/remediation/proposal.js';
import type { LabelledLog } from './dataset.js';
import { comparisonTable, contextOf, runExperiment, runFile } from './run-file.js';

const filler = (n: number) => Array.from({ length: n }, (_, i) => `step ${i + 1} ok`);

function labelled(i: number, over: Partial<LabelledLog> = {}): LabelledLog {
  const lines = [
    '$ go test ./...',
    ...filler(100),
    '--- FAIL: TestParse (0.00s)',
    `    parse_test.go:${i}: expected 2, got 3`,
    'FAIL',
    'The command "go test ./..." exited with 1.',
  ];
  return {
    repo: 'a/b',
    build_id: String(i),
    log: lines.join('\n'),
    chunk_start_line: 102,
    chunk_end_line: 103,
    ...over,
  };
}

/** A provider answering `body` (or throwing) for every log. */
function fake(
  name: string,
  answer: (ctx: { log_lines: readonly string[] }) => ProposalBody | Error,
): RemediationProvider {
  return {
    name,
    promptVersion: `${name}-1`,
    async propose(ctx) {
      const body = answer(ctx);
      if (body instanceof Error) throw body;
      return { body, model: 'm', tokens: { prompt: 10, completion: 2 }, cost_usd: 0.001 };
    },
  };
}

const body = (
  category: Category,
  start: number,
  end: number,
  kind: ProposalBody['suggested_action']['kind'] = 'investigate',
): ProposalBody => ({
  category,
  root_cause: 'r',
  evidence: [{ start_line: start, end_line: end, reason: 'x' }],
  suggested_action: { kind, summary: 's' },
  confidence: 0.5,
});

describe('runExperiment', () => {
  it('builds the context a provider gets: sanitised and redacted lines, a signature, no history', () => {
    const ctx = contextOf(
      labelled(1, { log: 'a\u001b[31mred\u001b[0m\ntoken glpat-abcdefghijklmnopqrstuvwxyz\nError: x' }),
    );
    expect(ctx.log_lines).to.have.length(3);
    expect(ctx.log_lines[0]).to.equal('ared');
    expect(ctx.log_lines[1]).to.not.contain('glpat-abcdefghijklmnopqrstuvwxyz');
    expect(ctx.signature).to.match(/^[0-9a-f]{32}$/);
    expect(ctx.history).to.deep.equal([]);
  });

  it('measures providers side by side: recall, evidence hits, accuracy, retry precision, tokens, cost, errors', async () => {
    const records = [
      labelled(1, { category: 'test_failure', retry_passed: false }),
      labelled(2, { category: 'flaky', retry_passed: true }),
      labelled(3, { category: 'flaky', retry_passed: true }),
      labelled(4),
    ];
    const good = fake('good', () => body('test_failure', 102, 103));
    const retrier = fake('retrier', () => body('flaky', 1, 1, 'retry'));
    let calls = 0;
    const broken = fake('broken', () =>
      ++calls === 1
        ? new Error('down')
        : calls === 2
          ? { ...body('unknown', 1, 1), confidence: 7 }
          : body('unknown', 1, 999),
    );
    const result = await runExperiment(records, [good, retrier, broken]);
    const [g, r, b] = result.providers;
    expect(result.logs).to.equal(4);
    expect(g!.contextRecall).to.deep.equal({ hits: 4, n: 4, rate: 1 });
    expect(g!.evidenceHit1).to.deep.equal({ hits: 4, n: 4, rate: 1 });
    expect(g!.categoryAccuracy).to.deep.equal({ hits: 1, n: 3, rate: 1 / 3 });
    expect(g!.retryPrecision.n).to.equal(0);
    expect(g!.tokens).to.deep.equal({ prompt: 40, completion: 8 });
    expect(g!.costUsd).to.be.closeTo(0.004, 1e-9);
    expect(g!.categories).to.deep.equal({ test_failure: 4 });
    expect(r!.evidenceHit3.hits).to.equal(0);
    expect(r!.categoryAccuracy).to.deep.equal({ hits: 2, n: 3, rate: 2 / 3 });
    expect(r!.retryPrecision).to.deep.equal({ hits: 2, n: 3, rate: 2 / 3 });
    expect(b!.errors).to.equal(4);
    expect(b!.evidenceHit3.hits).to.equal(0);
    for (const p of result.providers) expect(p.latencyMs.p99).to.be.at.least(p.latencyMs.p50);
  });

  it('prints a Markdown table with a column per provider', async () => {
    const result = await runExperiment(
      [labelled(1)],
      [fake('one', () => body('unknown', 1, 1)), fake('two', () => body('unknown', 1, 1))],
    );
    const table = comparisonTable(result);
    expect(table).to.contain('| measure | one (one-1) | two (two-1) |');
    for (const row of [
      'context recall @16000 B',
      'evidence hit@1',
      'evidence hit@3',
      'category accuracy',
      'retry precision',
      'latency p50 / p99',
      'tokens prompt / completion',
      'cost',
      'provider errors',
    ]) {
      expect(table).to.contain(`| ${row} |`);
    }
    expect(table).to.contain('n/a (n=0)');
  });

  it('runs on a file, at most `limit` logs', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'verity-experiment-'));
    try {
      const path = join(dir, 'logs.jsonl');
      writeFileSync(path, [1, 2, 3].map((i) => JSON.stringify(labelled(i))).join('\n'));
      const result = await runFile(path, [fake('one', () => body('unknown', 1, 1))], { limit: 2, concurrency: 2 });
      expect(result.logs).to.equal(2);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
