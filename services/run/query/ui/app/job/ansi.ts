// One log line's ANSI SGR escape sequences → styled text spans (DOM-free), parsed by anser (ansiToJson).
// The spans are rendered as text, never HTML: the 16 colours and the decorations become CSS classes of
// job.css (tuned for contrast on the viewer's dark background), the 256-colour palette and 24-bit colours
// a CSS colour set through the CSSOM. Colours do not carry over to the next line (each line is parsed on
// its own, when it scrolls into view). Other escape sequences and invisible controls are dropped.
import Anser from 'anser';

export interface Span {
  text: string;
  /** Space-separated classes (ansi-red-fg, ansi-bright-green-bg, ansi-bold, …), '' for none. */
  cls: string;
  /** CSS colours for the palette's 240 other colours and 24-bit colours. */
  fg?: string;
  bg?: string;
}

// Escape sequences anser does not split on (it splits on CSI "ESC ["): OSC (hyperlinks, titles), DCS/SOS/PM/APC,
// and the two-byte ones; then the C0/C1 controls but tab, and bidi overrides that could reorder what is shown.
const NOT_CSI =
  // eslint-disable-next-line no-control-regex
  /\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)?|\x1b[PX^_][^\x1b]*(?:\x1b\\)?|\x1b[\x20-\x2f]+[\x30-\x7e]|\x1b[\x30-\x5a\x5c-\x7e]/g;
// eslint-disable-next-line no-control-regex
const CONTROLS = /[\x00-\x08\x0a-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]/g;

const LEVELS = [0, 95, 135, 175, 215, 255];

/** The CSS colour of xterm palette entry 16..255 (6×6×6 cube, then 24 greys). */
export function paletteColour(index: number): string {
  if (index >= 232) {
    const v = 8 + (index - 232) * 10;
    return `rgb(${v}, ${v}, ${v})`;
  }
  const c = index - 16;
  return `rgb(${LEVELS[Math.floor(c / 36)]}, ${LEVELS[Math.floor(c / 6) % 6]}, ${LEVELS[c % 6]})`;
}

/** anser's colour name (use_classes) → our class, or a CSS colour. */
function colour(name: string | null, truecolor: string | null, side: 'fg' | 'bg'): { cls?: string; css?: string } {
  if (!name) return {};
  if (name === 'ansi-truecolor' && truecolor) return { css: `rgb(${truecolor})` };
  const palette = /^ansi-palette-(\d+)$/.exec(name);
  if (palette) return { css: paletteColour(Number(palette[1])) };
  return /^ansi-(?:bright-)?(?:black|red|green|yellow|blue|magenta|cyan|white)$/.test(name)
    ? { cls: `${name}-${side}` }
    : {};
}

const DECORATIONS = new Set(['bold', 'dim', 'italic', 'underline', 'hidden', 'strikethrough']);

export function ansiSpans(line: string): Span[] {
  const clean = line.includes('\x1b') ? line.replace(NOT_CSI, '') : line;
  if (!clean.includes('\x1b')) {
    const text = clean.replace(CONTROLS, '');
    return text === '' ? [] : [{ text, cls: '' }];
  }
  const parts = new Anser().ansiToJson(clean, { json: true, remove_empty: true, use_classes: true });
  const spans: Span[] = [];
  for (const p of parts) {
    // A stray ESC of a sequence anser could not read goes too.
    const text = p.content.replace(CONTROLS, '').replaceAll('\x1b', '');
    if (text === '') continue;
    const fg = colour(p.fg, p.fg_truecolor, 'fg');
    const bg = colour(p.bg, p.bg_truecolor, 'bg');
    const classes = [fg.cls, bg.cls, ...p.decorations.filter((d) => DECORATIONS.has(d)).map((d) => `ansi-${d}`)];
    const span: Span = { text, cls: classes.filter(Boolean).join(' ') };
    if (fg.css) span.fg = fg.css;
    if (bg.css) span.bg = bg.css;
    const last = spans[spans.length - 1];
    // Neighbours styled alike are one span.
    if (last && last.cls === span.cls && last.fg === span.fg && last.bg === span.bg) last.text += text;
    else spans.push(span);
  }
  return spans;
}

/** The line's text without any styling (for search, copy and tests). */
export const plainText = (line: string): string =>
  ansiSpans(line)
    .map((s) => s.text)
    .join('');
