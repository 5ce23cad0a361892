// What a webhook adapter makes of one authenticated delivery (issue 14): observations to write to
// ci.intake.v1 as ObservePipeline records, or a reason to ignore it (202), or the field that is wrong (400).
// Adapters are pure mapping tables over the parsed payload; the routes authenticate, parse and write.
import type { Observation } from '../../../lib/core/observed/ids.js';

export type AdapterResult =
  | { kind: 'observations'; observations: Observation[] }
  | { kind: 'ignored'; reason: string }
  | { kind: 'invalid'; pointer: string; message: string };

/** What the route knows about the delivery besides its body: the connection it authenticated as. */
export interface DeliveryContext {
  /** The CI instance's base URL (the connection's `instance`): the namespace of every id. */
  instance: string;
  /** The connection's external project (`*` = any): a payload for another project is refused as invalid. */
  externalProject: string;
  /** Ingest's clock, for observations whose payload carries no timestamp at all. */
  receivedAt: string;
}

export const ignored = (reason: string): AdapterResult => ({ kind: 'ignored', reason });
export const invalid = (pointer: string, message: string): AdapterResult => ({ kind: 'invalid', pointer, message });
