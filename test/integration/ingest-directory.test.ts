// The pipeline directory on the real Postgres: claims (first writer wins, a retry of the same create
// recognised), owners and jobs, and apply(directoryRows(events)) from canonical events — how pipelines
// created before the directory existed (or straight on ci.intake.v1) and job attempt ids become known.
import { expect } from 'chai';
import { randomUUID } from 'node:crypto';
import type pg from 'pg';
import type { PipelineEvent } from '../../services/lib/core/events/generated.js';
import { definition, job, Reports } from '../../services/lib/core/pipeline/fixtures.js';
import { decide, evolveAll, type PipelineState } from '../../services/lib/core/pipeline/index.js';
import { directoryRows, PipelineDirectory } from '../../services/run/ingest/directory.js';
import { loadConfig } from '../../services/lib/platform/config/index.js';
import { createDb, createPool, type Db } from '../../services/lib/platform/db/client.js';

/** A pipeline that ran: created, its job failed and was retried automatically (a second attempt id). */
function history(project: string): { pipelineId: string; events: PipelineEvent[] } {
  const pipelineId = randomUUID();
  const r = new Reports(pipelineId, project);
  const ctx = { now: new Date().toISOString(), newJobId: () => randomUUID(), newEventId: () => randomUUID() };
  const def = definition(['test'], [job('unit', 'test', { retry: { max: 1, when: ['always'] } }), job('lint', 'test')]);
  let state: PipelineState | null = null;
  const events: PipelineEvent[] = [];
  for (const report of [r.create(def), ...r.runs('unit', 'failed')]) {
    const d = decide(state, report, ctx);
    if (d.kind === 'rejected') throw new Error(`${d.code}: ${d.message}`);
    state = evolveAll(state, d.events);
    events.push(...d.events);
  }
  return { pipelineId, events };
}
const attemptsOf = (events: PipelineEvent[]) =>
  events.filter((e) => e.type === 'JobCreated').map((e) => (e as { job_id: string }).job_id);

