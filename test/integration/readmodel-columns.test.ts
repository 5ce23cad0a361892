// A read-model version built before a DDL file that added columns (ddl/0003: jobs.scheduled_at and
// jobs.variable_keys) is refused at start, naming what it lacks, and `verity rebuild` is the way out: the
// version is never altered in place (the new columns' values come from the events).
import { expect } from 'chai';
import type pg from 'pg';
import { loadConfig } from '../../services/lib/platform/config/index.js';
import { createPool } from '../../services/lib/platform/db/client.js';
import { createVersion, missingColumns, missingTables, versionSchema } from '../../services/lib/readmodel/versions.js';
import { loadProjectorConfig } from '../../services/run/projector/config.js';
import { startProjector } from '../../services/run/projector/main.js';

describe('read-model versions: a version that lacks a column of this release (real Postgres)', function () {
  this.timeout(60_000);
  let pool: pg.Pool;
  const version = 900_000 + Math.floor(Math.random() * 90_000);
  const schema = versionSchema(version);

  before(async () => {
    pool = createPool(loadConfig().databaseUrl, 2);
    const client = await pool.connect();
    try {
      await createVersion(client, version);
    } finally {
      client.release();
    }
  });
  after(async () => {
    await pool.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
    await pool.end();
  });

  it('a version built from every DDL file lacks nothing', async () => {
    expect(await missingTables(pool, version)).to.deep.equal([]);
    expect(await missingColumns(pool, version)).to.deep.equal([]);
  });

  it('a version built before ddl/0003 lacks jobs.scheduled_at and jobs.variable_keys; the projector refuses it', async () => {
    await pool.query(`ALTER TABLE "${schema}".jobs DROP COLUMN scheduled_at, DROP COLUMN variable_keys`);
    expect(await missingColumns(pool, version)).to.deep.equal(['jobs.scheduled_at', 'jobs.variable_keys']);
    let refused: Error | undefined;
    try {
      const projector = await startProjector(
        loadProjectorConfig({
          ...process.env,
          PROJECTOR_VERSION: String(version),
          PROJECTOR_PROJECTION: `columns-check-${version}`,
          LOG_LEVEL: 'warn',
        }),
        { http: false },
      );
      await projector.stop();
    } catch (err) {
      refused = err as Error;
    }
    expect(refused?.message).to.include(`read-model version ${version}`);
    expect(refused?.message).to.include('missing columns: jobs.scheduled_at, jobs.variable_keys');
    expect(refused?.message).to.include('verity rebuild');
  });
});
