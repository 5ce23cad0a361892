// Secrets in command lines, read as shell words:
// - a long flag whose name says it holds a credential takes the next word (`--password p`, `--token t`,
//   `--account-key k`); `--flag=value` is left to the assignment rule;
// - single-dash word flags of the keytool/openssl kind (`-storepass p`, `-passout pass:p`);
// - short flags whose meaning depends on the command (`-p` after `login`, `mysql -pPASS`, `sshpass -p`,
//   `sqlcmd -P`, `redis-cli -a`, `curl -u user:pass`, `gh secret set --body`);
// - a literal echoed or printed into a command that reads its password from stdin
//   (`echo pw | docker login --password-stdin`, `<<< token` into `--with-token`).
// Each line is split into words once (quotes kept together), so the cost is linear in the line.

import { isPlaceholder, keyStrength, looksSecret, NAME_TRIGGER } from './keys.js';
import { maskSpans, type RedactResult, type Span } from './mask.js';

interface Word {
  start: number;
  end: number;
  raw: string;
}

/** Shell-like words of a line with their offsets; a quoted stretch stays inside its word. */
export function shellWords(line: string): Word[] {
  const words: Word[] = [];
  const n = line.length;
  let i = 0;
  while (i < n) {
    while (i < n && (line[i] === ' ' || line[i] === '\t')) i++;
    if (i >= n) break;
    const start = i;
    while (i < n && line[i] !== ' ' && line[i] !== '\t') {
      const c = line[i];
      if (c === '"' || c === "'") {
        const close = line.indexOf(c, i + 1);
        i = close < 0 ? n : close + 1;
      } else i++;
    }
    words.push({ start, end: i, raw: line.slice(start, i) });
  }
  return words;
}

/** The value of a word (or of its tail from `skip`), without surrounding quotes. */
function valueOf(w: Word, skip = 0): Span & { value: string } {
  const raw = w.raw.slice(skip);
  const start = w.start + skip;
  const q = raw[0];
  if (raw.length >= 2 && (q === '"' || q === "'") && raw[raw.length - 1] === q)
    return { start: start + 1, end: w.end - 1, value: raw.slice(1, -1) };
  return { start, end: w.end, value: raw };
}

const SEPARATORS = new Set(['|', '||', '&&', ';', '&']);
const basename = (raw: string) => raw.replace(/^["']|["']$/g, '').replace(/^.*\//, '');

/** A help text's metavariable (`--token TOKEN`) rather than a value. */
const isMetavar = (v: string) => /^[A-Z][A-Z_]{0,31}$/.test(v) || /^\[.*\]$/.test(v);
/** Whether a flag's next word can be its value at all. */
const isValueWord = (v: string) =>
  v !== '' && !v.startsWith('-') && !SEPARATORS.has(v) && !/^[<>]/.test(v) && !isPlaceholder(v) && !isMetavar(v);

type Kind = 'plain' | 'userpass';

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
function commandFlags(names: Set<string>): { next: Map<string, Kind>; attached: Set<string> } {
  const next = new Map<string, Kind>();
  const attached = new Set<string>();
  const has = (xs: Iterable<string>) => [...xs].some((x) => names.has(x));
  if (names.has('login')) next.set('-p', 'plain'); // docker/podman/helm/oc/az/cf … login -p
  if (has(MYSQL)) attached.add('-p');
  if (names.has('sshpass')) {
    next.set('-p', 'plain');
    attached.add('-p');
  }
  if (has(['sqlcmd', 'bcp', 'zip', 'unzip'])) next.set('-P', 'plain');
  if (has(['7z', '7za'])) attached.add('-p');
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

/** A `user:password` value: the password's span. */
function userpass(v: Span & { value: string }): Span | undefined {
  const colon = v.value.indexOf(':');
  if (colon < 0) return undefined;
  const pass = v.value.slice(colon + 1);
  if (pass === '' || isPlaceholder(pass) || isPlaceholder(v.value)) return undefined;
  return { start: v.start + colon + 1, end: v.end };
}

/**
 * Commands whose positional arguments are credentials: for the word that `after` matches, the positions
 * (1 = the next positional word) that hold secrets.
 */
const POSITIONAL: readonly { command: string; after: RegExp; secrets: number[] }[] = [
  { command: 'poetry', after: /^http-basic\./, secrets: [2] }, // poetry config http-basic.REPO USER PASSWORD
  { command: 'htpasswd', after: /^-[a-zA-Z]*b[a-zA-Z]*$/, secrets: [3] }, // htpasswd -b FILE USER PASSWORD
  { command: 'rabbitmqctl', after: /^(?:add_user|change_password)$/, secrets: [2] }, // rabbitmqctl add_user USER PASSWORD
  { command: 'mc', after: /^(?:set|add)$/, secrets: [3, 4] }, // mc alias set NAME URL ACCESS_KEY SECRET_KEY
];

function positionalSpans(ws: Word[], names: Set<string>, push: (s: Span) => void): void {
  for (const p of POSITIONAL) {
    if (!names.has(p.command)) continue;
    const at = ws.findIndex((w) => p.after.test(w.raw));
    if (at < 0) continue;
    const positional = ws.slice(at + 1).filter((w) => !w.raw.startsWith('-'));
    for (const n of p.secrets) {
      const w = positional[n - 1];
      if (w === undefined) continue;
      const v = valueOf(w);
      if (!isPlaceholder(v.value)) push(v);
    }
  }
}

function segmentSpans(ws: Word[], nextSegment: Word[] | undefined, spans: Span[]): void {
  const names = new Set(ws.filter((w) => !w.raw.startsWith('-')).map((w) => basename(w.raw)));
  const { next, attached } = commandFlags(names);
  const push = (s: Span | undefined) => s && s.end > s.start && spans.push(s);
  positionalSpans(ws, names, push);
  for (let i = 0; i < ws.length; i++) {
    const w = ws[i]!;
    const raw = w.raw;
    if (raw[0] !== '-') continue;
    const after = ws[i + 1];
    const nextValue = after && valueOf(after);
    const kind = next.get(raw);
    if (kind !== undefined && nextValue && isValueWord(nextValue.value)) {
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
  // echo/printf of a literal into a command that reads a password or token from stdin.
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

function lineSpans(line: string, offset: number, spans: Span[]): void {
  const segments: Word[][] = [[]];
  for (const w of shellWords(line)) {
    if (SEPARATORS.has(w.raw)) {
      segments.push([]);
      continue;
    }
    segments[segments.length - 1]!.push(w);
  }
  const local: Span[] = [];
  for (let s = 0; s < segments.length; s++) segmentSpans(segments[s]!, segments[s + 1], local);
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
