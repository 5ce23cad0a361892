import { expect } from 'chai';
import { CircuitBreaker } from './circuit-breaker.js';

describe('remediator: circuit breaker', () => {
  let now: number;
  let breaker: CircuitBreaker;
  const fail = (n: number) => {
    for (let i = 0; i < n; i++) breaker.onFailure();
  };

  beforeEach(() => {
    now = 1_000_000;
    breaker = new CircuitBreaker({ failureThreshold: 3, cooldownMs: 60_000 }, () => now);
  });

  it('stays closed below the threshold; a success restarts the count', () => {
    fail(2);
    breaker.onSuccess();
    fail(2);
    expect(breaker.state()).to.equal('closed');
    expect(breaker.tryAcquire()).to.equal(true);
  });

  it('opens after N consecutive failures and refuses calls during the cool-down', () => {
    fail(3);
    expect(breaker.state()).to.equal('open');
    expect(breaker.tryAcquire()).to.equal(false);
    now += 59_999;
    expect(breaker.tryAcquire()).to.equal(false);
  });

  it('lets exactly one probe through when half-open; its success closes the circuit', () => {
    fail(3);
    now += 60_000;
    expect(breaker.state()).to.equal('half_open');
    expect(breaker.tryAcquire()).to.equal(true);
    expect(breaker.tryAcquire()).to.equal(false);
    breaker.onSuccess();
    expect(breaker.state()).to.equal('closed');
    expect(breaker.tryAcquire()).to.equal(true);
  });

  it('a failed probe opens the circuit for another cool-down', () => {
    fail(3);
    now += 60_000;
    expect(breaker.tryAcquire()).to.equal(true);
    breaker.onFailure();
    expect(breaker.state()).to.equal('open');
    now += 59_999;
    expect(breaker.tryAcquire()).to.equal(false);
    now += 1;
    expect(breaker.tryAcquire()).to.equal(true);
  });

  it('a probe that never reports is replaced after a cool-down', () => {
    fail(3);
    now += 60_000;
    expect(breaker.tryAcquire()).to.equal(true);
    now += 59_999;
    expect(breaker.tryAcquire()).to.equal(false);
    now += 1;
    expect(breaker.tryAcquire()).to.equal(true);
  });
});
