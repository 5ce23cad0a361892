// The pipelines list kept live (pipelines.tsx): one EventSource on GET /v1/stream for the page's project filter
// (or every project of the session). A status change is applied from the event at once, then the row is
// refetched twice (soon, and later: the read model may trail the event) and replaced in place; a new pipeline
// that matches the filters appears at the top of the first page, unless the reader is away from the top (or on
// an older page): then it, and a change of a row shown, is only noted. "New" means newer than the newest
// pipeline a first page showed (the frontier): an event for an older pipeline that is not in view (on another
// page) changes nothing here. A `reset` of the stream reloads the page.
import type { RefObject } from 'preact';
import type { Dispatch, StateUpdater } from 'preact/hooks';
import { useEffect, useState } from 'preact/hooks';
import { getPipeline, matches, type Filters, type Pipeline, type StreamEvent } from './api.js';
import { isNewer } from './list-order.js';
import { openStream, type Live } from './live.js';

/** What the page shows and knows, read by the stream's handlers when an event arrives. */
export interface ListState {
  filters: Filters;
  cursor: string | null;
  rows: Pipeline[];
}

/** Subscribes while the page's project filter and `load` stay the same; answers the stream's state. */
export function usePipelinesLive(
  project: string,
  load: () => Promise<void>,
  pageSize: number,
  setRows: Dispatch<StateUpdater<Pipeline[]>>,
  state: RefObject<ListState>,
  away: RefObject<boolean>,
  note: (kind: 'added' | 'changed', id: string) => void,
  /** The newest pipeline a first page of these filters showed, or inserted since. */
  frontier: RefObject<Pipeline | null>,
): Live {
  const [live, setLive] = useState<Live>('connecting');
  useEffect(() => {
    const timers = new Map<string, ReturnType<typeof setTimeout>[]>();
    const refetch = async (id: string) => {
      const p = await getPipeline(id).catch(() => undefined);
      if (!p) return;
      setRows((current) => {
        const i = current.findIndex((r) => r.pipeline_id === id);
        if (i >= 0) {
          if (p.last_seq < current[i]!.last_seq) return current;
          const copy = current.slice();
          copy[i] = p;
          return copy;
        }
        const { filters: f, cursor: c } = state.current!;
        const top = frontier.current;
        if (!matches(p, f) || (top && !isNewer(p, top))) return current;
        if (c !== null || away.current) {
          note('added', id);
          return current;
        }
        frontier.current = p;
        return [p, ...current].slice(0, pageSize);
      });
    };
    const schedule = (id: string) => {
      if (timers.has(id)) return;
      // Once soon, once later: the projector may write the row after the event reached us.
      timers.set(id, [
        setTimeout(() => void refetch(id), 250),
        setTimeout(() => {
          timers.delete(id);
          void refetch(id);
        }, 1500),
      ]);
    };
    const onEvent = (message: MessageEvent<string>) => {
      let e: StreamEvent;
      try {
        e = JSON.parse(message.data) as StreamEvent;
      } catch {
        return;
      }
      const status = e.type === 'PipelineStatusChanged' ? e.to : e.type === 'PipelineFinished' ? e.status : undefined;
      if (status !== undefined && e.seq !== undefined) {
        const seq = e.seq;
        if (away.current && state.current!.rows.some((r) => r.pipeline_id === e.pipeline_id))
          note('changed', e.pipeline_id);
        setRows((current) =>
          current.map((r) =>
            r.pipeline_id === e.pipeline_id && seq > r.last_seq
              ? { ...r, status, last_seq: seq, ...(e.duration_ms !== undefined ? { duration_ms: e.duration_ms } : {}) }
              : r,
          ),
        );
      }
      schedule(e.pipeline_id);
    };
    const q = project ? `?${new URLSearchParams({ project })}` : '';
    const source = openStream(q, onEvent, () => void load(), setLive);
    return () => {
      source.close();
      for (const t of timers.values()) t.forEach(clearTimeout);
    };
  }, [project, load]);
  return live;
}
