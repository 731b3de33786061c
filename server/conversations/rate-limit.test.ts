import { describe, expect, it } from 'vitest';
import { RateLimiter } from './rate-limit.ts';

describe('RateLimiter', () => {
  it('allows `limit` hits in a window, refuses the next with the wait, and allows again later', () => {
    let now = 1_000_000;
    const limiter = new RateLimiter({ limit: 3, windowMs: 10_000, now: () => now });
    expect([1, 2, 3].map(() => limiter.take('v').allowed)).toEqual([true, true, true]);
    now += 4_000;
    expect(limiter.take('v')).toEqual({ allowed: false, retryAfterMs: 6_000 });
    now += 6_001;
    expect(limiter.take('v').allowed).toBe(true);
  });

  it('counts each key on its own', () => {
    const limiter = new RateLimiter({ limit: 1, windowMs: 10_000 });
    expect(limiter.take('a').allowed).toBe(true);
    expect(limiter.take('b').allowed).toBe(true);
    expect(limiter.take('a').allowed).toBe(false);
  });
});