describe('ingest: pipeline directory (real Postgres)', function () {
  this.timeout(60_000);
  let pool: pg.Pool;
  let db: Db;
  const rows = async (table: 'ingest_pipelines' | 'ingest_job_attempts') =>
    Number((await pool.query<{ n: string }>(`SELECT count(*)::text AS n FROM ${table}`)).rows[0]!.n);

  before(() => {
    pool = createPool(loadConfig().databaseUrl, 4);
    db = createDb(pool);
  });
  after(() => pool.end());

  it('apply(directoryRows(events)) makes a pipeline created elsewhere known: owner, job names, every attempt id', async () => {
    const { pipelineId, events } = history('test/alpha');
    const directory = new PipelineDirectory(db);
    expect(await directory.owner(pipelineId)).to.equal(null);
    await directory.apply(directoryRows(events)); // also clears the cached "unknown"
    expect(await directory.owner(pipelineId)).to.equal('test/alpha');
    const attempts = attemptsOf(events);
    expect(attempts).to.have.length(3); // unit, lint, unit's retry
    for (const j of ['unit', 'lint', ...attempts, attempts[0]!.toUpperCase()])
      expect(await directory.hasJob(pipelineId, j), j).to.equal(true);
    for (const j of ['Unit', 'deploy', randomUUID(), '../unit'])
      expect(await directory.hasJob(pipelineId, j), j).to.equal(false);
    // Another instance (cold cache) reads the same from Postgres.
    const other = new PipelineDirectory(db);
    expect(await other.owner(pipelineId)).to.equal('test/alpha');
    expect(await other.hasJob(pipelineId, attempts[2]!)).to.equal(true);
  });

  it('an attempt id of one pipeline is not a job of another', async () => {
    const a = history('test/alpha');
    const b = history('test/alpha');
    const directory = new PipelineDirectory(db);
    await directory.apply(directoryRows([...a.events, ...b.events]));
    expect(await directory.hasJob(b.pipelineId, attemptsOf(a.events)[0]!)).to.equal(false);
  });

  it('apply is idempotent (a replayed topic changes nothing)', async () => {
    const { events } = history('test/alpha');
    const directory = new PipelineDirectory(db);
    await directory.apply(directoryRows(events));
    const before = [await rows('ingest_pipelines'), await rows('ingest_job_attempts')];
    await directory.apply(directoryRows(events));
    await directory.apply(directoryRows([...events, ...events]));
    expect([await rows('ingest_pipelines'), await rows('ingest_job_attempts')]).to.deep.equal(before);
  });

  it('claims: the first writer wins; the same create again is a retry; anyone else — even the same project — finds it taken', async () => {
    const id = randomUUID();
    const claimants = [
      { project: 'test/alpha', report: randomUUID(), directory: new PipelineDirectory(db) },
      { project: 'test/beta', report: randomUUID(), directory: new PipelineDirectory(db) },
    ];
    const results = await Promise.all(claimants.map((c) => c.directory.claim(id, c.project, ['a'], c.report)));
    expect([...results].sort()).to.deep.equal(['claimed', 'exists']);
    const winner = claimants[results.indexOf('claimed')]!;
    const loser = claimants[results.indexOf('exists')]!;
    expect(await new PipelineDirectory(db).owner(id)).to.equal(winner.project);
    expect(await loser.directory.claim(id, winner.project, ['a'], winner.report)).to.equal('retry');
    expect(await loser.directory.claim(id, winner.project, ['a'], randomUUID())).to.equal('exists');
    expect(await winner.directory.claim(id, loser.project, ['a'], loser.report)).to.equal('exists');
  });

  it('apply never replaces the owner of a claimed pipeline, and a claim after apply finds it taken', async () => {
    const { pipelineId, events } = history('test/beta');
    const directory = new PipelineDirectory(db);
    expect(await directory.claim(pipelineId, 'test/alpha', ['x'], randomUUID())).to.equal('claimed');
    await directory.apply(directoryRows(events));
    expect(await new PipelineDirectory(db).owner(pipelineId)).to.equal('test/alpha');
    const later = history('test/beta');
    await directory.apply(directoryRows(later.events));
    expect(await directory.claim(later.pipelineId, 'test/alpha', ['x'])).to.equal('exists');
    const created = later.events.find((e) => e.type === 'PipelineCreated')!;
    expect(await directory.claim(later.pipelineId, 'test/beta', ['unit', 'lint'], created.causation_id)).to.equal(
      'retry',
    );
  });

  it("release frees a claim whose record was never written (only the claiming report's)", async () => {
    const id = randomUUID();
    const report = randomUUID();
    const directory = new PipelineDirectory(db);
    expect(await directory.claim(id, 'test/alpha', ['a'], report)).to.equal('claimed');
    await directory.release(id, randomUUID());
    expect(await directory.owner(id)).to.equal('test/alpha');
    await directory.release(id, report);
    expect(await directory.owner(id)).to.equal(null);
    expect(await new PipelineDirectory(db).owner(id)).to.equal(null);
  });

  it('"unknown" is cached for the negative TTL only: a pipeline another instance creates becomes visible', async () => {
    const id = randomUUID();
    const reader = new PipelineDirectory(db, { negativeTtlMs: 0 });
    expect(await reader.owner(id)).to.equal(null);
    await new PipelineDirectory(db).claim(id, 'test/alpha', ['a']);
    expect(await reader.owner(id)).to.equal('test/alpha');
  });

  it('the owner cache is bounded', async () => {
    const directory = new PipelineDirectory(db, { maxCached: 2 });
    const ids = [randomUUID(), randomUUID(), randomUUID()];
    for (const id of ids) await directory.claim(id, 'test/alpha', ['a']);
    await pool.query('DELETE FROM ingest_pipelines WHERE pipeline_id = ANY($1::uuid[])', [ids]);
    // The two most recent are still cached (immutable owners need no re-read); the first was evicted and is read again
    // (gone now).
    expect([
      await directory.owner(ids[2]!),
      await directory.owner(ids[1]!),
      await directory.owner(ids[0]!),
    ]).to.deep.equal(['test/alpha', 'test/alpha', null]);
  });

  it("applies thousands of rows at once (more than one statement's chunk), duplicates included", async () => {
    const owners = Array.from({ length: 2500 }, (_, i) => ({
      pipelineId: randomUUID(),
      projectId: `test/bulk-${i % 7}`,
      jobNames: ['a', 'b'],
      reportId: randomUUID(),
    }));
    const attempts = owners.flatMap((o) => [{ jobId: randomUUID(), pipelineId: o.pipelineId }]);
    const before = [await rows('ingest_pipelines'), await rows('ingest_job_attempts')];
    const directory = new PipelineDirectory(db);
    await directory.apply({ owners: [...owners, owners[0]!], attempts: [...attempts, attempts[0]!] });
    expect([await rows('ingest_pipelines'), await rows('ingest_job_attempts')]).to.deep.equal([
      before[0]! + 2500,
      before[1]! + 2500,
    ]);
    expect(await directory.owner(owners[2499]!.pipelineId)).to.equal(`test/bulk-${2499 % 7}`);
    expect(await directory.hasJob(owners[1234]!.pipelineId, attempts[1234]!.jobId)).to.equal(true);
  });
});
