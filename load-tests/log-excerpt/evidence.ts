// Evidence hit@k on the LogChunks dev split (Brandt, Panichella, Zaidman, Beller, "LogChunks: A Data Set
// for Build Log Analysis", MSR 2020, doi:10.1145/3379597.3387485, CC BY 4.0).
//
//   npx tsx load-tests/log-excerpt/evidence.ts [--misses 3]
//
// hit@k: the share of logs where one of the first k evidence ranges overlaps the labelled lines, for
//   evidence        extractEvidence(lines) on the sanitised, redacted log (what a provider is given)
//   last-20-lines   one range, the last 20 lines of the log
//   marker-top-3    the 3 strongest markers of markers.ts (raw score, later first on ties), each with its
//                   rule's own window cut to 20 lines
// Also, per method, the mean of the per-repository hit@3 (each of the 45 repositories counts the same), and
// for failureSignature: of the pairs of logs of one repository with the same labelled lines (normalised
// as the signature normalises them), the share with one signature (stable); of the other pairs, the share
// with different signatures (distinct).
// --misses k prints the logs the evidence misses at k to stderr. Writes
// load-tests/results/log-excerpt-evidence.{json,md} (load-tests/result-files.ts: the current result, and
// a row of HISTORY.md). LOGCHUNKS_PATH overrides the data set path.

