// Progress of a long job (rebuild, replay, the load generator) as one terminal line on stderr, drawn by
// cli-progress; silent when stderr is not a terminal (CI logs, pipes).
import { Presets, SingleBar } from 'cli-progress';

/** Called with the work done so far, the total and the milliseconds since the start. */
export type Progress = (done: number, total: number, elapsedMs: number) => void;

export function terminalProgress(label: string): Progress {
  if (!process.stderr.isTTY) return () => undefined;
  const bar = new SingleBar(
    {
      format: `${label} [{bar}] {percentage}% {value}/{total} {rate}/s ETA {eta}s`,
      stream: process.stderr,
      hideCursor: false,
      stopOnComplete: true,
    },
    Presets.legacy,
  );
  let started = false;
  return (done, total, elapsedMs) => {
    const rate = elapsedMs > 0 ? Math.round((done / elapsedMs) * 1000) : 0;
    if (!started) bar.start(Math.max(total, done), done, { rate });
    started = true;
    bar.setTotal(Math.max(total, done));
    bar.update(done, { rate });
  };
}
