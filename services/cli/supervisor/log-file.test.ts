import { expect } from 'chai';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { RotatingLog, rotationPlan } from './log-file.js';

describe('supervisor log files', () => {
  const rows: [number, { drop?: string; renames: [string, string][] }][] = [
    [0, { drop: 'x.log', renames: [] }],
    [1, { drop: 'x.log.1', renames: [['x.log', 'x.log.1']] }],
    [3, { drop: 'x.log.3', renames: [['x.log.2', 'x.log.3'], ['x.log.1', 'x.log.2'], ['x.log', 'x.log.1']] }],
  ];
  for (const [keep, plan] of rows) it(`rotation keeping ${keep}`, () => expect(rotationPlan('x.log', keep)).to.deep.equal(plan));

  it('rotates before a write would pass the size, keeps `keep` old files, newest first', () => {
    const dir = mkdtempSync(join(tmpdir(), 'verity-log-'));
    try {
      const path = join(dir, 'logs', 'ingest.log');
      const log = new RotatingLog(path, 100, 2);
      for (let i = 0; i < 10; i++) log.write(`${String(i).repeat(39)}\n`); // 40 bytes each: two per file
      log.close();
      expect(readdirSync(join(dir, 'logs')).sort()).to.deep.equal(['ingest.log', 'ingest.log.1', 'ingest.log.2']);
      for (const f of ['ingest.log', 'ingest.log.1', 'ingest.log.2']) expect(statSync(join(dir, 'logs', f)).size).to.be.at.most(100);
      expect(readFileSync(path, 'utf8')).to.equal(`${'8'.repeat(39)}\n${'9'.repeat(39)}\n`);
      expect(readFileSync(`${path}.1`, 'utf8').startsWith('6')).to.equal(true);
      expect(readFileSync(`${path}.2`, 'utf8').startsWith('4')).to.equal(true);
      // A reopened log appends, and counts what the file already holds.
      const again = new RotatingLog(path, 100, 2);
      again.note('error', 'giving up', { code: 1 });
      again.close();
      expect(JSON.parse(readFileSync(path, 'utf8').trim())).to.include({ level: 50, msg: 'giving up', code: 1, service: 'supervisor' });
      expect(readFileSync(`${path}.1`, 'utf8').startsWith('8')).to.equal(true);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
