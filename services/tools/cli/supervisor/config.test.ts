import { expect } from 'chai';
import { join } from 'node:path';
import { ConfigError } from '../../../lib/platform/config/index.js';
import { loadSupervisorConfig } from './config.js';

describe('supervisor config', () => {
  it('has documented defaults', () => {
    const c = loadSupervisorConfig({ VERITY_DATA_DIR: '/srv/verity' });
    expect(c.port).to.equal(8089);
    expect(c.policy).to.deep.equal({
      baseMs: 1000,
      maxMs: 30_000,
      jitter: 0.2,
      stableMs: 30_000,
      maxFastCrashes: 5,
      windowMs: 120_000,
    });
    expect(c.logDir).to.equal(join('/srv/verity', 'verity', 'logs'));
    expect([c.logMaxBytes, c.logFiles, c.stopTimeoutMs, c.hurryTimeoutMs, c.readyTimeoutMs]).to.deep.equal([
      10 * 1024 * 1024,
      3,
      40_000,
      5000,
      2000,
    ]);
  });

  it('reads every VERITY_SUPERVISOR_* variable', () => {
    const c = loadSupervisorConfig({
      VERITY_SUPERVISOR_PORT: '0',
      VERITY_SUPERVISOR_BACKOFF_BASE_MS: '50',
      VERITY_SUPERVISOR_BACKOFF_MAX_MS: '400',
      VERITY_SUPERVISOR_BACKOFF_JITTER_PCT: '0',
      VERITY_SUPERVISOR_STABLE_MS: '2000',
      VERITY_SUPERVISOR_MAX_CRASHES: '2',
      VERITY_SUPERVISOR_CRASH_WINDOW_MS: '9000',
      VERITY_SUPERVISOR_LOG_DIR: '/tmp/x',
      VERITY_SUPERVISOR_LOG_MAX_BYTES: '4096',
      VERITY_SUPERVISOR_LOG_FILES: '0',
      VERITY_SUPERVISOR_STOP_TIMEOUT_MS: '3000',
      VERITY_SUPERVISOR_HURRY_TIMEOUT_MS: '9000',
      VERITY_SUPERVISOR_READY_TIMEOUT_MS: '100',
    });
    expect(c.port).to.equal(0);
    expect(c.policy).to.deep.equal({
      baseMs: 50,
      maxMs: 400,
      jitter: 0,
      stableMs: 2000,
      maxFastCrashes: 2,
      windowMs: 9000,
    });
    expect([c.logDir, c.logMaxBytes, c.logFiles, c.stopTimeoutMs, c.hurryTimeoutMs, c.readyTimeoutMs]).to.deep.equal([
      '/tmp/x',
      4096,
      0,
      3000,
      3000,
      100,
    ]);
  });

  const bad: [string, string][] = [
    ['VERITY_SUPERVISOR_PORT', '65536'],
    ['VERITY_SUPERVISOR_MAX_CRASHES', '0'],
    ['VERITY_SUPERVISOR_BACKOFF_JITTER_PCT', '101'],
    ['VERITY_SUPERVISOR_BACKOFF_BASE_MS', 'soon'],
    ['VERITY_SUPERVISOR_LOG_MAX_BYTES', '10'],
    ['VERITY_SUPERVISOR_BACKOFF_MAX_MS', '10'],
  ];
  for (const [name, value] of bad) {
    it(`refuses ${name}=${JSON.stringify(value)} with the variable's name`, () => {
      expect(() => loadSupervisorConfig({ [name]: value })).to.throw(ConfigError, name);
    });
  }
});
