// Values whose name says they are credentials: `key=value` / `key: value` (env, JSON, YAML, INI, query
// strings, connection strings, `--flag=value`), `COMPOUND_KEY value` (`aws configure set
// aws_secret_access_key …`, Dockerfile `ENV SECRET_KEY value`), `.netrc` `password value`, and XML
// elements (`<password>…</password>`). A strong name masks any value but a placeholder or prose; a weak
// name (`auth`, `AccountKey`, `sig`) and the space-separated forms mask only values that look like secrets.

import { endsWithCredentialWord, isPlaceholder, isProse, keyStrength, looksSecret, NAME_TRIGGER } from './keys.js';
import { maskSpans, type RedactResult, type Span } from './mask.js';

// Keys are found from the words every credential name contains (NAME_TRIGGER, one fast scan), then grown to
// the whole key: a run of up to 64 `[A-Za-z0-9_.-]` characters. Then the separator, read at the key's end:
// `==`, `=~`, `::`, `:=`, `://` are not assignments; `=>` is one before a quoted value only (Ruby, PHP and
// Perl hashes; not `token => token.trim()`); a run of blanks is one for some keys only (checked later).
// Scanning stays linear: each character is looked at a bounded number of times, and the scan goes on after
// the key, or after the value once one was read.
const TRIGGER = new RegExp(NAME_TRIGGER.source, 'gi');
// A key may be quoted with escaped quotes (`{\\"password\\": \\"…\\"}`: JSON inside a JSON or shell string).
const SEPARATOR = /(?:\\{0,3}["'])?[ \t]*(?:=(?![=~>])|:(?![:=/])|=>(?=[ \t]*\\{0,3}["']))[ \t]*|[ \t]+/y;
const MAX_KEY = 64;
const isKeyChar = (c: number) =>
  (c >= 97 && c <= 122) || (c >= 65 && c <= 90) || (c >= 48 && c <= 57) || c === 95 || c === 46 || c === 45;
/** Longest quoted value looked for (a kubeconfig's key data is a few KB); a bare value runs to its end. */
const MAX_QUOTED = 64 * 1024;
const VALUE_STOP = new Set([' ', '\t', '\n', '\r', '"', "'", '&', ',', ';', '<', '>']);

/** Next index of a character at or after `from`, remembered so that forward scans stay linear. */
class Finder {
  private readonly cache = new Map<string, { from: number; at: number }>();
  constructor(private readonly text: string) {}
  next(ch: string, from: number): number {
    const c = this.cache.get(ch);
    if (c && from >= c.from && (c.at < 0 || from <= c.at)) return c.at;
    const at = this.text.indexOf(ch, from);
    this.cache.set(ch, { from, at });
    return at;
  }
  /**
   * Next `q` at or after `from` that closes a value opened by `q` after `k` backslashes: after an even number
   * of backslashes when `k` is 0 (`\\"` is an escaped quote, `\\\\"` an escaped backslash and the end), after
   * at most `k` when the value was opened by an escaped quote (JSON inside a string). Remembered as `next` is.
   */
  closing(q: string, k: number, from: number): number {
    const key = q + String(k);
    const c = this.cache.get(key);
    if (c && from >= c.from && (c.at < 0 || from <= c.at)) return c.at;
    let at = this.next(q, from);
    while (at >= 0 && !closes(backslashesBefore(this.text, at), k)) at = this.next(q, at + 1);
    this.cache.set(key, { from, at });
    return at;
  }
}

/** How many backslashes stand right before `at` (counted up to 8). */
function backslashesBefore(text: string, at: number): number {
  let n = 0;
  while (n < 8 && at - n > 0 && text.charCodeAt(at - n - 1) === 92) n++;
  return n;
}

const closes = (backslashes: number, k: number) => (k === 0 ? backslashes % 2 === 0 : backslashes <= k);

type Value = { value: string; start: number; end: number };

/** A bare value: from `start` to the first blank, quote or separator. */
function bareValue(text: string, start: number): Value | undefined {
  let i = start;
  while (i < text.length && !VALUE_STOP.has(text[i]!)) i++;
  return i === start ? undefined : { value: text.slice(start, i), start, end: i };
}

function unterminated(text: string, from: number): Value | undefined {
  const v = bareValue(text, from);
  if (v === undefined) return undefined;
  let i = v.end;
  while (text[i] === ' ' || text[i] === '\t' || text[i] === '\r') i++;
  return i === text.length || text[i] === '\n' ? v : undefined;
}

/**
 * The value after an assignment at `start`: quoted (without its quotes; an escaped quote inside does not end
 * it; a value quoted with escaped quotes ends at the next one) or bare; undefined if none. A quoted value not
 * closed on its line (cut off, or a typo in a script) is the word after its opening quote if that word ends
 * the line (not `"Password:"),`, where the quote closes a string).
 */
function readValue(text: string, start: number, find: Finder): Value | undefined {
  let k = 0;
  while (k < 3 && text.charCodeAt(start + k) === 92) k++;
  const q = text[start + k];
  if (q !== '"' && q !== "'") return bareValue(text, start);
  const from = start + k + 1;
  const close = find.closing(q, k, from);
  const newline = find.next('\n', from);
  if (close < 0 || close - from >= MAX_QUOTED || (newline >= 0 && newline < close)) return unterminated(text, from);
  const end = k === 0 ? close : close - backslashesBefore(text, close);
  return end > from ? { value: text.slice(from, end), start: from, end } : undefined;
}

/**
 * `KEY value` without `=` or `:`: `aws configure set aws_secret_access_key …`, `npm config set …:_authToken …`,
 * `yarn config set npmAuthToken …`. The key must be an identifier made of parts (not a prose word, not a
 * package name such as `libsecret-1-0` or a file such as `rabbit_password.erl`) that ends with a credential
 * word, and start a word (not end a path or URL).
 */
const isSpacedCredentialName = (key: string, before: string | undefined) =>
  /^_?[A-Za-z][A-Za-z_.-]*[A-Za-z]$/.test(key) &&
  /[A-Za-z][_.-][A-Za-z]|[a-z][A-Z]/.test(key) &&
  (before === undefined || /[\s"'`$(:]/.test(before)) &&
  endsWithCredentialWord(key);
/** Dockerfile's `ENV NAME value` (also in build output: `Step 3/9 : ENV …`, `#5 [2/4] ENV …`). */
const isDockerfileEnv = (text: string, at: number) =>
  text.slice(at - 4, at) === 'ENV ' && (at === 4 || /\s/.test(text[at - 5]!));

/** `gir1.2-secret-1:amd64`, `libsecret-1-dev:arm64.`: a package and its architecture (apt, dpkg), not `key:value`. */
const isArchitecture = (value: string) =>
  /^(?:amd64|arm64|armhf|armel|i386|all|ppc64el|s390x|riscv64|mips64el|mipsel|x32|loong64)[.:]?$/.test(value);

/** Per-line facts, computed once per line however many keys it holds. */
class LineInfo {
  private start = -1;
  private end = -1;
  private netrc = false;
  constructor(private readonly text: string) {}
  /** Whether the line holding `at` is a `.netrc` entry (`machine h login u password p`). */
  isNetrc(at: number): boolean {
    if (at < this.start || at > this.end) {
      this.start = this.text.lastIndexOf('\n', at) + 1;
      const e = this.text.indexOf('\n', at);
      this.end = e < 0 ? this.text.length : e;
      const line = this.text.slice(this.start, this.end);
      this.netrc = /(?:^|[\s"'])(?:machine|default)\s.*\blogin\s/.test(line) || /^\s*password\s+\S+\s*$/.test(line);
    }
    return this.netrc;
  }
}

/** The end of the run of key characters that goes on from `from`: at most MAX_KEY past it, else the run's end. */
function keyEnd(text: string, from: number): number {
  const n = text.length;
  let end = from;
  while (end < n && isKeyChar(text.charCodeAt(end))) if (++end - from > MAX_KEY) break;
  if (end - from > MAX_KEY) while (end < n && isKeyChar(text.charCodeAt(end))) end++;
  return end;
}

/**
 * The start of the key that ends at `end` and holds the trigger at `at`: the whole run of key characters if
 * it is at most MAX_KEY long; in a longer dotted path (`--set global.….clientSecret=`,
 * `-Dquarkus.….database.password=`), the last segments that fit, cut at a `.` before the trigger; -1 otherwise.
 */
function keyStart(text: string, at: number, end: number): number {
  let start = at;
  while (start > 0 && end - start < MAX_KEY && isKeyChar(text.charCodeAt(start - 1))) start--;
  if (start === 0 || !isKeyChar(text.charCodeAt(start - 1))) return start;
  for (let i = start; i < at; i++) if (text.charCodeAt(i) === 46) return i + 1;
  return -1;
}

function assignmentSpans(text: string, spans: Span[]): void {
  const lines = new LineInfo(text);
  const find = new Finder(text);
  const re = new RegExp(TRIGGER.source, 'gi');
  for (let t = re.exec(text); t !== null; t = re.exec(text)) {
    const end = keyEnd(text, t.index + t[0].length);
    re.lastIndex = end;
    if (end - t.index > MAX_KEY) continue; // a run too long to be a key: skipped to its end
    const start = keyStart(text, t.index, end);
    if (start < 0) continue;
    SEPARATOR.lastIndex = end;
    const sep = SEPARATOR.exec(text);
    if (sep === null) continue;
    const key = text.slice(start, end);
    const separator = sep[0];
    const spaced = !/[=:]/.test(separator);
    // `arn:aws:secretsmanager:…:secret:db-x`: a segment of a colon-separated name, not `key: value`.
    if (separator === ':' && text[start - 1] === ':') continue;
    let strength = keyStrength(key);
    if (strength === undefined) continue; // scanning goes on right after the key, into the value
    if (spaced) {
      if (/^pass(?:word|wd)$/i.test(key) && lines.isNetrc(start)) strength = 'strong';
      else if (isSpacedCredentialName(key, text[start - 1])) strength = 'weak';
      else if (!isDockerfileEnv(text, start)) continue;
    }
    const v = readValue(text, end + separator.length, find);
    if (v === undefined) continue;
    re.lastIndex = v.end;
    if (isPlaceholder(v.value) || (separator === ':' && isArchitecture(v.value))) continue;
    if (
      strength === 'weak'
        ? !looksSecret(v.value)
        : isProse(v.value, text.slice(v.end, v.end + 3), separator.includes(':'))
    )
      continue;
    spans.push({ start: v.start, end: v.end });
  }
}

// `<password>…</password>`: the value up to the next `<` (so each start scans a disjoint stretch).
const XML_ELEMENT = /<([A-Za-z][A-Za-z0-9_.:-]{0,63})>([^<\n]{1,512})<\/\1>/g;

function xmlSpans(text: string, spans: Span[]): void {
  if (!text.includes('</')) return;
  XML_ELEMENT.lastIndex = 0;
  for (let m = XML_ELEMENT.exec(text); m !== null; m = XML_ELEMENT.exec(text)) {
    const strength = keyStrength(m[1]!);
    const value = m[2]!;
    if (strength === undefined || isPlaceholder(value.trim())) continue;
    if (strength === 'weak' && !looksSecret(value.trim())) continue;
    const start = m.index + m[1]!.length + 2;
    spans.push({ start, end: start + value.length });
  }
}

// `<add key="ApiToken" value="…"/>`, `<property name="db.password" value="…"/>`: a name attribute naming a
// credential, then a value attribute.
const NAME_VALUE_ATTRIBUTES =
  /(?<![A-Za-z0-9_-])(?:key|name)=(["'])([^"'\n]{1,128})\1[ \t]+value=(["'])([^"'\n]{1,4096})\3/g;

function attributeSpans(text: string, spans: Span[]): void {
  if (!text.includes('value=')) return;
  NAME_VALUE_ATTRIBUTES.lastIndex = 0;
  for (let m = NAME_VALUE_ATTRIBUTES.exec(text); m !== null; m = NAME_VALUE_ATTRIBUTES.exec(text)) {
    const strength = keyStrength(m[2]!);
    const value = m[4]!;
    if (strength === undefined || isPlaceholder(value) || (strength === 'weak' && !looksSecret(value))) continue;
    const end = m.index + m[0].length - 1;
    spans.push({ start: end - value.length, end });
  }
}

export function maskAssignments(text: string): RedactResult {
  const spans: Span[] = [];
  assignmentSpans(text, spans);
  xmlSpans(text, spans);
  attributeSpans(text, spans);
  return maskSpans(text, spans);
}
