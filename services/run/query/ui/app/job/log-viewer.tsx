// The log viewer: a virtual list (@tanstack/virtual-core, fixed row height) of a parsed log, so a 20,000-line
// log renders only the rows in view. Lines keep the stored log's numbers (links to #L<n>: the URL's anchor
// selects and scrolls to a line or range), ANSI colours are parsed per line as it comes into view (ansi.ts),
// sections fold with a real button (Enter/Space), evidence lines carry their range's number and a note row
// with the reason. Text only: nothing of the log is ever parsed as HTML.
import { useEffect, useLayoutEffect, useMemo, useReducer, useRef, useState } from 'preact/hooks';
import {
  elementScroll,
  observeElementOffset,
  observeElementRect,
  Virtualizer,
  type VirtualizerOptions,
} from '@tanstack/virtual-core';
import { ansiSpans, type Span } from './ansi.js';
import type { LogModel } from './log-model.js';
import {
  anchorOf,
  buildRows,
  clampRange,
  initiallyCollapsed,
  parseAnchor,
  rowForLine,
  sectionsAround,
  type Evidence,
  type LineRange,
} from './rows.js';

/** Row height in px: job.css sets the same line-height on every row. */
export const ROW_PX = 20;

type Options = VirtualizerOptions<HTMLDivElement, HTMLDivElement>;

function useVirtualizer(count: number, scroller: { current: HTMLDivElement | null }) {
  const [, rerender] = useReducer((n: number) => n + 1, 0);
  const options = (): Options => ({
    count,
    getScrollElement: () => scroller.current,
    estimateSize: () => ROW_PX,
    scrollToFn: elementScroll,
    observeElementRect,
    observeElementOffset,
    overscan: 20,
    onChange: () => rerender(0),
  });
  const [v] = useState(() => new Virtualizer<HTMLDivElement, HTMLDivElement>(options()));
  v.setOptions(options());
  useLayoutEffect(() => v._didMount(), [v]);
  useLayoutEffect(() => v._willUpdate());
  return v;
}

function Text({ spans }: { spans: Span[] }) {
  return (
    <>
      {spans.map((s, k) =>
        s.cls === '' && !s.fg && !s.bg ? (
          s.text
        ) : (
          <span
            key={k}
            class={s.cls || undefined}
            style={s.fg || s.bg ? { color: s.fg, backgroundColor: s.bg } : undefined}
          >
            {s.text}
          </span>
        ),
      )}
    </>
  );
}

export interface LogViewerProps {
  model: LogModel;
  evidence: Evidence;
  label: string;
  /** performance.now() when the log was asked for: the viewer reports the time to its first rows (data-load-ms). */
  startedAt: number;
}

