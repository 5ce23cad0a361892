// The one codec for Kafka record values: Confluent wire format (magic byte 0, 4-byte schema id, JSON)
// through the schema registry, validated by Ajv on encode (against our schema) and on decode (against
// the writer's schema, fetched by id). Errors name the JSON pointer of each bad field.
import { SchemaType, type SchemaRegistry } from '@kafkajs/confluent-schema-registry';
import type { Message } from 'kafkajs';
import type { FieldError } from '../schemas/ajv.js';
import { latestByType, loadCatalog, type SchemaEntry } from '../schemas/catalog.js';
import { logicalTopic } from '../kafka/topics.js';
import { createRegistry, RegistryError } from './client.js';
import { traceHeaders } from '../telemetry/kafka-context.js';

export class EventValidationError extends Error {
  constructor(
    message: string,
    readonly errors: FieldError[],
  ) {
    super(`${message}: ${errors.map((e) => `${e.pointer || '/'} ${e.message}`).join('; ')}`);
  }
}

/** A record value that cannot be decoded: not wire format, unknown schema id, invalid JSON. */
export class EventDecodeError extends Error {}

interface DetailedPath {
  path: string[];
  message: string;
}

function validationErrors(err: unknown): FieldError[] | undefined {
  const paths = (err as { paths?: DetailedPath[] }).paths;
  if ((err as Error).name !== 'ConfluentSchemaRegistryValidationError' || !Array.isArray(paths)) return undefined;
  return paths.map((p) => ({ pointer: p.path.join(''), message: p.message }));
}

/** Any record of Verity's topics: typed, keyed by pipeline; identified by event_id (events) or report_id (intake). */
export interface TypedEvent {
  type: string;
  pipeline_id: string;
  event_id?: string;
  report_id?: string;
}

export class EventCodec<E extends TypedEvent = TypedEvent> {
  private constructor(
    readonly topic: string,
    private readonly registry: SchemaRegistry,
    private readonly ids: Map<string, number>,
  ) {}

  /** Resolves the registry ids of the newest committed schema of each event type of `topic`. */
  static async forTopic<E extends TypedEvent>(
    url: string,
    topic: string,
    catalog: SchemaEntry[] = loadCatalog(),
  ): Promise<EventCodec<E>> {
    const registry = createRegistry(url);
    const ids = new Map<string, number>();
    for (const [type, entry] of latestByType(catalog, logicalTopic(topic))) {
      try {
        ids.set(
          type,
          await registry.getRegistryIdBySchema(entry.subject, {
            type: SchemaType.JSON,
            schema: JSON.stringify(entry.schema),
          }),
        );
      } catch (err) {
        throw new RegistryError(
          `${entry.path} is not registered under ${entry.subject} (run \`verity schemas apply\`): ${(err as Error).message}`,
        );
      }
    }
    if (ids.size === 0) throw new RegistryError(`no schemas committed for topic ${topic}`);
    const codec = new EventCodec<E>(topic, registry, ids);
    await Promise.all([...ids.values()].map((id) => codec.writerSchema(id)));
    return codec;
  }

  private readonly fetched = new Map<number, Promise<void>>();

  /**
   * Fetches a schema id once: the client caches a schema only after its first answer, so without this
   * a burst of records with a new id would send one registry request per record.
   */
  private writerSchema(id: number): Promise<void> {
    let p = this.fetched.get(id);
    if (!p) {
      p = this.registry.getSchema(id).then(
        () => undefined,
        (err: unknown) => {
          this.fetched.delete(id); // retry next time (transient) — a 404 surfaces in decode
          throw err;
        },
      );
      this.fetched.set(id, p);
    }
    return p;
  }

  schemaIdOf(type: string): number | undefined {
    return this.ids.get(type);
  }

  async encode(event: E): Promise<Buffer> {
    const id = this.ids.get(event.type);
    if (id === undefined)
      throw new EventValidationError(`unknown event type for ${this.topic}`, [
        { pointer: '/type', message: `"${event.type}" has no schema` },
      ]);
    try {
      return await this.registry.encode(id, event);
    } catch (err) {
      const errors = validationErrors(err);
      if (errors) throw new EventValidationError(`${event.type} does not match its schema`, errors);
      throw err;
    }
  }

  /** Decodes and validates against the writer's schema. Unknown fields of newer writers are kept as-is. */
  async decode(value: Buffer | null): Promise<{ event: E; schemaId: number }> {
    if (!value || value.length < 5 || value.readUInt8(0) !== 0)
      throw new EventDecodeError('not in Confluent wire format (magic byte 0 + schema id)');
    const schemaId = value.readInt32BE(1);
    try {
      await this.writerSchema(schemaId);
      const event = (await this.registry.decode(value)) as E;
      return { event, schemaId };
    } catch (err) {
      const errors = validationErrors(err);
      if (errors) throw new EventValidationError(`record with schema id ${schemaId} does not match its schema`, errors);
      // Poison: the registry does not know the id, or the payload is not JSON. Anything else (the
      // registry unreachable, 5xx) is transient and must not send a good record to a DLQ.
      const status = (err as { status?: number }).status;
      if (status === 404 || err instanceof SyntaxError)
        throw new EventDecodeError(`schema id ${schemaId}: ${(err as Error).message}`);
      throw err;
    }
  }

  /**
   * A kafkajs message keyed by pipeline id, with the envelope headers of ARCHITECTURE.md and the W3C
   * trace context (`traceparent`, `tracestate`) of the active span, if any; `extraHeaders` win (a caller
   * building records for several traces passes `traceHeaders(ctx)` of each).
   */
  async toMessage(event: E, producer: string, extraHeaders: Record<string, string> = {}): Promise<Message> {
    return {
      key: event.pipeline_id,
      value: await this.encode(event),
      headers: {
        'event-type': event.type,
        'event-id': event.event_id ?? event.report_id ?? '',
        producer,
        ...traceHeaders(),
        ...extraHeaders,
      },
    };
  }
}
