// Bounded decider memory: a finished pipeline idle past DECIDER_FINISHED_RETENTION_MS is archived
// (dropped from memory, tombstoned in the changelog); a later report for it is rejected.
import { expect } from 'chai';
import { randomUUID } from 'node:crypto';
import { api, startDeciderForTest, startIngestForTest, TOKENS } from '../support/services.js';

describe('decider retention of finished pipelines (real Kafka)', function () {
  this.timeout(120_000);

  it('archives a finished pipeline after the retention; a later retry of it is rejected as unknown', async () => {
    const decider = await startDeciderForTest({ DECIDER_FINISHED_RETENTION_MS: '0' });
    const ingest = await startIngestForTest();
    try {
      const id = randomUUID();
      const def = { stages: ['s'], jobs: [{ name: 'j', stage: 's' }] };
      const wait = (path: string, body: unknown) =>
        api(ingest.url, 'POST', `${path}?wait=20000`, body, { token: TOKENS.alpha });
      expect(
        (
          await wait('/v1/pipelines', {
            pipeline_id: id,
            project_id: 'test/alpha',
            ref: 'main',
            sha: 'aa11bb22',
            definition: def,
          })
        ).status,
      ).to.equal(200);
      expect(
        (
          await wait(`/v1/pipelines/${id}/jobs/j/reports`, {
            project_id: 'test/alpha',
            status: 'running',
            runner_id: 'r',
          })
        ).status,
      ).to.equal(200);
      const done = await wait(`/v1/pipelines/${id}/jobs/j/reports`, { project_id: 'test/alpha', status: 'success' });
      expect(done.body.events.map((e: { type: string }) => e.type)).to.include('PipelineFinished');

      // Traffic on every partition makes the decider look at what expired.
      const others = Array.from({ length: 120 }, () => randomUUID());
      const lines = others.map((o) =>
        JSON.stringify({
          op: 'create_pipeline',
          pipeline_id: o,
          project_id: 'test/alpha',
          ref: 'main',
          sha: 'aa11bb22',
          definition: def,
        }),
      );
      expect(
        (await api(ingest.url, 'POST', '/v1/reports:bulk', undefined, { raw: lines.join('\n'), token: TOKENS.alpha }))
          .status,
      ).to.equal(200);
      const deadline = Date.now() + 30_000;
      while (decider.decider.stats.archived < 1 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
      expect(decider.decider.stats.archived).to.be.greaterThan(0);

      const retry = await wait(`/v1/pipelines/${id}/jobs/j/retry`, { project_id: 'test/alpha' });
      expect(retry.status).to.equal(422);
      expect(retry.body.code).to.equal('unknown_pipeline');
    } finally {
      await ingest.stop();
      await decider.stop();
    }
  });
});
