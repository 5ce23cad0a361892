// Migrations apply to an empty database and a second run changes nothing.
import { expect } from 'chai';
import { randomUUID } from 'node:crypto';
import pg from 'pg';
import { loadConfig } from '../../services/lib/platform/config/index.js';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { MIGRATIONS_DIR, runMigrations } from '../../services/lib/platform/db/migrate.js';

const committed = (
  JSON.parse(readFileSync(join(MIGRATIONS_DIR, 'meta/_journal.json'), 'utf8')) as { entries: unknown[] }
).entries.length;

describe('Postgres migrations (real server)', function () {
  this.timeout(60_000);
  const { databaseUrl } = loadConfig();
  const name = `verity_test_${randomUUID().replace(/-/g, '').slice(0, 12)}`;
  const url = new URL(databaseUrl);
  url.pathname = `/${name}`;
  const admin = new pg.Client({ connectionString: databaseUrl });

  before(async () => {
    await admin.connect();
    await admin.query(`CREATE DATABASE ${name}`); // name is generated above: letters, digits, underscore
  });
  after(async () => {
    await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    await admin.end();
  });

  it('apply to an empty database, then are idempotent', async () => {
    const first = await runMigrations(url.toString());
    expect(first.applied).to.equal(committed);
    const second = await runMigrations(url.toString());
    expect(second.applied).to.equal(0);

    const db = new pg.Client({ connectionString: url.toString() });
    await db.connect();
    try {
      const cols = await db.query<{ column_name: string }>(
        "SELECT column_name FROM information_schema.columns WHERE table_name = 'projection_checkpoints' ORDER BY ordinal_position",
      );
      expect(cols.rows.map((r) => r.column_name)).to.deep.equal([
        'projection',
        'topic',
        'partition',
        'next_offset',
        'updated_at',
      ]);
      await db.query(
        "INSERT INTO projection_checkpoints (projection, topic, partition, next_offset) VALUES ('p', 't', 0, 10)",
      );
      const dup = await db
        .query(
          "INSERT INTO projection_checkpoints (projection, topic, partition, next_offset) VALUES ('p', 't', 0, 11)",
        )
        .catch((e: Error) => e);
      expect(dup).to.be.instanceOf(Error);
    } finally {
      await db.end();
    }
  });

  it('two concurrent runs apply each migration once', async () => {
    const other = `${name}_c`;
    await admin.query(`CREATE DATABASE ${other}`);
    try {
      const u = new URL(databaseUrl);
      u.pathname = `/${other}`;
      const results = await Promise.all([runMigrations(u.toString()), runMigrations(u.toString())]);
      expect(results.map((r) => r.applied).sort()).to.deep.equal([0, committed]);
    } finally {
      await admin.query(`DROP DATABASE IF EXISTS ${other} WITH (FORCE)`);
    }
  });
});
