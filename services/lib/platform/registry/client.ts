// The schema registry at the edge: @kafkajs/confluent-schema-registry for register/encode/decode,
// plus the few Confluent REST calls it lacks (per-subject config, compatibility test, delete).
import { COMPATIBILITY, SchemaRegistry, SchemaType } from '@kafkajs/confluent-schema-registry';
import { createAjv } from '../schemas/ajv.js';
import { columnBounded } from './column-bounds.js';

export const COMPATIBILITY_LEVEL = COMPATIBILITY.BACKWARD_TRANSITIVE;

export class RegistryError extends Error {
  constructor(
    message: string,
    readonly status?: number,
  ) {
    super(message);
  }
}

export function createRegistry(url: string): SchemaRegistry {
  // Our Ajv (formats, strict) validates on encode and on decode, against the writer's schema made to fit
  // the columns (column-bounds.ts): the client compiles each writer schema once, through this compile.
  const ajv = createAjv();
  const compile = ajv.compile.bind(ajv);
  ajv.compile = ((schema: object) => compile(columnBounded(schema))) as typeof ajv.compile;
  return new SchemaRegistry(
    { host: url, retry: { retries: 3, initialRetryTimeInSecs: 0.2, maxRetryTimeInSecs: 2 } },
    { [SchemaType.JSON]: { ajvInstance: ajv, detailedErrorPaths: true } as never },
  );
}

export class RegistryRest {
  constructor(private readonly url: string) {}

  private async call(method: string, path: string, body?: unknown): Promise<{ status: number; json: unknown }> {
    let res: Response;
    try {
      res = await fetch(`${this.url}${path}`, {
        method,
        headers: { 'content-type': 'application/vnd.schemaregistry.v1+json', accept: 'application/json' },
        body: body === undefined ? undefined : JSON.stringify(body),
        signal: AbortSignal.timeout(10000),
      });
    } catch (err) {
      throw new RegistryError(`schema registry at ${this.url} unreachable: ${(err as Error).message}`);
    }
    const text = await res.text();
    let json: unknown = text;
    try {
      json = text ? JSON.parse(text) : null;
    } catch {
      /* keep the text */
    }
    return { status: res.status, json };
  }

  private static message(json: unknown): string {
    return typeof json === 'object' && json !== null && 'message' in json
      ? String((json as { message: unknown }).message)
      : String(json);
  }

  async ping(): Promise<void> {
    const { status, json } = await this.call('GET', '/subjects');
    if (status !== 200)
      throw new RegistryError(`GET /subjects answered ${status}: ${RegistryRest.message(json)}`, status);
  }

  async setCompatibility(subject: string, level: string = COMPATIBILITY_LEVEL): Promise<void> {
    const { status, json } = await this.call('PUT', `/config/${encodeURIComponent(subject)}`, { compatibility: level });
    if (status !== 200)
      throw new RegistryError(`PUT /config/${subject} answered ${status}: ${RegistryRest.message(json)}`, status);
  }

  /** Registers a schema version; a 409 means the registry's compatibility rule refused it. */
  async register(subject: string, schema: object): Promise<number> {
    const { status, json } = await this.call('POST', `/subjects/${encodeURIComponent(subject)}/versions`, {
      schemaType: 'JSON',
      schema: JSON.stringify(schema),
    });
    if (status === 200) return (json as { id: number }).id;
    throw new RegistryError(`registering ${subject} answered ${status}: ${RegistryRest.message(json)}`, status);
  }

  async deleteSubject(subject: string): Promise<void> {
    for (const suffix of ['', '?permanent=true']) {
      const { status, json } = await this.call('DELETE', `/subjects/${encodeURIComponent(subject)}${suffix}`);
      if (status !== 200 && status !== 404) {
        throw new RegistryError(
          `DELETE /subjects/${subject}${suffix} answered ${status}: ${RegistryRest.message(json)}`,
          status,
        );
      }
    }
  }
}
