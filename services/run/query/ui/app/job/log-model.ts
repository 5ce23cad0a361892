// A CI job log as the log viewer shows it (DOM-free): its lines, numbered as in the stored log (line N is
// the Nth '\n'-separated line, the numbering the remediator's evidence uses), with carriage-return
// progress overwrites resolved, and the collapsible sections CI systems mark in their logs —
// GitLab (`section_start:<ts>:<name>[collapsed=true]\r\e[0K<header>` … `section_end:<ts>:<name>\r\e[0K`),
// GitHub Actions (`##[group]<header>` … `##[endgroup]`, also `::group::`) and Travis CI
// (`travis_fold:start:<name>` … `travis_fold:end:<name>`). A line holding only end markers is hidden.
// ANSI escape sequences are kept in the text (ansi.ts renders them); everything is linear in the log's size.

export interface LogLine {
  /** Text to show (ANSI SGR sequences kept), markers and overwritten progress removed. */
  text: string;
  /** Index in `sections` of the section this line is the header of, or -1. */
  heads: number;
  /** A line of end markers only: not shown (its number is skipped, as GitLab does). */
  hidden: boolean;
}

export interface Section {
  name: string;
  /** 0-based index of the header line. */
  header: number;
  /** 0-based index of the last line inside (its end marker line, or the log's last line when never closed). */
  end: number;
  /** Whether the log asks for it collapsed at first (GitLab's `[collapsed=true]`). */
  collapsed: boolean;
  /** Nesting depth, 0 for a top-level section. */
  depth: number;
}

export interface LogModel {
  lines: LogLine[];
  sections: Section[];
}

// Control sequences that are not SGR colours: dropped when deciding whether a segment shows anything.
const ANY_ESCAPE =
  // eslint-disable-next-line no-control-regex
  /\x1b\[[0-?]*[ -/]*[@-~]|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)?|\x1b[\x20-\x2f]*[\x30-\x5a\x5c\x5e-\x7e]/g;
const GITLAB_START = /^section_start:(\d+):([^\s[\r]+)(?:\[([^\]\r]*)\])?\r?/;
const GITLAB_END = /^section_end:(\d+):([^\s[\r]+)\r?/;
const TRAVIS_START = /^travis_fold:start:([^\s\r]+)\r?/;
const TRAVIS_END = /^travis_fold:end:([^\s\r]+)\r?/;
const TRAVIS_TIME = /^travis_time:(?:start|end):[^\r]*\r?/;
// GitHub's downloaded logs start every line with a timestamp.
const GITHUB_TIME = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(?:\.\d+)?Z /;
const GITHUB_START = /^(?:##\[group\]|::group::)/;
const GITHUB_END = /^(?:##\[endgroup\]|::endgroup::)/;
/** Erase-line sequences CI runners put right after a marker. */
// eslint-disable-next-line no-control-regex
const ERASE = /^(?:\x1b\[0?K)+/;

/** The text without escape sequences: what a segment shows. */
export const visibleText = (text: string): string => text.replace(ANY_ESCAPE, '');

/**
 * A line as a terminal finally shows it after carriage returns: the last segment that shows something
 * (`Downloading 10%\rDownloading 100%` → `Downloading 100%`); a trailing `\r` keeps what came before.
 */
export function overwrite(line: string): string {
  if (!line.includes('\r')) return line;
  const segments = line.split('\r');
  for (let i = segments.length - 1; i >= 0; i--) if (visibleText(segments[i]!) !== '') return segments[i]!;
  return '';
}

type Marker =
  { kind: 'start'; name: string; collapsed: boolean; header: string | null } | { kind: 'end'; name: string };

/** The section markers at the start of `line` (GitLab writes an end and the next start on one line), and the rest. */
export function markersOf(line: string): { markers: Marker[]; rest: string } {
  const markers: Marker[] = [];
  let rest = line;
  for (;;) {
    const before = rest;
    rest = rest.replace(ERASE, '');
    let m: RegExpExecArray | null;
    if ((m = GITLAB_START.exec(rest))) {
      const options = m[3] ?? '';
      markers.push({
        kind: 'start',
        name: m[2]!,
        collapsed: /(?:^|,)collapsed=true(?:,|$)/.test(options),
        header: null,
      });
      rest = rest.slice(m[0].length);
    } else if ((m = GITLAB_END.exec(rest))) {
      markers.push({ kind: 'end', name: m[2]! });
      rest = rest.slice(m[0].length);
    } else if ((m = TRAVIS_START.exec(rest))) {
      markers.push({ kind: 'start', name: m[1]!, collapsed: false, header: null });
      rest = rest.slice(m[0].length);
    } else if ((m = TRAVIS_END.exec(rest))) {
      markers.push({ kind: 'end', name: m[1]! });
      rest = rest.slice(m[0].length);
    } else if ((m = TRAVIS_TIME.exec(rest))) {
      rest = rest.slice(m[0].length);
    } else {
      const stamp = GITHUB_TIME.exec(rest)?.[0] ?? '';
      const body = rest.slice(stamp.length);
      if ((m = GITHUB_START.exec(body))) {
        const header = body.slice(m[0].length);
        markers.push({ kind: 'start', name: header, collapsed: false, header });
        rest = '';
      } else if ((m = GITHUB_END.exec(body))) {
        markers.push({ kind: 'end', name: '' });
        rest = body.slice(m[0].length);
      }
    }
    if (rest === before) return { markers, rest };
  }
}

/** Lines of a log text: split on '\n', the empty line after a final '\n' dropped. */
export function splitLines(text: string): string[] {
  const lines = text.split('\n');
  if (lines.length > 1 && lines[lines.length - 1] === '') lines.pop();
  return lines;
}

// A cheap test before the marker regexps: most lines hold none.
const MAYBE_MARKER = /section_|travis_|group/;

export function parseLog(text: string): LogModel {
  const raw = splitLines(text);
  const lines: LogLine[] = new Array<LogLine>(raw.length);
  const sections: Section[] = [];
  const open: number[] = [];
  for (let i = 0; i < raw.length; i++) {
    const line = raw[i]!;
    if (!MAYBE_MARKER.test(line)) {
      lines[i] = { text: overwrite(line), heads: -1, hidden: false };
      continue;
    }
    const { markers, rest } = markersOf(line);
    let heads = -1;
    let header: string | null = null;
    for (const mk of markers) {
      if (mk.kind === 'end') {
        // GitHub's endgroup closes the innermost group; the others close the section of their name.
        let k = open.length - 1;
        if (mk.name !== '') while (k >= 0 && sections[open[k]!]!.name !== mk.name) k--;
        if (k < 0) continue;
        for (const s of open.splice(k)) sections[s]!.end = i;
      } else {
        heads = sections.length;
        header = mk.header;
        sections.push({ name: mk.name, header: i, end: raw.length - 1, collapsed: mk.collapsed, depth: open.length });
        open.push(heads);
      }
    }
    const shown = overwrite(rest);
    if (heads >= 0) {
      const s = sections[heads]!;
      lines[i] = { text: header ?? (visibleText(shown).trim() === '' ? s.name : shown), heads, hidden: false };
    } else {
      lines[i] = { text: shown, heads: -1, hidden: markers.length > 0 && visibleText(shown).trim() === '' };
    }
  }
  // A section that ends on its own header line (a start and its end on one line) holds nothing.
  for (const s of sections) if (s.end < s.header) s.end = s.header;
  return { lines, sections };
}
