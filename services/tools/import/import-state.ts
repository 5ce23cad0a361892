// Where an interrupted import goes on: `.data/verity/import/<connection>.json` (under VERITY_DATA_DIR when
// set) holds the page being worked on and the pipelines of that page already written, saved after every
// pipeline (written to a temporary file, then renamed). A run with the same connection, project and since
// goes on from there; a finished one, or one with other arguments, starts over — which writes the same
// report ids again for what did not change (the decider keeps one of each).
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { REPO_ROOT } from '../../lib/platform/schemas/catalog.js';

export interface ImportState {
  connection: string;
  project: string;
  /** `--since` as given (7d means the same run even a day later). */
  since: string;
  /** The instant it meant when the run began. */
  after: string;
  /** The URL of the page being worked on (null: the first). */
  page: string | null;
  /** Pipelines of that page already written: their id there → the updated_at written. */
  done: Record<string, string>;
  /** Pipelines written in this run so far (for the progress bar and the summary). */
  imported: number;
  finished: boolean;
}

export function stateFile(
  connection: string,
  dataDir = process.env.VERITY_DATA_DIR ?? join(REPO_ROOT, '.data'),
): string {
  return join(dataDir, 'verity', 'import', `${connection.replace(/[^A-Za-z0-9._-]/g, '_')}.json`);
}

/** The saved state to go on from, or a fresh one. */
export function loadState(
  file: string,
  wanted: Pick<ImportState, 'connection' | 'project' | 'since' | 'after'>,
): ImportState {
  const fresh: ImportState = { ...wanted, page: null, done: {}, imported: 0, finished: false };
  let saved: ImportState;
  try {
    saved = JSON.parse(readFileSync(file, 'utf8')) as ImportState;
  } catch {
    return fresh;
  }
  const same =
    saved.connection === wanted.connection && saved.project === wanted.project && saved.since === wanted.since;
  return same && !saved.finished ? { ...fresh, ...saved, imported: 0 } : fresh;
}

export function saveState(file: string, state: ImportState): void {
  mkdirSync(dirname(file), { recursive: true });
  const tmp = `${file}.${process.pid}.tmp`;
  writeFileSync(tmp, `${JSON.stringify(state, null, 2)}\n`);
  renameSync(tmp, file);
}
