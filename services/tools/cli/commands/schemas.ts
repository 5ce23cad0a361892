import { loadConfig } from '../../../lib/platform/config/index.js';
import { applySchemas } from '../../../lib/platform/registry/apply-schemas.js';
import { checkSchemas } from '../../../lib/platform/registry/check-schemas.js';
import { loadCatalog } from '../../../lib/platform/schemas/catalog.js';

export async function schemasCommand(args: string[]): Promise<number> {
  const { schemaRegistryUrl } = loadConfig();
  const catalog = loadCatalog();
  switch (args[0]) {
    case 'apply':
      for (const s of await applySchemas(schemaRegistryUrl, catalog)) console.log(`id ${String(s.id).padStart(4)}  ${s.subject}`);
      return 0;
    case 'check': {
      const results = await checkSchemas(schemaRegistryUrl, catalog);
      for (const r of results) console.log(`${r.ok ? 'ok  ' : 'FAIL'}  ${r.path}  (${r.versions} version${r.versions === 1 ? '' : 's'})${r.error ? `\n      ${r.error}` : ''}`);
      const failed = results.filter((r) => !r.ok).length;
      console.log(`${results.length - failed} compatible, ${failed} incompatible`);
      return failed === 0 ? 0 : 1;
    }
    default:
      console.error('usage: verity schemas apply|check');
      return 2;
  }
}
