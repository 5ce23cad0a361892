// Secrets in command lines, read as shell words:
// - a long flag whose name says it holds a credential takes the next word (`--password p`, `--token t`,
//   `--account-key k`); `--flag=value` is left to the assignment rule;
// - single-dash word flags of the keytool/openssl kind (`-storepass p`, `-passout pass:p`);
// - short flags whose meaning depends on the command (`-p` after `login`, `mysql -pPASS`, `sshpass -p`,
//   `sqlcmd -P`, `redis-cli -a`, `curl -u user:pass`, `gh secret set --body`);
// - a literal echoed or printed into a command that reads its password from stdin
//   (`echo pw | docker login --password-stdin`, `<<< token` into `--with-token`).
// A command is known by its name without directory or Windows suffix (`C:\…\mysql.exe` is `mysql`); the
// string of `sh -c '…'` (bash, su, cmd /c, powershell -Command …) and the quoted remote command of
// `ssh host "…"` are read as command lines of their own; and
// `docker|podman|nerdctl run|create|exec` is read as two commands: the tool with its own flags (`-p 3306:3306`
// is a port), and the container's command after the image, whose flags are the program's.
// Each line is split into words once (quotes kept together), and a `-c` string once more at each of at most
// MAX_DEPTH levels, so the cost stays linear in the line.

import { isPlaceholder, keyStrength, looksSecret, NAME_TRIGGER } from './keys.js';
import { maskSpans, type RedactResult, type Span } from './mask.js';
import { commandPieces, MAX_DEPTH, nestedLines } from './cli-nesting.js';
import { commandName, SEPARATORS, shellWords, shortCluster, valueOf, type Word } from './words.js';

/** A help text's metavariable (`--token TOKEN`) rather than a value. */
const isMetavar = (v: string) => /^[A-Z][A-Z_]{0,31}$/.test(v) || /^\[.*\]$/.test(v);
/** Whether a flag's next word can be its value at all. */
const isValueWord = (v: string) =>
  v !== '' && !v.startsWith('-') && !SEPARATORS.has(v) && !/^[<>]/.test(v) && !isPlaceholder(v) && !isMetavar(v);

const isUserpassWord = (v: string) => isValueWord(v) || (isPlaceholder(v) && userColon(v) > 0);

type Kind = 'plain' | 'userpass';
/** curl's short options that take a value: in a cluster (`-sSu user:pw`, `-XPOST`), the rest is their value. */
const CURL_VALUES = 'AbcCdDeEFHKmoPQrtTuUwxXyYz';

const MYSQL = new Set([
  'mysql',
  'mysqldump',
  'mysqladmin',
  'mysqlimport',
  'mysqlshow',
  'mysqlcheck',
  'mysqlsh',
  'mysqlpump',
  'mariadb',
  'mariadb-dump',
  'mariadb-admin',
]);
const MONGO = new Set(['mongo', 'mongosh', 'mongodump', 'mongorestore', 'mongoexport', 'mongoimport']);

/** The short (and a few long) flags that hold a password for the commands named in a segment. */
function commandFlags(names: Set<string>): { next: Map<string, Kind>; attached: Map<string, Kind> } {
  const next = new Map<string, Kind>();
  const attached = new Map<string, Kind>();
  const has = (xs: Iterable<string>) => [...xs].some((x) => names.has(x));
  if (names.has('login')) {
    // docker/podman/helm/oc/az/cf … login -p PASS, and -pPASS: their option parsers all take it attached
    next.set('-p', 'plain');
    attached.set('-p', 'plain');
  }
  if (has(MYSQL)) attached.set('-p', 'plain');
  if (names.has('sshpass')) {
    next.set('-p', 'plain');
    attached.set('-p', 'plain');
  }
  if (has(['sqlcmd', 'bcp', 'zip', 'unzip'])) next.set('-P', 'plain');
  if (has(['7z', '7za'])) attached.set('-p', 'plain');
  if (names.has('redis-cli')) next.set('-a', 'plain');
  if (has(MONGO) || names.has('twine')) next.set('-p', 'plain');
  if (names.has('curl')) for (const f of ['-u', '--user', '-U', '--proxy-user']) next.set(f, 'userpass');
  if (has(['http', 'https', 'httpie'])) for (const f of ['-a', '--auth']) next.set(f, 'userpass');
  if (names.has('secret') && names.has('set')) for (const f of ['-b', '--body']) next.set(f, 'plain'); // gh secret set
  return { next, attached };
}

/** keytool/openssl/jarsigner style: `-storepass`, `-keypass`, `-srcstorepass`, `-passin`, `-passout`, `-password`. */
const PASS_WORD_FLAG = /^-(?:[a-z]*pass|pass(?:in|out|word|phrase))$/;
const STDIN_FLAG = /^--?(?:password-stdin|with-token|token-stdin|password-from-stdin|stdin)$/;

