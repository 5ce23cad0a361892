// `verity schemas apply|check`: the event schemas of schemas/ in the schema registry.
import type { Command } from 'commander';
import type { Invoke } from '../invoke.js';
import { loadConfig } from '../../../lib/platform/config/index.js';
import { applySchemas } from '../../../lib/platform/registry/apply-schemas.js';
import { checkSchemas } from '../../../lib/platform/registry/check-schemas.js';
import { loadCatalog } from '../../../lib/platform/schemas/catalog.js';

export function registerSchemas(program: Command, invoke: Invoke): void {
  const schemas = program
    .command('schemas')
    .summary('apply|check: register the event schemas; check their compatibility with history')
    .description('the event schemas of schemas/ in the schema registry (SCHEMA_REGISTRY_URL): register, check');
  schemas
    .command('apply')
    .description("register every schema version under its subject (the topic's logical name and the event type)")
    .action(() => invoke('schemas apply', {}, applySchemasCommand));
  schemas
    .command('check')
    .description('check each schema is compatible with the versions registered before it; exit 1 when one is not')
    .action(() => invoke('schemas check', {}, checkSchemasCommand));
}

export async function applySchemasCommand(): Promise<number> {
  const { schemaRegistryUrl } = loadConfig();
  const registered = await applySchemas(schemaRegistryUrl, loadCatalog());
  for (const s of registered) console.log(`id ${String(s.id).padStart(4)}  ${s.subject}`);
  return 0;
}

export async function checkSchemasCommand(): Promise<number> {
  const { schemaRegistryUrl } = loadConfig();
  const results = await checkSchemas(schemaRegistryUrl, loadCatalog());
  for (const r of results) {
    const versions = `${r.versions} version${r.versions === 1 ? '' : 's'}`;
    console.log(`${r.ok ? 'ok  ' : 'FAIL'}  ${r.path}  (${versions})${r.error ? `\n      ${r.error}` : ''}`);
  }
  const failed = results.filter((r) => !r.ok).length;
  console.log(`${results.length - failed} compatible, ${failed} incompatible`);
  return failed === 0 ? 0 : 1;
}
