// drizzle-kit for the read-model DDL template (schema rm_template): `npm run db:generate:readmodel`.
// services/projector/versions.ts creates rm_v<N> from it.
import { defineConfig } from 'drizzle-kit';

export default defineConfig({
  dialect: 'postgresql',
  schema: './services/platform/db/read-model.ts',
  out: './services/projector/ddl',
  schemaFilter: ['rm_template'],
});