/** The first `:` outside `${…}` and `$(…)`, or -1. */
function userColon(v: string): number {
  let depth = 0;
  for (let i = 0; i < v.length; i++) {
    const c = v[i];
    if (c === '{' || c === '(') depth++;
    else if ((c === '}' || c === ')') && depth > 0) depth--;
    else if (c === ':' && depth === 0) return i;
  }
  return -1;
}

/** A `user:password` value: the password's span (the user may be a reference, `$USER:pw`; the password not). */
function userpass(v: Span & { value: string }): Span | undefined {
  let colon = userColon(v.value);
  if (colon < 0 && !isPlaceholder(v.value)) colon = v.value.indexOf(':'); // `${CREDS:-user:pw}`
  if (colon < 0) return undefined;
  const pass = v.value.slice(colon + 1);
  if (pass === '' || isPlaceholder(pass)) return undefined;
  return { start: v.start + colon + 1, end: v.end };
}

/**
 * Commands whose positional arguments are credentials: after the word whose command name `after` matches,
 * the positions (1 = the next positional word) that hold secrets, given the short option letters seen.
 * `values`/`longValues` are the options that take the next word (not a positional); `strict` parsers end
 * options at the first positional word (apr_getopt), the others take options anywhere.
 */
interface Positional {
  command: string;
  after: RegExp;
  values?: string;
  longValues?: readonly string[];
  strict?: boolean;
  secrets: (letters: string) => number[];
}
const POSITIONAL: readonly Positional[] = [
  { command: 'poetry', after: /^http-basic\./, secrets: () => [2] }, // poetry config http-basic.REPO USER PASSWORD
  // htpasswd -b[n] [-C cost] [-r rounds] [FILE] USER PASSWORD: -n has no file; -i reads stdin, -D deletes
  {
    command: 'htpasswd',
    after: /^htpasswd$/,
    values: 'Cr',
    strict: true,
    secrets: (l) => (!l.includes('b') || /[iD]/.test(l) ? [] : l.includes('n') ? [2] : [3]),
  },
  { command: 'rabbitmqctl', after: /^(?:add_user|change_password)$/, secrets: () => [2] }, // add_user USER PASSWORD
  // mc alias set NAME URL ACCESS_KEY SECRET_KEY [--api S3v4] [--path auto]
  { command: 'mc', after: /^(?:set|add)$/, longValues: ['--api', '--path'], secrets: () => [3, 4] },
];

/** The positional words after `from`, and the short option letters seen among them. */
function positionals(ws: Word[], from: number, p: Positional): { words: Word[]; letters: string } {
  const words: Word[] = [];
  let letters = '';
  for (let i = from; i < ws.length; i++) {
    const raw = ws[i]!.raw;
    if (raw.length < 2 || raw[0] !== '-' || (p.strict && words.length > 0)) words.push(ws[i]!);
    else if (raw[1] === '-') {
      if (p.longValues?.includes(raw)) i++;
    } else {
      const c = shortCluster(raw, p.values ?? '');
      letters += c?.letters ?? '';
      if (c?.flag !== undefined && c.valueAt === raw.length) i++;
    }
  }
  return { words, letters };
}

function positionalSpans(ws: Word[], names: Set<string>, push: (s: Span) => void): void {
  for (const p of POSITIONAL) {
    if (!names.has(p.command)) continue;
    const at = ws.findIndex((w) => p.after.test(commandName(w.raw)));
    if (at < 0) continue;
    const { words, letters } = positionals(ws, at + 1, p);
    for (const n of p.secrets(letters)) {
      const w = words[n - 1];
      if (w === undefined) continue;
      const v = valueOf(w);
      if (!isPlaceholder(v.value)) push(v);
    }
  }
}

/** Spans of the flags of one command (its words and the names that pick its tables). */
function flagSpans(ws: Word[], names: Set<string>, push: (s: Span | undefined) => void): void {
  const { next, attached } = commandFlags(names);
  positionalSpans(ws, names, push);
  for (let i = 0; i < ws.length; i++) {
    const w = ws[i]!;
    const raw = w.raw;
    if (raw[0] !== '-') continue;
    const after = ws[i + 1];
    const nextValue = after && valueOf(after);
    const kind = next.get(raw);
    // a user:password whose user is a reference (`"$USER:pw"`) is a value; userpass looks at the password
    const valueWord = kind === 'userpass' ? isUserpassWord : isValueWord;
    if (kind !== undefined && nextValue && valueWord(nextValue.value)) {
      push(kind === 'userpass' ? userpass(nextValue) : nextValue);
      i++;
      continue;
    }
    const eq = raw.indexOf('=');
    if (eq > 0 && next.get(raw.slice(0, eq)) === 'userpass') {
      push(userpass(valueOf(w, eq + 1)));
      continue;
    }
    if (eq > 0 && next.has(raw.slice(0, eq))) {
      const v = valueOf(w, eq + 1);
      if (isValueWord(v.value)) push(v);
      continue;
    }
    const curl = names.has('curl') ? shortCluster(raw, CURL_VALUES) : undefined;
    if (curl?.flag === 'u' || curl?.flag === 'U') {
      // -ubob:pw, -sSu bob:pw, -fsSLubob:pw
      if (curl.valueAt < raw.length) push(userpass(valueOf(w, curl.valueAt)));
      else if (nextValue && isUserpassWord(nextValue.value)) {
        push(userpass(nextValue));
        i++;
      }
      continue;
    }
    const flag = raw.slice(0, 2);
    if (attached.has(flag) && raw.length > 2 && eq < 0) {
      const v = valueOf(w, 2);
      if (/^[^\s,;|]/.test(v.value) && !isPlaceholder(v.value)) push(v);
      continue;
    }
    if (!nextValue || !isValueWord(nextValue.value)) continue;
    if (raw.startsWith('--') && eq < 0) {
      const strength = keyStrength(raw.slice(2));
      if (strength === 'strong' || (strength === 'weak' && looksSecret(nextValue.value))) {
        push(nextValue);
        i++;
      }
      continue;
    }
    if (PASS_WORD_FLAG.test(raw)) {
      const m = /^pass:/.exec(nextValue.value);
      if (m) {
        if (!isPlaceholder(nextValue.value.slice(5))) push({ start: nextValue.start + 5, end: nextValue.end });
      } else if (!/^(?:env|file|fd):|^stdin$/.test(nextValue.value)) push(nextValue);
      i++;
    }
  }
}

