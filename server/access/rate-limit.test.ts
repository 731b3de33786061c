import { Redis } from 'ioredis';
import { describe, expect, it } from 'vitest';
import { behavesAsASlidingWindow } from '../test/rate-limit-behaviour.ts';
import { enforceRateLimit, MemoryRateLimit, RedisRateLimit } from './rate-limit.ts';

describe('MemoryRateLimit', () => {
  behavesAsASlidingWindow((rule) => new MemoryRateLimit(rule));

  it('says exactly how long until the oldest attempt leaves the window', async () => {
    let now = 1_000_000;
    const limit = new MemoryRateLimit({ limit: 3, windowMs: 10_000 }, () => now);
    for (let attempt = 0; attempt < 3; attempt++) await limit.take('v');
    now += 4_000;
    expect(await limit.take('v')).toEqual({ allowed: false, retryAfterMs: 6_000 });
    now += 6_001;
    expect((await limit.take('v')).allowed).toBe(true);
  });
});

describe('RedisRateLimit without Redis', () => {
  it('rejects rather than allowing: a limit that cannot count refuses', async () => {
    // Nothing listens on port 1; no retries, no queue: the command fails at once.
    const unreachable = new Redis('redis://127.0.0.1:1', {
      lazyConnect: true,
      enableOfflineQueue: false,
      maxRetriesPerRequest: 0,
      retryStrategy: () => null,
    });
    try {
      const limit = new RedisRateLimit(unreachable, { name: 'test', limit: 5, windowMs: 1000 });
      await expect(enforceRateLimit(limit, 'k', 'Too many.')).rejects.not.toHaveProperty(
        'code',
        'RATE_LIMITED',
      );
    } finally {
      unreachable.disconnect();
    }
  });
});
