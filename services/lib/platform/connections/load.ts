// Connections to external CIs (connection.ts) from the producer tokens file (INGEST_TOKENS_FILE), in its
// object form {"producers": [...], "connections": [...]} (the array form holds producer tokens only), and a
// source that re-reads the file when it changes: a new secret or API token takes effect without a restart;
// a broken edit is logged and the last good connections stay in force.
import { readFileSync, statSync } from 'node:fs';
import { normaliseInstance } from '../../core/observed/ids.js';
import { OBSERVED_SYSTEMS } from '../../core/observed/systems.js';
import type { Connection, ConnectionSystem } from './connection.js';

const MIN_SECRET = 16;

interface RawConnection {
  name?: unknown;
  system?: unknown;
  instance?: unknown;
  external_project?: unknown;
  project?: unknown;
  secret?: unknown;
  api_token?: unknown;
  api_url?: unknown;
}

const text = (v: unknown): v is string => typeof v === 'string' && v.trim().length > 0;

/** The API base URL when the file names none: GitLab's /api/v4, api.github.com for github.com, /api/v3 for GHES. */
export function defaultApiUrl(system: ConnectionSystem, instance: string): string {
  const base = normaliseInstance(instance);
  if (system === 'gitlab') return `${base}/api/v4`;
  if (system === 'github') return base === 'https://github.com' ? 'https://api.github.com' : `${base}/api/v3`;
  return base;
}

/** Checks one entry; throws naming the entry and the field. */
function parseConnection(raw: RawConnection, index: number): Connection {
  const where = `connections[${index}]${text(raw.name) ? ` ("${raw.name}")` : ''}`;
  const need = (field: keyof RawConnection, ok: boolean, what: string) => {
    if (!ok) throw new Error(`${where}.${field}: ${what}`);
  };
  need('name', text(raw.name), 'a non-empty name is required');
  need('system', OBSERVED_SYSTEMS.includes(raw.system as ConnectionSystem), `one of ${OBSERVED_SYSTEMS.join(', ')}`);
  need('instance', text(raw.instance) && /^https?:\/\//.test(raw.instance as string), 'the CI base URL (https://…)');
  need('project', text(raw.project), 'the Verity project the pipelines belong to');
  need(
    'secret',
    typeof raw.secret === 'string' && raw.secret.length >= MIN_SECRET,
    `at least ${MIN_SECRET} characters`,
  );
  need('api_token', raw.api_token === undefined || raw.api_token === null || text(raw.api_token), 'a string or null');
  need(
    'api_url',
    raw.api_url === undefined || (text(raw.api_url) && /^https?:\/\//.test(raw.api_url as string)),
    'a URL',
  );
  const system = raw.system as ConnectionSystem;
  const instance = normaliseInstance(raw.instance as string);
  need('external_project', system === 'cdevents' || text(raw.external_project), 'the project there, or "*"');
  return {
    name: raw.name as string,
    system,
    instance,
    externalProject: text(raw.external_project) ? raw.external_project : '*',
    project: raw.project as string,
    secret: raw.secret as string,
    apiToken: text(raw.api_token) ? raw.api_token : null,
    apiUrl: text(raw.api_url) ? (raw.api_url as string).replace(/\/+$/, '') : defaultApiUrl(system, instance),
  };
}

/** The connections of a parsed tokens file (none for the array form). */
export function parseConnections(file: unknown): Connection[] {
  if (Array.isArray(file) || file === null || typeof file !== 'object') return [];
  const list = (file as { connections?: unknown }).connections;
  if (list === undefined) return [];
  if (!Array.isArray(list)) throw new Error('connections: must be an array');
  const out = list.map((raw, i) => parseConnection((raw ?? {}) as RawConnection, i));
  const names = new Set<string>();
  for (const c of out) {
    if (names.has(c.name)) throw new Error(`connections: the name "${c.name}" is used twice`);
    names.add(c.name);
  }
  return out;
}

export function loadConnections(file: string): Connection[] {
  return parseConnections(JSON.parse(readFileSync(file, 'utf8')));
}

export interface ReloadOptions {
  /** How often the file's modification time is checked; 0: never re-read. */
  reloadMs?: number;
  /** Told about a reload that failed (the previous connections stay). */
  onError?: (err: Error) => void;
  onReload?: (connections: readonly Connection[]) => void;
}

/** The current connections; re-reads the file when its mtime or size changes. */
export class ConnectionsSource {
  private timer: NodeJS.Timeout | null = null;
  private stamp = '';

  private constructor(
    private connections: readonly Connection[],
    private readonly file: string | null,
  ) {}

  static fixed(connections: readonly Connection[]): ConnectionsSource {
    return new ConnectionsSource(connections, null);
  }

  /** Reads the file now (throws when it is broken: a service must not start on a bad file). */
  static fromFile(file: string, options: ReloadOptions = {}): ConnectionsSource {
    const source = new ConnectionsSource(loadConnections(file), file);
    source.stamp = stampOf(file);
    const every = options.reloadMs ?? 2000;
    if (every > 0) {
      source.timer = setInterval(() => source.check(options), every);
      source.timer.unref();
    }
    return source;
  }

  current(): readonly Connection[] {
    return this.connections;
  }

  private check(options: ReloadOptions): void {
    if (this.file === null) return;
    try {
      const stamp = stampOf(this.file);
      if (stamp === this.stamp) return;
      this.stamp = stamp;
      this.connections = loadConnections(this.file);
      options.onReload?.(this.connections);
    } catch (err) {
      options.onError?.(err as Error);
    }
  }

  close(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
  }
}

function stampOf(file: string): string {
  const s = statSync(file);
  return `${s.mtimeMs}:${s.size}`;
}
