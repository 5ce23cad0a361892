// drizzle-kit for the read-model DDL template (schema rm_template): `npm run db:generate:readmodel`.
// services/lib/readmodel/versions.ts creates rm_v<N> from it.
import { defineConfig } from 'drizzle-kit';

export default defineConfig({
  dialect: 'postgresql',
  schema: './services/lib/readmodel/tables.ts',
  out: './services/lib/readmodel/ddl',
  schemaFilter: ['rm_template'],
});
