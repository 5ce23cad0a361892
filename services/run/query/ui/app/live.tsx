// The live pages' connection to GET /v1/stream (the pipelines list and a pipeline's page): every pipeline event
// to the page's handler, a `reset` (the stream could not resume: the page reloads what it shows), and the
// connection's state, shown by the page's "Live" indicator (its colour AND its text).
import { STREAM_EVENTS } from './api.js';

export type Live = 'connecting' | 'live' | 'reconnecting' | 'off';

const LIVE_TEXT: Record<Live, string> = {
  connecting: 'Connecting…',
  live: 'Live',
  reconnecting: 'Reconnecting…',
  off: 'Live updates off',
};

/**
 * Opens GET /v1/stream with `query` (empty, or "?…"); the caller closes the source it answers. The first
 * connection is a `reset` too: what changed between the page's first read and the stream's start was in no
 * event the page got (reconnections resume from Last-Event-ID, or the server sends `reset`).
 */
export function openStream(
  query: string,
  onEvent: (message: MessageEvent<string>) => void,
  onReset: () => void,
  setLive: (live: Live) => void,
): EventSource {
  const source = new EventSource(`/v1/stream${query}`);
  let opened = false;
  source.onopen = () => {
    setLive('live');
    if (!opened) onReset();
    opened = true;
  };
  source.onerror = () => setLive(source.readyState === EventSource.CLOSED ? 'off' : 'reconnecting');
  for (const type of STREAM_EVENTS) source.addEventListener(type, onEvent);
  source.addEventListener('reset', onReset);
  return source;
}

export function LiveIndicator({ live }: { live: Live }) {
  return (
    <p class={`live live-${live}`} role="status" aria-live="polite">
      <span aria-hidden="true">●</span> {LIVE_TEXT[live]}
    </p>
  );
}
