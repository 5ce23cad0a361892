// drizzle-kit: generates SQL migrations from services/lib/platform/db/schema.ts (`npm run db:generate`).
import { defineConfig } from 'drizzle-kit';

export default defineConfig({
  dialect: 'postgresql',
  schema: './services/lib/platform/db/schema.ts',
  out: './services/lib/platform/db/migrations',
  dbCredentials: { url: process.env.DATABASE_URL ?? 'postgres://verity:verity@127.0.0.1:54329/verity' },
});
