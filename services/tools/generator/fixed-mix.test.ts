import { expect } from 'chai';
import { fixedMix } from './fixed-mix.js';

describe('generator: the benchmarks fixed mix', () => {
  const { records, lines } = fixedMix(10, 7);

  it('given 10 pipelines, then 10 creates and, per job of three, a running and a final report', () => {
    expect(records.filter((r) => r.type === 'CreatePipeline')).to.have.length(10);
    const reports = records.filter((r) => r.type === 'ReportJob');
    expect(reports).to.have.length(60);
    expect(reports.filter((r) => 'status' in r && r.status === 'running')).to.have.length(30);
  });

  it('one job in five pipelines fails, with a 4 KiB excerpt', () => {
    const failed = records.filter((r) => r.type === 'ReportJob' && r.status === 'failed');
    expect(failed).to.have.length(2);
    for (const f of failed) expect(f.type === 'ReportJob' && f.log_excerpt?.length).to.equal(4096);
  });

  it('the records and the bulk lines are the same traffic, and a seed gives the same traffic again', () => {
    const ids = (xs: { pipeline_id: string }[]) => [...new Set(xs.map((x) => x.pipeline_id))];
    expect(ids(lines.map((l) => JSON.parse(l) as { pipeline_id: string }))).to.deep.equal(ids(records));
    expect(lines).to.have.length(records.length);
    expect(fixedMix(10, 7)).to.deep.equal({ records, lines });
    expect(fixedMix(10, 8).records[0]!.pipeline_id).to.not.equal(records[0]!.pipeline_id);
  });
});
