// What the driver sends its ops through, implemented by http-sink.ts (the ingest API) and kafka-sink.ts
// (straight to ci.intake.v1), and the bounded error sample they and the driver keep for the summary.
import type { BulkLine } from './ops.js';

/** Where ops go. `send` answers one HTTP-like status per line (202 accepted, 4xx refused, 5xx failed). */
export interface Sink {
  readonly name: 'http' | 'kafka';
  send(lines: BulkLine[]): Promise<number[]>;
  close(): Promise<void>;
  /** Whole requests re-sent after 429/503. */
  retries: number;
  /** A few error texts, for the summary. */
  errors: string[];
}

/** Keeps the first few error texts (shortened) for the summary. */
export const remember = (errors: string[], text: string) => {
  if (errors.length < 10) errors.push(text.slice(0, 500));
};
