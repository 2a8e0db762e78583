import { describe, expect, it } from 'vitest';
import { FailureLimiter } from './failure-limiter.js';
import { addressBucket } from './network-address.js';

/** Blocks heard from other nodes (several nodes share failures; see docs/security.md). */
describe('FailureLimiter.blockUntil', () => {
  it('blocks a bucket until the given time, IPv6 peers per /64, then lets it try again', () => {
    let now = 1_000_000;
    const limiter = new FailureLimiter({ maxFailures: 3, windowMs: 60_000, now: () => now });
    limiter.blockUntil(addressBucket('10.0.0.7'), now + 30_000);
    limiter.blockUntil(addressBucket('fd00:1:2:3::9'), now + 30_000);
    expect(limiter.retryAfterSeconds('10.0.0.7')).toBe(30);
    expect(limiter.retryAfterSeconds('fd00:1:2:3::77')).toBe(30);
    expect(limiter.retryAfterSeconds('10.0.0.8')).toBe(0);
    now += 30_000;
    expect(limiter.retryAfterSeconds('10.0.0.7')).toBe(0);
  });

  it('keeps a longer block already in place, and ignores a time already past', () => {
    let now = 1_000_000;
    const limiter = new FailureLimiter({ maxFailures: 2, windowMs: 60_000, now: () => now });
    limiter.fail('10.0.0.7');
    limiter.fail('10.0.0.7'); // blocked here for the whole minute
    limiter.blockUntil('10.0.0.7', now + 5_000);
    expect(limiter.retryAfterSeconds('10.0.0.7')).toBe(60);
    limiter.blockUntil('10.0.0.9', now - 1);
    expect(limiter.retryAfterSeconds('10.0.0.9')).toBe(0);
    expect(limiter.tracked).toBe(1);
    // A failure after a heard block does not shorten it.
    limiter.blockUntil('10.0.0.9', now + 20_000);
    limiter.fail('10.0.0.9');
    now += 10_000;
    expect(limiter.retryAfterSeconds('10.0.0.9')).toBe(10);
  });
});