import { dirname, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { findMarkers, type ErrorMarker } from '../../services/lib/core/logs/markers.js';
import { redactSecrets } from '../../services/lib/core/logs/redact.js';
import { sanitizeLog } from '../../services/lib/core/logs/sanitize.js';
import { extractEvidence, MAX_RANGE_LINES } from '../../services/lib/core/remediation/evidence.js';
import { failureSignature, normaliseLine } from '../../services/lib/core/remediation/signature.js';
import type { EvidenceRange } from '../../services/lib/core/remediation/proposal.js';
import { readDataset } from '../../services/tools/experiment/index.js';
import { machine } from '../lib.js';
import { writeResults } from '../result-files.js';
import { clampLabel, evidenceHit } from '../../services/tools/experiment/index.js';

const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const dataPath = resolve(repoRoot, process.env.LOGCHUNKS_PATH ?? '../shared/data/logchunks/dev.jsonl.gz');
const KS = [1, 3, 10];

/** A marker's own window (rule `before`/`after`), cut to MAX_RANGE_LINES lines in the same proportion. */
function markerWindow(m: ErrorMarker, lineCount: number): EvidenceRange {
  const span = m.before + m.after;
  const before = span < MAX_RANGE_LINES ? m.before : Math.round(((MAX_RANGE_LINES - 1) * m.before) / span);
  const after = span < MAX_RANGE_LINES ? m.after : MAX_RANGE_LINES - 1 - before;
  return { start_line: Math.max(1, m.line - before), end_line: Math.min(lineCount, m.line + after), reason: m.rule };
}

const methods: Record<string, (lines: readonly string[]) => EvidenceRange[]> = {
  evidence: (lines) => extractEvidence(lines),
  'last-20-lines': (lines) => [
    { start_line: Math.max(1, lines.length - MAX_RANGE_LINES + 1), end_line: lines.length, reason: 'tail' },
  ],
  'marker-top-3': (lines) =>
    findMarkers(lines)
      .sort((a, b) => b.score - a.score || b.line - a.line)
      .slice(0, 3)
      .map((m) => markerWindow(m, lines.length)),
};

async function main(): Promise<void> {
  const at = process.argv.indexOf('--misses');
  const missesAt = at >= 0 ? Number(process.argv[at + 1]) : undefined;
  const samples = await readDataset(dataPath);
  const hits = new Map<string, number>();
  const count = (key: string) => hits.set(key, (hits.get(key) ?? 0) + 1);
  const repos = new Map<string, number>();
  const failures: { failure: string; signature: string }[] = [];
  for (const s of samples) {
    const lines = redactSecrets(sanitizeLog(s.log)).text.split('\n');
    const label = clampLabel({ start: s.chunk_start_line, end: s.chunk_end_line }, lines.length);
    repos.set(s.repo, (repos.get(s.repo) ?? 0) + 1);
    failures.push({
      failure: `${s.repo}\n${lines
        .slice(label.start - 1, label.end)
        .map(normaliseLine)
        .join('\n')}`,
      signature: failureSignature(lines),
    });
    for (const [method, evidenceOf] of Object.entries(methods)) {
      const evidence = evidenceOf(lines);
      for (const k of KS) if (evidenceHit(evidence, label, k)) count(`${method}@${k}`);
      if (evidenceHit(evidence, label, 3)) count(`${method}@3@${s.repo}`);
      if (method === 'evidence' && missesAt !== undefined && !evidenceHit(evidence, label, missesAt)) {
        console.error(
          JSON.stringify({
            repo: s.repo,
            build: s.build_id,
            lines: lines.length,
            label: [label.start, label.end],
            top: evidence.slice(0, 4).map((e) => `${e.start_line}-${e.end_line} ${e.reason}`),
          }),
        );
      }
    }
  }
  const total = samples.length;
  const repoMean = (method: string) =>
    [...repos].reduce((sum, [repo, n]) => sum + (hits.get(`${method}@3@${repo}`) ?? 0) / n, 0) / repos.size;
  const rate = (method: string, k: number) => Number(((hits.get(`${method}@${k}`) ?? 0) / total).toFixed(4));
  const results = Object.keys(methods).map((method) => ({
    method,
    total,
    'hit@1': rate(method, 1),
    'hit@3': rate(method, 3),
    'hit@10': rate(method, 10),
    'hit@3 per repo': Number(repoMean(method).toFixed(4)),
  }));
  for (const r of results) console.log(JSON.stringify(r));
  const pairs = { same: 0, sameShared: 0, different: 0, differentApart: 0 };
  for (let i = 0; i < failures.length; i++) {
    for (let j = i + 1; j < failures.length; j++) {
      const [a, b] = [failures[i]!, failures[j]!];
      if (a.failure === b.failure) {
        pairs.same++;
        if (a.signature === b.signature) pairs.sameShared++;
      } else {
        pairs.different++;
        if (a.signature !== b.signature) pairs.differentApart++;
      }
    }
  }
  const signature = {
    stable: Number((pairs.sameShared / pairs.same).toFixed(4)),
    distinct: Number((pairs.differentApart / pairs.different).toFixed(5)),
    ...pairs,
  };
  console.log(JSON.stringify({ signature }));

  const pct = (x: number) => `${(x * 100).toFixed(1)}%`;
  const table = [
    `Evidence hit@k on LogChunks dev (${total} logs): one of the first k ranges (each ≤ ${MAX_RANGE_LINES} lines) overlaps the labelled lines.`,
    '',
    '| method | hit@1 | hit@3 | hit@10 | hit@3, mean over repositories |',
    '| --- | ---: | ---: | ---: | ---: |',
    ...results.map(
      (r) =>
        `| ${r.method} | ${pct(r['hit@1'])} | ${pct(r['hit@3'])} | ${pct(r['hit@10'])} | ${pct(r['hit@3 per repo'])} |`,
    ),
    '',
    `failureSignature: ${pct(signature.stable)} of ${pairs.same} pairs of logs of one repository with the same labelled lines share a signature; ${(signature.distinct * 100).toFixed(2)}% of the other ${pairs.different} pairs have different signatures.`,
    '',
    'evidence: extractEvidence (services/lib/core/remediation/evidence.ts) on sanitizeLog + redactSecrets of the log; last-20-lines: one range, the last 20 lines; marker-top-3: the 3 highest raw scores of markers.ts, each with its own window cut to 20 lines (hit@10 = hit@3). Labels ending past the last line are clamped.',
    '',
    'Data: LogChunks (Brandt et al., MSR 2020, doi:10.1145/3379597.3387485), CC BY 4.0.',
  ].join('\n');
  const command = ['npx tsx load-tests/log-excerpt/evidence.ts', ...process.argv.slice(2)].join(' ');
  const dataset = relative(repoRoot, dataPath);
  const json = { machine: machine('the benchmark'), command, dataset, logs: total, results, signature };
  writeResults('log-excerpt-evidence', new Date().toISOString(), json, `${table}\n`);
}

await main();
