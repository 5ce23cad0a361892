// `make schemas-check`: every committed schema file, with its uncommitted change if any, must be
// BACKWARD_TRANSITIVE-compatible with all of its earlier committed versions. The real registry judges:
// the versions are registered, oldest first, under a scratch subject that is deleted afterwards.
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { REPO_ROOT, type SchemaEntry } from '../schemas/catalog.js';
import { RegistryError, RegistryRest } from './client.js';

export interface SchemaCheckResult {
  path: string;
  versions: number;
  ok: boolean;
  error?: string;
}

const git = (args: string[]) =>
  execFileSync('git', args, {
    cwd: REPO_ROOT,
    encoding: 'utf8',
    maxBuffer: 64 << 20,
    stdio: ['ignore', 'pipe', 'ignore'],
  });

/** Distinct contents of a file through history, oldest first, then the working copy if it differs. */
function schemaHistory(path: string): string[] {
  let commits: string[] = [];
  try {
    commits = git(['log', '--format=%H', '--reverse', '--', path]).split('\n').filter(Boolean);
  } catch {
    commits = []; // not a git checkout: only the working copy
  }
  const versions: string[] = [];
  const push = (text: string) => {
    const canonical = JSON.stringify(JSON.parse(text));
    if (versions.at(-1) !== canonical) versions.push(canonical);
  };
  for (const c of commits) {
    try {
      push(git(['show', `${c}:${path}`]));
    } catch {
      /* deleted in that commit */
    }
  }
  push(readFileSync(join(REPO_ROOT, path), 'utf8'));
  return versions;
}

export async function checkSchemas(
  url: string,
  catalog: SchemaEntry[],
  history = schemaHistory,
): Promise<SchemaCheckResult[]> {
  const rest = new RegistryRest(url);
  const results: SchemaCheckResult[] = [];
  const run = `${process.pid}-${Date.now()}`;
  for (const entry of catalog) {
    const versions = history(entry.path);
    if (versions.length < 2) {
      results.push({ path: entry.path, versions: versions.length, ok: true });
      continue;
    }
    const scratch = `verity-schemas-check-${run}-${entry.subject}`;
    try {
      await rest.setCompatibility(scratch);
      let i = 0;
      try {
        for (; i < versions.length; i++) await rest.register(scratch, JSON.parse(versions[i]!) as object);
        results.push({ path: entry.path, versions: versions.length, ok: true });
      } catch (err) {
        if (!(err instanceof RegistryError) || err.status !== 409) throw err;
        const which =
          i === versions.length - 1 && versions.length > 1
            ? 'the current version'
            : `version ${i + 1} of ${versions.length}`;
        results.push({
          path: entry.path,
          versions: versions.length,
          ok: false,
          error: `${which} is not BACKWARD_TRANSITIVE-compatible: ${err.message}`,
        });
      }
    } finally {
      await rest.deleteSubject(scratch);
    }
  }
  return results;
}