export function LogViewer({ model, evidence, label, startedAt }: LogViewerProps) {
  const [collapsed, setCollapsed] = useState(() => initiallyCollapsed(model));
  const [selected, setSelected] = useState<LineRange | null>(null);
  const rows = useMemo(() => buildRows(model, collapsed, evidence.notes), [model, collapsed, evidence]);
  const scroller = useRef<HTMLDivElement>(null);
  const frame = useRef<HTMLDivElement>(null);
  const v = useVirtualizer(rows.items.length, scroller);
  const spans = useRef(new Map<number, Span[]>());
  const pending = useRef<{ line: number; center: boolean } | null>(null);
  const fromGutter = useRef(false);
  const collapsedRef = useRef(collapsed);
  collapsedRef.current = collapsed;
  const [tick, setTick] = useState(0);
  useEffect(() => spans.current.clear(), [model]);

  // The URL's #L anchor: select it, open the sections around it, scroll to it (centred unless clicked in view).
  useEffect(() => {
    const onHash = () => {
      const parsed = parseAnchor(window.location.hash);
      const range = parsed && clampRange(parsed, model.lines.length);
      setSelected(range);
      if (!range) return;
      const around = sectionsAround(model, range.from - 1);
      if (around.some((k) => collapsedRef.current.has(k)))
        setCollapsed((c) => new Set([...c].filter((k) => !around.includes(k))));
      pending.current = { line: range.from - 1, center: !fromGutter.current };
      fromGutter.current = false;
      setTick((t) => t + 1);
    };
    onHash();
    window.addEventListener('hashchange', onHash);
    return () => window.removeEventListener('hashchange', onHash);
  }, [model]);
  useLayoutEffect(() => {
    const p = pending.current;
    if (!p || !scroller.current) return;
    pending.current = null;
    if (p.center) scroller.current.scrollIntoView({ block: 'nearest' });
    v.scrollToIndex(rowForLine(rows, p.line), { align: p.center ? 'center' : 'auto' });
  }, [tick, rows, v]);

  // The time from asking for the log to its first rows on screen, for the page's readers and the browser test.
  const reported = useRef(false);
  useEffect(() => {
    if (reported.current || rows.items.length === 0) return;
    reported.current = true;
    requestAnimationFrame(() =>
      frame.current?.setAttribute('data-load-ms', String(Math.round(performance.now() - startedAt))),
    );
  }, [rows, startedAt]);

  const toggle = (k: number) =>
    setCollapsed((c) => {
      const next = new Set(c);
      if (!next.delete(k)) next.add(k);
      return next;
    });
  const all = (fold: boolean) => setCollapsed(fold ? new Set(model.sections.map((_, k) => k)) : new Set());
  const goTo = (e: Event) => {
    e.preventDefault();
    const n = Number(new FormData(e.currentTarget as HTMLFormElement).get('line'));
    if (Number.isInteger(n) && n >= 1) window.location.hash = anchorOf({ from: n, to: n }).slice(1);
  };

  const items = v.getVirtualItems();
  return (
    <div class="log-frame" ref={frame} data-lines={model.lines.length}>
      <div class="log-tools">
        <span class="muted">
          {model.lines.length.toLocaleString()} lines
          {model.sections.length > 0 ? `, ${model.sections.length} sections` : ''}
        </span>
        {model.sections.length > 0 && (
          <>
            <button type="button" class="secondary" onClick={() => all(false)}>
              Expand all
            </button>
            <button type="button" class="secondary" onClick={() => all(true)}>
              Collapse all
            </button>
          </>
        )}
        <form class="log-goto" onSubmit={goTo}>
          <label>
            Go to line <input name="line" type="number" min={1} max={model.lines.length} inputMode="numeric" />
          </label>
          <button type="submit" class="secondary">
            Go
          </button>
        </form>
      </div>
      <div class="log-scroll" ref={scroller} role="region" aria-label={label} tabIndex={0}>
        <div class="log-sizer" style={{ height: `${v.getTotalSize()}px` }}>
          {items.map((item) => {
            const value = rows.items[item.index]!;
            const style = { transform: `translateY(${item.start}px)` };
            if (value < 0) {
              const note = evidence.notes[-value - 1]!;
              return (
                <div key={`n${value}`} class="log-row log-note" style={style}>
                  <span class="log-ev" aria-hidden="true">
                    ▼
                  </span>
                  <span class="log-note-text">{note.text}</span>
                </div>
              );
            }
            const line = model.lines[value]!;
            const n = value + 1;
            let cached = spans.current.get(value);
            if (!cached) spans.current.set(value, (cached = ansiSpans(line.text)));
            const mark = evidence.marks.get(value);
            const isSelected = selected !== null && n >= selected.from && n <= selected.to;
            const open = line.heads >= 0 && !collapsed.has(line.heads);
            const cls = [
              'log-row',
              mark !== undefined ? 'log-evidence' : '',
              isSelected ? 'log-selected' : '',
              line.heads >= 0 ? 'log-head' : '',
            ].join(' ');
            return (
              <div key={value} class={cls} style={style} data-line={n} aria-current={isSelected ? 'true' : undefined}>
                <span class="log-ev">
                  {mark !== undefined && (
                    <>
                      <span aria-hidden="true">E{mark}</span>
                      <span class="visually-hidden">Evidence {mark}:</span>
                    </>
                  )}
                </span>
                <a
                  class="log-ln"
                  href={`#L${n}`}
                  tabIndex={-1}
                  onClick={() => (fromGutter.current = true)}
                  aria-label={`Line ${n}`}
                >
                  {n}
                </a>
                {line.heads >= 0 ? (
                  <button
                    type="button"
                    class="log-toggle"
                    aria-expanded={open}
                    onClick={() => toggle(line.heads)}
                    data-section={model.sections[line.heads]!.name}
                  >
                    <span class="log-caret" aria-hidden="true">
                      {open ? '▾' : '▸'}
                    </span>
                    <Text spans={cached} />
                  </button>
                ) : (
                  <span class="log-text">
                    <Text spans={cached} />
                  </span>
                )}
              </div>
            );
          })}
        </div>
      </div>
    </div>
  );
}
