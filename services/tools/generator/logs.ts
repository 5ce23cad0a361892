// Failure logs for the generated failed jobs: real build logs from the LogChunks dev split (Brandt,
// Panichella, Zaidman, Beller, "LogChunks: A Data Set for Build Log Analysis", MSR 2020,
// doi:10.1145/3379597.3387485, CC BY 4.0), loaded lazily once and cut to at most `maxBytes` each
// (the tail, plus the labelled chunk when it lies before the tail), followed by the GitLab-runner line
// of the failure category. Without the data set, SyntheticLogs gives short deterministic logs.
import { readFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';

export const FAILURE_CATEGORIES = [
  'test',
  'compilation',
  'dependency',
  'lint',
  'infra',
  'network',
  'timeout',
  'oom',
] as const;
export type FailureCategory = (typeof FAILURE_CATEGORIES)[number];

/** A failure log for a category; `u` in [0, 1) chooses the sample, so the caller's random stream decides. */
export interface LogSource {
  sample(category: FailureCategory, u: number): string;
}

/** The last line a GitLab runner prints for a failure of each category. */
function runnerTrailer(category: FailureCategory): string {
  switch (category) {
    case 'oom':
      return 'Killed\nERROR: Job failed: exit code 137';
    case 'timeout':
      return 'ERROR: Job failed: execution took longer than 1h0m0s seconds';
    case 'infra':
      return 'ERROR: Job failed (system failure): Error response from daemon: container is not running';
    default:
      return 'ERROR: Job failed: exit code 1';
  }
}

/** Classifies a labelled chunk (with its keywords) by the first matching pattern; order matters. */
const PATTERNS: readonly (readonly [FailureCategory, RegExp])[] = [
  ['oom', /(out of memory|OutOfMemory|\bkilled\b|\boom\b|heap space|Cannot allocate memory)/i],
  ['timeout', /(timed out|timeout|no output has been received|took longer|exceeded the maximum)/i],
  [
    'network',
    /(network|connection (refused|reset|timed)|ECONN|could not resolve host|unreachable|SSL|Temporary failure|failed to download|503 Service|502 Bad)/i,
  ],
  [
    'lint',
    /(lint|rubocop|checkstyle|flake8|pycodestyle|pep8|pylint|eslint|jshint|jscs|tslint|gofmt|golint|clippy|rustfmt|scalastyle|offen[cs]es?|coding standard|phpcs|style)/i,
  ],
  [
    'dependency',
    /(dependenc|could not resolve|could not find|not found|no matching version|npm ERR|bundler|Gemfile|pip |requirement|cabal|version conflict|unable to find|unable to locate|package|module not found|No module named|cannot find module|install)/i,
  ],
  [
    'compilation',
    /(compil|syntax error|cannot find symbol|undefined reference|error\[E|error CS|cannot be resolved|\.(c|cc|cpp|h|java|scala|go|rs|cs|swift|m|hs|erl|ex):\d+|build failed|BUILD FAILURE|make: \*\*\*|error:)/i,
  ],
  ['test', /(test|spec|assert|expected|failures?|FAIL|pytest|junit|rspec|examples?,)/i],
];

export function classifyChunk(text: string): FailureCategory | null {
  for (const [category, re] of PATTERNS) if (re.test(text)) return category;
  return null;
}

/** Bytes of a string in UTF-8. */
const bytes = (s: string) => Buffer.byteLength(s, 'utf8');

/** The last characters of `s` that fit in `max` UTF-8 bytes, starting at a line when possible. */
function tailBytes(s: string, max: number): string {
  if (bytes(s) <= max) return s;
  const buf = Buffer.from(s, 'utf8');
  let cut = buf.subarray(buf.length - max).toString('utf8');
  if (cut.startsWith('\uFFFD')) cut = cut.slice(1); // a split multi-byte character
  const nl = cut.indexOf('\n');
  return nl >= 0 && nl < cut.length - 1 ? cut.slice(nl + 1) : cut;
}

/** The first characters of `s` that fit in `max` UTF-8 bytes. */
function headBytes(s: string, max: number): string {
  if (bytes(s) <= max) return s;
  const cut = Buffer.from(s, 'utf8').subarray(0, max).toString('utf8');
  return cut.endsWith('\uFFFD') ? cut.slice(0, -1) : cut;
}

/**
 * A log cut to `maxBytes` UTF-8 bytes: its tail when the labelled chunk (1-based inclusive lines) lies in
 * it; otherwise the chunk with a few lines of context (at most a quarter of the budget), an elision line,
 * and the tail in what remains. Exported for the unit tests.
 */
export function cutLog(log: string, chunkStart: number, chunkEnd: number, maxBytes: number): string {
  if (bytes(log) <= maxBytes) return log;
  const tail = tailBytes(log, maxBytes);
  const lines = log.split('\n');
  const tailFirstLine = lines.length - tail.split('\n').length + 1; // 1-based
  if (!(chunkStart >= 1) || chunkStart >= tailFirstLine) return tail;
  const from = Math.max(0, chunkStart - 1 - 5);
  const to = Math.min(lines.length, Math.max(chunkStart, chunkEnd) + 5);
  const window = headBytes(lines.slice(from, to).join('\n'), Math.floor(maxBytes / 4));
  const omitted = `\n[... ${lines.length - to} lines omitted by the load generator ...]\n`;
  return window + omitted + tailBytes(log, maxBytes - bytes(window) - bytes(omitted));
}

interface Corpus {
  logs: string[];
  byCategory: Map<FailureCategory, number[]>;
}

/** LogChunks logs, gunzipped and cut once on first use. */
export class LogChunksSource implements LogSource {
  private corpus: Corpus | undefined;

  /** `maxBytes` bounds each log with its runner trailer. */
  constructor(
    readonly path: string,
    readonly maxBytes = 64 * 1024,
  ) {}

  get loaded(): boolean {
    return this.corpus !== undefined;
  }

  /** Loads the data set now (about a second), e.g. before a timed run starts. */
  warm(): this {
    this.corpus ??= this.load();
    return this;
  }

  sample(category: FailureCategory, u: number): string {
    const corpus = (this.corpus ??= this.load());
    const pool = corpus.byCategory.get(category);
    const ids = pool && pool.length >= 3 ? pool : undefined;
    const i = ids ? ids[Math.floor(u * ids.length)]! : Math.floor(u * corpus.logs.length);
    return `${corpus.logs[i]!}\n${runnerTrailer(category)}\n`;
  }

  private load(): Corpus {
    const text = gunzipSync(readFileSync(this.path)).toString('utf8');
    const logs: string[] = [];
    const byCategory = new Map<FailureCategory, number[]>();
    const budget = this.maxBytes - 128; // room for the trailer
    for (const line of text.split('\n')) {
      if (line.trim() === '') continue;
      const row = JSON.parse(line) as {
        log?: unknown;
        chunk?: unknown;
        keywords?: unknown;
        chunk_start_line?: unknown;
        chunk_end_line?: unknown;
      };
      if (typeof row.log !== 'string') continue;
      const category = classifyChunk(
        `${String(row.chunk ?? '')} ${Array.isArray(row.keywords) ? row.keywords.join(' ') : ''}`,
      );
      const id = logs.length;
      logs.push(cutLog(row.log.replace(/\s+$/, ''), Number(row.chunk_start_line), Number(row.chunk_end_line), budget));
      if (category) byCategory.set(category, [...(byCategory.get(category) ?? []), id]);
    }
    if (logs.length === 0) throw new Error(`${this.path}: no logs`);
    return { logs, byCategory };
  }
}

const SYNTHETIC: Record<FailureCategory, string[]> = {
  test: [
    '$ bundle exec rspec',
    'Failures:',
    '  1) User#valid? rejects a blank email',
    '     Failure/Error: expect(user).not_to be_valid',
    '       expected #<User email: ""> not to be valid',
    'Finished in 41.3 seconds',
    '412 examples, 1 failure',
  ],
  compilation: [
    '$ mvn -B compile',
    '[ERROR] /builds/app/src/main/java/app/Service.java:[42,17] cannot find symbol',
    '[ERROR]   symbol:   method fetchAll()',
    '[INFO] BUILD FAILURE',
  ],
  dependency: [
    '$ npm ci',
    'npm ERR! code ETARGET',
    'npm ERR! notarget No matching version found for left-pad@^9.0.0.',
    "npm ERR! notarget In most cases you or one of your dependencies are requesting a package version that doesn't exist.",
  ],
  lint: [
    '$ npx eslint .',
    '/builds/app/src/index.ts',
    "  12:7  error  'unused' is assigned a value but never used  @typescript-eslint/no-unused-vars",
    '✖ 1 problem (1 error, 0 warnings)',
  ],
  infra: [
    'Running with gitlab-runner 16.11.0',
    'Preparing the "docker" executor',
    'Using docker image sha256:0f1e2d for ruby:3.3 ...',
  ],
  network: [
    '$ pip install -r requirements.txt',
    "WARNING: Retrying (Retry(total=0)) after connection broken by 'NewConnectionError: Failed to establish a new connection: [Errno 111] Connection refused'",
    "ERROR: Could not install packages due to an OSError: HTTPSConnectionPool(host='pypi.org', port=443): Max retries exceeded",
  ],
  timeout: [
    '$ ./gradlew integrationTest',
    '> Task :integrationTest',
    'Waiting for database to accept connections...',
    'Waiting for database to accept connections...',
  ],
  oom: [
    '$ yarn build',
    'Creating an optimized production build...',
    '<--- Last few GCs --->',
    'FATAL ERROR: Reached heap limit Allocation failed - JavaScript heap out of memory',
  ],
};

/** Short deterministic logs per category, for runs and tests without the data set. */
export class SyntheticLogs implements LogSource {
  sample(category: FailureCategory, u: number): string {
    const lines = SYNTHETIC[category];
    const noise = Array.from({ length: 1 + Math.floor(u * 40) }, (_, i) => `step ${i + 1}: ok`);
    return `${[...noise, ...lines].join('\n')}\n${runnerTrailer(category)}\n`;
  }
}
