import { expect } from 'chai';
import { closeSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { RotatingLog, rotationPlan } from './log-file.js';

describe('supervisor log files', () => {
  const rows: [number, ReturnType<typeof rotationPlan>][] = [
    [0, { renames: [] }],
    [1, { drop: 'x.log.1', renames: [], copyTo: 'x.log.1' }],
    [
      3,
      {
        drop: 'x.log.3',
        renames: [
          ['x.log.2', 'x.log.3'],
          ['x.log.1', 'x.log.2'],
        ],
        copyTo: 'x.log.1',
      },
    ],
  ];
  for (const [keep, plan] of rows)
    it(`rotation keeping ${keep}`, () => expect(rotationPlan('x.log', keep)).to.deep.equal(plan));

  it('a child writes its own descriptor; past the size the file is copied to .1 and cut, the child goes on at the new end', () => {
    const dir = mkdtempSync(join(tmpdir(), 'verity-log-'));
    try {
      const path = join(dir, 'logs', 'ingest.log');
      const log = new RotatingLog(path, 100, 2);
      const child = log.openForChild(); // what the child's stdout/stderr are
      const line = (i: number) => `${String(i).repeat(39)}\n`; // 40 bytes
      const rotations: boolean[] = [];
      for (let i = 0; i < 10; i++) {
        writeSync(child, line(i));
        rotations.push(log.rotateIfNeeded());
      }
      // 40, 80, 120 → rotate; 40, 80, 120 → rotate; …
      expect(rotations).to.deep.equal([false, false, true, false, false, true, false, false, true, false]);
      expect(readdirSync(join(dir, 'logs')).sort()).to.deep.equal(['ingest.log', 'ingest.log.1', 'ingest.log.2']);
      expect(readFileSync(path, 'utf8')).to.equal(line(9)); // no hole: O_APPEND writes at the new end
      expect(readFileSync(`${path}.1`, 'utf8')).to.equal(line(6) + line(7) + line(8));
      expect(readFileSync(`${path}.2`, 'utf8')).to.equal(line(3) + line(4) + line(5));
      log.note('error', 'giving up', { code: 1 });
      expect(JSON.parse(readFileSync(path, 'utf8').split('\n')[1]!)).to.include({
        level: 50,
        msg: 'giving up',
        code: 1,
        service: 'supervisor',
      });
      expect(log.tail(20)).to.equal(readFileSync(path, 'utf8').slice(-20));
      closeSync(child);
      log.close();
      log.note('info', 'after the stop'); // dropped, not a crash
      expect(log.rotateIfNeeded()).to.equal(false);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('keep 0: the file is only cut', () => {
    const dir = mkdtempSync(join(tmpdir(), 'verity-log-'));
    try {
      const path = join(dir, 'scorer.log');
      const log = new RotatingLog(path, 10, 0);
      const child = log.openForChild();
      writeSync(child, 'x'.repeat(11));
      expect(log.rotateIfNeeded()).to.equal(true);
      writeSync(child, 'y');
      expect(readdirSync(dir)).to.deep.equal(['scorer.log']);
      expect(readFileSync(path, 'utf8')).to.equal('y');
      closeSync(child);
      log.close();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