/** echo/printf of a literal into a command that reads a password or token from stdin, and `<<< literal`. */
function stdinSpans(ws: Word[], nextSegment: Word[] | undefined, push: (s: Span | undefined) => void): void {
  const readsStdin = (seg: Word[] | undefined) => seg !== undefined && seg.some((w) => STDIN_FLAG.test(w.raw));
  const at = ws.findIndex((w) => w.raw === 'echo' || w.raw === 'printf');
  if (at >= 0 && readsStdin(nextSegment)) {
    let args = ws.slice(at + 1).filter((w) => !/^-[neE]+$/.test(w.raw));
    if (ws[at]!.raw === 'printf' && args[0] && args[0].raw.includes('%')) args = args.slice(1);
    for (const a of args) {
      const v = valueOf(a);
      if (!isPlaceholder(v.value)) push(v);
    }
  }
  if (readsStdin(ws))
    for (let i = 0; i + 1 < ws.length; i++)
      if (ws[i]!.raw === '<<<') {
        const v = valueOf(ws[i + 1]!);
        if (!isPlaceholder(v.value)) push(v);
      }
}

/** Command lines given to a shell or to ssh as one quoted word, each read as a line of its own. */
function shellSpans(ws: Word[], spans: Span[], depth: number): void {
  if (depth >= MAX_DEPTH) return;
  for (const v of nestedLines(ws)) lineSpans(v.value, v.start, spans, depth + 1);
}

function segmentSpans(ws: Word[], nextSegment: Word[] | undefined, spans: Span[], depth: number): void {
  const push = (s: Span | undefined) => s && s.end > s.start && spans.push(s);
  for (const piece of commandPieces(ws)) flagSpans(piece.ws, piece.names, push);
  shellSpans(ws, spans, depth);
  stdinSpans(ws, nextSegment, push);
}

function lineSpans(line: string, offset: number, spans: Span[], depth = 0): void {
  const segments: Word[][] = [[]];
  for (const w of shellWords(line)) {
    if (SEPARATORS.has(w.raw)) {
      segments.push([]);
      continue;
    }
    segments[segments.length - 1]!.push(w);
  }
  const local: Span[] = [];
  for (let s = 0; s < segments.length; s++) segmentSpans(segments[s]!, segments[s + 1], local, depth);
  for (const sp of local) spans.push({ start: sp.start + offset, end: sp.end + offset });
}

/**
 * Lines worth splitting into words: a flag naming a credential (`--password`, `--account-key`, `-storepass`),
 * a command of the tables above, or stdin/here-string input. They are found with one scan of the text, and
 * each is split once.
 */
const LINE_HINT = new RegExp(
  [
    `-[A-Za-z0-9_-]{0,40}?(?:${NAME_TRIGGER.source})`, // bounded: a long run of `-` or letters is not rescanned
    'login|mysql|maria|sshpass|sqlcmd|bcp|zip|7z|redis-cli|mongo|twine|curl|\\bhttps?\\s|httpie|secret\\s+set|poetry|htpasswd|rabbitmqctl|\\bmc\\s|<<<|stdin',
  ].join('|'),
  'gi',
);

/** Masks credentials passed on command lines (see the file comment). */
export function maskCommandLines(text: string): RedactResult {
  const spans: Span[] = [];
  const re = new RegExp(LINE_HINT.source, 'gi');
  for (let m = re.exec(text); m !== null; m = re.exec(text)) {
    const start = text.lastIndexOf('\n', m.index) + 1;
    let end = text.indexOf('\n', m.index);
    if (end < 0) end = text.length;
    lineSpans(text.slice(start, end), start, spans);
    re.lastIndex = end + 1;
  }
  return maskSpans(text, spans);
}
