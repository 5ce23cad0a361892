// Bearer tokens scoped per project: ingest's producer tokens and the query API's read tokens.
// Configured as "name:token:proj1|proj2;name2:token2:*" (INGEST_TOKENS / QUERY_TOKENS) or a JSON file
// [{"name", "token", "projects": ["group/p", "*"]}] (INGEST_TOKENS_FILE / QUERY_TOKENS_FILE), or that list as
// "producers" of an object that also holds the connections to external CIs (platform/connections/load.ts).
// Tokens are compared by SHA-256 digest with timingSafeEqual, never as plain strings.
import { createHash, timingSafeEqual } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { HttpProblem } from './problem.js';

export interface ProducerToken {
  name: string;
  projects: string[];
}

interface Entry extends ProducerToken {
  digest: Buffer;
}

const digest = (token: string) => createHash('sha256').update(token).digest();

export class TokenRegistry {
  private constructor(private readonly entries: Entry[]) {}

  static fromConfig(spec: string | undefined, file: string | undefined): TokenRegistry {
    let list: { name: string; token: string; projects: string[] }[] = [];
    if (file) {
      // The array form, or {"producers": [...], "connections": [...]} (connections: platform/connections).
      const parsed = JSON.parse(readFileSync(file, 'utf8')) as typeof list | { producers?: typeof list };
      list = Array.isArray(parsed) ? parsed : (parsed.producers ?? []);
    } else if (spec) {
      list = spec
        .split(';')
        .map((s) => s.trim())
        .filter(Boolean)
        .map((s) => {
          const [name, token, projects] = s.split(':');
          if (!name || !token || !projects)
            throw new Error(`INGEST_TOKENS entry "${name ?? s}" must be name:token:project|project`);
          return { name, token, projects: projects.split('|') };
        });
    }
    for (const t of list) {
      if (
        !t.name ||
        typeof t.token !== 'string' ||
        t.token.length < 16 ||
        !Array.isArray(t.projects) ||
        t.projects.length === 0
      ) {
        throw new Error(
          `producer token "${t.name}": needs a name, a token of at least 16 characters and at least one project`,
        );
      }
    }
    return new TokenRegistry(list.map((t) => ({ name: t.name, projects: t.projects, digest: digest(t.token) })));
  }

  get size(): number {
    return this.entries.length;
  }

  /** 401 without a known Bearer token. */
  authenticate(authorization: string | undefined): ProducerToken {
    const m = /^Bearer\s+(\S+)$/i.exec(authorization ?? '');
    if (!m)
      throw new HttpProblem(
        { title: 'Unauthorized', status: 401, detail: 'send a producer token: Authorization: Bearer <token>' },
        { 'WWW-Authenticate': 'Bearer' },
      );
    const d = digest(m[1]!);
    let found: Entry | undefined;
    for (const e of this.entries) if (timingSafeEqual(e.digest, d)) found = e;
    if (!found)
      throw new HttpProblem(
        { title: 'Unauthorized', status: 401, detail: 'unknown producer token' },
        { 'WWW-Authenticate': 'Bearer error="invalid_token"' },
      );
    return { name: found.name, projects: found.projects };
  }

  static allows(token: ProducerToken, projectId: string): boolean {
    return token.projects.includes('*') || token.projects.includes(projectId);
  }

  /** 403 when the token is not scoped to the project. */
  static authorize(token: ProducerToken, projectId: string): void {
    if (!TokenRegistry.allows(token, projectId)) {
      throw new HttpProblem({
        title: 'Forbidden',
        status: 403,
        detail: `producer token "${token.name}" may not report for project "${projectId}"`,
      });
    }
  }
}
