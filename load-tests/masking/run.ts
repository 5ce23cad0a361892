// Secret masking: what redactSecrets catches and how fast, against the implementation it replaced.
//
//   npx tsx load-tests/masking/run.ts [--mb 10] [--runs 5]
//
// - corpus (test/fixtures/secrets/): secret-bearing records caught / total (a record is caught when none of
//   its secrets survives, whole or as a 12-character fragment), by format and by split (dev: used while
//   tuning; holdout: variants held aside); look-alikes changed (false positives) / total, by format;
// - throughput of redactSecrets in MB/s on a realistic log of --mb MB (LogChunks build logs, sanitised as
//   the callers do, with the corpus records spread through it; synthetic lines if the data set is missing),
//   new and previous implementation alternated in the same process, median of --runs, and their ratio;
// - the slowest 1 MB adversarial line (repeated fragments built to make the rules backtrack), new and previous.
// The previous implementation is redact.ts (services/lib/core/logs/, services/core/logs/ before the services/lib
// layout) as of MASKING_BASELINE (a git revision; default: the parent of the commit that split the masker
// into logs/secrets/).
// Writes load-tests/results/masking.{json,md} (the current result) and a row of HISTORY.md.
// LOGCHUNKS_PATH overrides the data set path.

import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { redactSecrets } from '../../services/lib/core/logs/redact.js';
import { sanitizeLog } from '../../services/lib/core/logs/sanitize.js';
import { readDataset } from '../../services/tools/experiment/index.js';
import { REPO_ROOT } from '../../services/lib/platform/schemas/catalog.js';
import {
  readLookalikes,
  readSecrets,
  scoreCorpus,
  type CorpusScore,
  type LookalikeRecord,
  type SecretRecord,
} from '../../test/fixtures/secrets/corpus.js';
import { machine } from '../lib.js';
import { writeResults } from '../result-files.js';

type Redact = (text: string) => { text: string; count: number };

const arg = (name: string, def: number) => {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? Number(process.argv[i + 1]) : def;
};
const MB = arg('mb', 10);
const RUNS = arg('runs', 5);

