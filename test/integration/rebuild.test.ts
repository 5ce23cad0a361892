// Zero-downtime rebuild under live traffic: readers of the rm views never see an error or an empty
// result while version N+1 is built from offset 0 and swapped in; the live projector follows it.
import { expect } from 'chai';
import { randomUUID } from 'node:crypto';
import { loadConfig } from '../../services/lib/platform/config/index.js';
import { createPool } from '../../services/lib/platform/db/client.js';
import { createLogger } from '../../services/lib/platform/log.js';
import { loadProjectorConfig } from '../../services/run/projector/config.js';
import { startProjector } from '../../services/run/projector/main.js';
import { rebuild } from '../../services/run/projector/rebuild.js';
import { activeVersion, ensureActiveVersion, versionSchema } from '../../services/lib/readmodel/versions.js';
import { loadQueryConfig } from '../../services/run/query/config.js';
import { startQuery } from '../../services/run/query/main.js';
import { registry } from '../../services/lib/platform/telemetry/metrics.js';
import { api, startDeciderForTest, startIngestForTest, TOKEN_SPEC, TOKENS } from '../support/services.js';
import { until } from '../support/wait.js';

const SHA = 'd1b2c3d4e5f60718293a4b5c6d7e8f9012345678';

/** The sum of a metric's series whose labels include `group="<group>"` (this process's registry). */
async function sumOf(metric: string, group: string): Promise<number> {
  const text = await registry.metrics();
  return text
    .split('\n')
    .filter((l) => l.startsWith(`${metric}{`) && l.includes(`group="${group}"`))
    .reduce((n, l) => n + Number(l.split(' ').at(-1)), 0);
}
const seriesOf = async (metric: string, group: string) =>
  (await registry.metrics()).split('\n').filter((l) => l.startsWith(`${metric}{`) && l.includes(`group="${group}"`));

describe('zero-downtime rebuild (real Kafka and Postgres)', function () {
  this.timeout(300_000);
  const config = loadConfig();
  const pool = createPool(config.databaseUrl, 6);

  it('the query API never fails or answers an empty result during the swap; the live projector follows the new version', async () => {
    const decider = await startDeciderForTest();
    const ingest = await startIngestForTest();
    const live = await startProjector(loadProjectorConfig({ ...process.env, LOG_LEVEL: 'warn' }), {
      http: false,
      followMs: 300,
    });
    const query = await startQuery(
      loadQueryConfig({
        ...process.env,
        QUERY_PORT: '0',
        QUERY_TOKENS: TOKEN_SPEC,
        QUERY_STREAM: 'off',
        LOG_LEVEL: 'warn',
      }),
    );
    const queryUrl = `http://127.0.0.1:${query.port}`;
    const drive = async (n: number) => {
      const ids = Array.from({ length: n }, () => randomUUID());
      const lines = ids.flatMap((id) => [
        {
          op: 'create_pipeline',
          pipeline_id: id,
          project_id: 'test/rebuild',
          ref: 'main',
          sha: SHA,
          definition: { stages: ['s'], jobs: [{ name: 'j', stage: 's' }] },
        },
        { op: 'report', pipeline_id: id, job: 'j', project_id: 'test/rebuild', status: 'running', runner_id: 'r' },
        { op: 'report', pipeline_id: id, job: 'j', project_id: 'test/rebuild', status: 'success' },
      ]);
      expect(
        (
          await api(ingest.url, 'POST', '/v1/reports:bulk', undefined, {
            raw: lines.map((l) => JSON.stringify(l)).join('\n'),
            token: TOKENS.all,
          })
        ).status,
      ).to.equal(200);
      return ids;
    };
    // What a UI sees: the query API's list (it reads the rm views that the rebuild swaps).
    const visible = async (ids: string[]) => {
      const r = await api(queryUrl, 'GET', '/v1/pipelines?project=test/rebuild&status=success&limit=200', undefined, {
        token: TOKENS.all,
      });
      if (r.status !== 200) throw new Error(`query API answered ${r.status}: ${JSON.stringify(r.body)}`);
      const seen = new Set((r.body.items as { pipeline_id: string }[]).map((p) => p.pipeline_id));
      return ids.filter((id) => seen.has(id)).length;
    };
    const waitVisible = async (ids: string[]) => {
      const deadline = Date.now() + 60_000;
      while ((await visible(ids)) < ids.length) {
        if (Date.now() > deadline) throw new Error(`only ${await visible(ids)}/${ids.length} visible`);
        await new Promise((r) => setTimeout(r, 100));
      }
    };
    try {
      const before = await ensureActiveVersion(pool);
      const first = await drive(30);
      await waitVisible(first);

      // The live projector's consumers of the old version report their lag; none of its groups has failed.
      const groupsOf = (v: number) =>
        [`verity-projector-pipelines@v${v}`, `verity-projector-pipelines@v${v}-remediations`].map(
          (g) => `${process.env.VERITY_TOPIC_PREFIX ?? ''}${g}`,
        );
      for (const g of groupsOf(before))
        await until(`lag series of ${g}`, async () =>
          (await seriesOf('verity_consumer_lag', g)).length > 0 ? true : undefined,
        );
      const failuresBefore = await Promise.all(
        [...groupsOf(before), ...groupsOf(before + 1)].map((g) => sumOf('verity_consumer_failures_total', g)),
      );

      // Readers hammer the views during the whole rebuild.
      let reading = true;
      const seen: number[] = [];
      const errors: string[] = [];
      const reader = (async () => {
        while (reading) {
          try {
            seen.push(await visible(first));
          } catch (err) {
            errors.push((err as Error).message);
          }
        }
      })();
      const during = drive(20); // live traffic while rebuilding
      const report = await rebuild(
        loadProjectorConfig({ ...process.env, LOG_LEVEL: 'warn' }),
        pool,
        createLogger('rebuild-test'),
      );
      await during;
      reading = false;
      await reader;

      expect(errors).to.deep.equal([]);
      expect(seen.length).to.be.greaterThan(10);
      expect(Math.min(...seen), 'a reader saw a partial or empty read model').to.equal(first.length);
      expect(report).to.include({ from: before, to: before + 1, dropped: true });
      expect(await activeVersion(pool)).to.equal(before + 1);
      const old = await pool.query('SELECT 1 FROM information_schema.schemata WHERE schema_name = $1', [
        versionSchema(before),
      ]);
      expect(old.rowCount).to.equal(0);

      // The live projector moved to the new version: traffic after the swap shows up.
      const after = await drive(10);
      await waitVisible(after);
      expect(live.version).to.equal(before + 1);
      // A clean handover: the old writer stopped before its tables were dropped (no 'relation does not exist'
      // retries), the rebuild's writer of the new version stopped before the live one took it over (no
      // checkpoint conflicts): no consumer of either version failed once. The old version's series are gone.
      const failuresAfter = await Promise.all(
        [...groupsOf(before), ...groupsOf(before + 1)].map((g) => sumOf('verity_consumer_failures_total', g)),
      );
      expect(failuresAfter, 'failed attempts of the consumers of both versions').to.deep.equal(failuresBefore);
      for (const g of groupsOf(before)) expect(await seriesOf('verity_consumer_lag', g), g).to.deep.equal([]);
      for (const g of groupsOf(before + 1))
        await until(`lag series of ${g}`, async () =>
          (await seriesOf('verity_consumer_lag', g)).length > 0 ? true : undefined,
        );
    } finally {
      await query.stop();
      await live.stop();
      await ingest.stop();
      await decider.stop();
      await pool.end();
    }
  });
});
