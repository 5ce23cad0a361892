// Registers every committed event schema under its subject with BACKWARD_TRANSITIVE compatibility.
// Idempotent: the registry returns the existing id for a schema it already holds.
import { SchemaType } from '@kafkajs/confluent-schema-registry';
import type { SchemaEntry } from '../schemas/catalog.js';
import { COMPATIBILITY_LEVEL, createRegistry, RegistryError, RegistryRest } from './client.js';

export interface AppliedSchema {
  subject: string;
  id: number;
  path: string;
}

export async function applySchemas(url: string, catalog: SchemaEntry[]): Promise<AppliedSchema[]> {
  const rest = new RegistryRest(url);
  const registry = createRegistry(url);
  const out: AppliedSchema[] = [];
  for (const entry of catalog) {
    // Apicurio answers NONE for a subject without its own rule, and the client then refuses to
    // register: set the subject's rule first.
    await rest.setCompatibility(entry.subject);
    try {
      const { id } = await registry.register(
        { type: SchemaType.JSON, schema: JSON.stringify(entry.schema) },
        { subject: entry.subject, compatibility: COMPATIBILITY_LEVEL },
      );
      out.push({ subject: entry.subject, id, path: entry.path });
    } catch (err) {
      const e = err as Error & { status?: number };
      throw new RegistryError(`${entry.path} → ${entry.subject}: ${e.message}`, e.status);
    }
  }
  return out;
}