/** The previous redactSecrets, from git, or undefined when git or the revision is not there. */
async function previous(): Promise<{ ref: string; path: string; redact: Redact } | undefined> {
  const git = (...args: string[]) =>
    execFileSync('git', args, { cwd: REPO_ROOT, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
  try {
    let ref = process.env.MASKING_BASELINE;
    if (!ref) {
      // --follow: the masker was added as services/core/logs/secrets/mask.ts, then moved under services/lib.
      const mask = 'services/lib/core/logs/secrets/mask.ts';
      const added = git('log', '--format=%H', '--diff-filter=A', '--follow', '--', mask).split('\n').pop();
      if (!added) return undefined;
      ref = `${added}^`;
    }
    ref = git('rev-parse', '--verify', '--short', `${ref}^{commit}`); // a commit id from here on
    // redact.ts where it was at that revision (before or after the services/lib layout), with the folder it
    // imports from (logs/secrets/ since the masker was split), extracted whole.
    const at = ['services/lib/core/logs', 'services/core/logs'].find((p) => {
      try {
        git('cat-file', '-e', `${ref}:${p}/redact.ts`);
        return true;
      } catch {
        return false;
      }
    });
    if (!at) throw new Error(`no redact.ts at ${ref}`);
    const dir = mkdtempSync(join(tmpdir(), 'masking-baseline-'));
    execFileSync('sh', ['-c', `git archive ${ref} ${at} | tar -x -C '${dir}'`], { cwd: REPO_ROOT });
    const file = join(dir, at, 'redact.ts');
    const mod = (await import(pathToFileURL(file).href)) as { redactSecrets: Redact };
    return { ref, path: `${at}/redact.ts`, redact: (t) => mod.redactSecrets(t) };
  } catch (e) {
    console.error(`no baseline: ${(e as Error).message.split('\n')[0]}`);
    return undefined;
  }
}

/** About `mb` MB of CI log: LogChunks logs (sanitised), with the corpus records spread through them. */
async function realisticLog(mb: number, records: string[]): Promise<{ text: string; source: string }> {
  const target = mb * 1_000_000;
  const path = resolve(REPO_ROOT, process.env.LOGCHUNKS_PATH ?? '../shared/data/logchunks/dev.jsonl.gz');
  const lines: string[] = [];
  let size = 0;
  let source: string;
  if (existsSync(path)) {
    source = 'LogChunks dev build logs (sanitised)';
    for (const s of await readDataset(path)) {
      for (const l of sanitizeLog(s.log).split('\n')) {
        lines.push(l);
        size += l.length + 1;
      }
      if (size >= target) break;
    }
  } else {
    source = 'synthetic build log (LogChunks not found)';
    for (let i = 0; size < target; i++) {
      const l = [
        `Step ${i % 40}/40 : RUN npm ci`,
        `[INFO] Compiling ${i} source files to /build/classes`,
        `npm warn deprecated pkg@1.0.${i % 9}`,
        `  ✓ test ${i} (${i % 90}ms)`,
      ][i % 4]!;
      lines.push(l);
      size += l.length + 1;
    }
  }
  const every = Math.max(1, Math.floor(lines.length / (records.length + 1)));
  const out: string[] = [];
  let r = 0;
  for (let i = 0; i < lines.length; i++) {
    out.push(lines[i]!);
    if (i % every === every - 1 && r < records.length) out.push(records[r++]!);
  }
  return {
    text: out.join('\n').slice(0, target),
    source: `${source}, ${records.length} corpus records spread through it`,
  };
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

function throughput(text: string, impls: Record<string, Redact>): Record<string, { mbPerS: number; masks: number }> {
  const times: Record<string, number[]> = {};
  const masks: Record<string, number> = {};
  for (const [name, f] of Object.entries(impls)) masks[name] = f(text).count; // warm-up
  for (let run = 0; run < RUNS; run++)
    for (const [name, f] of Object.entries(impls)) {
      const t = performance.now();
      f(text);
      (times[name] ??= []).push(performance.now() - t);
    }
  return Object.fromEntries(
    Object.entries(times).map(([name, ts]) => [
      name,
      { mbPerS: text.length / 1e6 / (median(ts) / 1000), masks: masks[name]! },
    ]),
  );
}

const ADVERSARIAL = [
  'a',
  '=',
  'a:',
  ' ',
  '|',
  'password=',
  'token="',
  'token: ',
  'a_token ',
  'eyJa.',
  'glpat-',
  'AKIAAAAAAAAAAAAAAAAA ',
  'xoxb-',
  'http://',
  'a:b@',
  'https://u:',
  'Authorization: Bearer ',
  '-----BEGIN PRIVATE KEY-----',
  '<password>a',
  'key="a_token" value="',
  'machine h login u password ',
  '|| SecretAccessKey | ',
  '--password ',
  'login -p ',
  'mysql -p',
  'curl -u ',
  'echo x | ',
  '--password-stdin ',
  'Ab1+',
];

function adversarial(impls: Record<string, Redact>): Record<string, { worstMbPerS: number; unit: string }> {
  const out: Record<string, { worstMbPerS: number; unit: string }> = {};
  for (const [name, f] of Object.entries(impls))
    for (const unit of ADVERSARIAL) {
      const line = unit.repeat(Math.ceil(1_000_000 / unit.length));
      const t = performance.now();
      f(line);
      const mbPerS = line.length / 1e6 / ((performance.now() - t) / 1000);
      if (out[name] === undefined || mbPerS < out[name].worstMbPerS) out[name] = { worstMbPerS: mbPerS, unit };
    }
  return out;
}

function splitScore(
  score: (s: readonly SecretRecord[], l: readonly LookalikeRecord[]) => CorpusScore,
  secrets: SecretRecord[],
  lookalikes: LookalikeRecord[],
) {
  const by = (split: string) =>
    score(
      secrets.filter((r) => r.split === split),
      lookalikes.filter((r) => r.split === split),
    );
  return { all: score(secrets, lookalikes), dev: by('dev'), holdout: by('holdout') };
}

const pct = (a: number, b: number) => (b === 0 ? '—' : `${((100 * a) / b).toFixed(1)}%`);

async function main(): Promise<void> {
  const date = new Date().toISOString();
  const secrets = readSecrets();
  const lookalikes = readLookalikes();
  const base = await previous();
  const impls: Record<string, Redact> = { new: (t) => redactSecrets(t) };
  if (base) impls.previous = base.redact;

  const scores = Object.fromEntries(
    Object.entries(impls).map(([name, f]) => [
      name,
      splitScore((s, l) => scoreCorpus((t) => f(t).text, s, l), secrets, lookalikes),
    ]),
  );
  const log = await realisticLog(
    MB,
    [...secrets, ...lookalikes].map((r) => r.text),
  );
  const tp = throughput(log.text, impls);
  const adv = adversarial(impls);
  const ratio = base ? tp.new!.mbPerS / tp.previous!.mbPerS : undefined;

  const s = scores.new!.all;
  const p = scores.previous?.all;
  const prev = base ? `${base.path} at ${base.ref}` : 'not available';
  const md: string[] = [
    `# Secret masking (${date.slice(0, 10)})`,
    '',
    `${machine('the masker')}. \`npx tsx load-tests/masking/run.ts --mb ${MB} --runs ${RUNS}\`; previous: ${prev}.`,
    '',
    '| measure | new | previous |',
    '| --- | --- | --- |',
    `| secret records caught (all) | ${s.secrets.caught}/${s.secrets.total} (${pct(s.secrets.caught, s.secrets.total)}) | ${p ? `${p.secrets.caught}/${p.secrets.total} (${pct(p.secrets.caught, p.secrets.total)})` : '—'} |`,
  ];
  for (const split of ['dev', 'holdout'] as const) {
    const n = scores.new![split];
    const o = scores.previous?.[split];
    md.push(
      `| caught, ${split} split | ${n.secrets.caught}/${n.secrets.total} | ${o ? `${o.secrets.caught}/${o.secrets.total}` : '—'} |`,
    );
  }
  md.push(
    `| look-alikes changed (false positives) | ${s.lookalikes.falsePositives}/${s.lookalikes.total} (${pct(s.lookalikes.falsePositives, s.lookalikes.total)}) | ${p ? `${p.lookalikes.falsePositives}/${p.lookalikes.total} (${pct(p.lookalikes.falsePositives, p.lookalikes.total)})` : '—'} |`,
    `| throughput on a ${MB} MB log, MB/s (median of ${RUNS}) | ${tp.new!.mbPerS.toFixed(1)} | ${tp.previous ? tp.previous.mbPerS.toFixed(1) : '—'} |`,
    `| throughput ratio new / previous | ${ratio === undefined ? '—' : ratio.toFixed(2)} | 1 |`,
    `| masks made on that log | ${tp.new!.masks} | ${tp.previous ? tp.previous.masks : '—'} |`,
    `| slowest 1 MB adversarial line, MB/s | ${adv.new!.worstMbPerS.toFixed(1)} (${JSON.stringify(adv.new!.unit)}) | ${adv.previous ? `${adv.previous.worstMbPerS.toFixed(1)} (${JSON.stringify(adv.previous.unit)})` : '—'} |`,
    '',
    `The log: ${log.source}. The holdout split holds variants (other tools, quoting, positions) written before the rules were tuned; see docs/secret-masking.md.`,
    '',
    '## Secret records caught, by format',
    '',
    '| format | new | previous |',
    '| --- | --- | --- |',
  );
  for (const f of s.secrets.byFormat) {
    const o = p?.secrets.byFormat.find((x) => x.format === f.format);
    md.push(
      `| ${f.format} | ${f.hits}/${f.total}${f.misses.length ? ` (missed: ${f.misses.join(', ')})` : ''} | ${o ? `${o.hits}/${o.total}` : '—'} |`,
    );
  }
  md.push(
    '',
    '## Look-alikes changed (false positives), by format',
    '',
    '| format | new | previous |',
    '| --- | --- | --- |',
  );
  for (const f of s.lookalikes.byFormat) {
    const o = p?.lookalikes.byFormat.find((x) => x.format === f.format);
    md.push(
      `| ${f.format} | ${f.hits}/${f.total}${f.misses.length ? ` (${f.misses.join(', ')})` : ''} | ${o ? `${o.hits}/${o.total}` : '—'} |`,
    );
  }
  md.push('');
  writeResults(
    'masking',
    date,
    {
      machine: machine('the masker'),
      baseline: base?.ref ?? null,
      mb: MB,
      runs: RUNS,
      log: log.source,
      scores,
      throughput: tp,
      ratio: ratio ?? null,
      adversarial: adv,
    },
    md.join('\n'),
  );
}

await main();
