// The event schemas committed under schemas/<topic>/<EventType>.v<N>.json, and how each maps to a
// registry subject: `<topic>-<EventType>` for v1, `<topic>-<EventType>.v<N>` for a breaking v<N> (N > 1).
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

export const REPO_ROOT = fileURLToPath(new URL('../../../../', import.meta.url));
const SCHEMAS_DIR = join(REPO_ROOT, 'schemas');

export interface SchemaEntry {
  topic: string;
  type: string;
  version: number;
  subject: string;
  /** Path relative to the repository root, as git knows it. */
  path: string;
  schema: Record<string, unknown>;
}

const FILE = /^([A-Z][A-Za-z0-9]+)\.v([1-9][0-9]*)\.json$/;

export function subjectFor(topic: string, type: string, version: number): string {
  return version === 1 ? `${topic}-${type}` : `${topic}-${type}.v${version}`;
}

export function loadCatalog(dir = SCHEMAS_DIR): SchemaEntry[] {
  const entries: SchemaEntry[] = [];
  for (const topic of readdirSync(dir, { withFileTypes: true }).filter((d) => d.isDirectory()).map((d) => d.name).sort()) {
    for (const file of readdirSync(join(dir, topic)).sort()) {
      const m = FILE.exec(file);
      if (!m) throw new Error(`schemas/${topic}/${file}: expected <EventType>.v<N>.json`);
      const [, type, version] = m as unknown as [string, string, string];
      const full = join(dir, topic, file);
      const schema = JSON.parse(readFileSync(full, 'utf8')) as Record<string, unknown>;
      const props = schema.properties as Record<string, { const?: unknown }> | undefined;
      if (props?.type?.const !== type) throw new Error(`schemas/${topic}/${file}: properties.type.const must be "${type}"`);
      entries.push({ topic, type, version: Number(version), subject: subjectFor(topic, type, Number(version)), path: relative(REPO_ROOT, full), schema });
    }
  }
  return entries;
}

/** The newest version of each event type of a topic: what producers encode with. */
export function latestByType(catalog: SchemaEntry[], topic: string): Map<string, SchemaEntry> {
  const out = new Map<string, SchemaEntry>();
  for (const e of catalog) {
    if (e.topic !== topic) continue;
    const cur = out.get(e.type);
    if (!cur || cur.version < e.version) out.set(e.type, e);
  }
  return out;
}
