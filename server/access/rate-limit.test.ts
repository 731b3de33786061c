import { Redis } from 'ioredis';
import { describe, expect, it, vi } from 'vitest';
import { behavesAsASlidingWindow } from '../test/rate-limit-behaviour.ts';
import {
  ABUSE_LIMIT_DEFAULTS,
  createRateLimits,
  enforceRateLimit,
  MemoryRateLimit,
  RedisRateLimit,
  VISITOR_MESSAGE_RATE,
} from './rate-limit.ts';

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

describe('createRateLimits with an unreachable Redis', () => {
  it('counts in this process instead of refusing everyone, and logs the outage once', async () => {
    const unreachable = new Redis('redis://127.0.0.1:1', {
      lazyConnect: true,
      enableOfflineQueue: false,
      maxRetriesPerRequest: 0,
      retryStrategy: () => null,
    });
    const warn = vi.fn<(line: string) => void>();
    try {
      const limits = createRateLimits(unreachable, {
        abuse: ABUSE_LIMIT_DEFAULTS,
        keySecret: null,
        warn,
      });
      for (let attempt = 0; attempt < VISITOR_MESSAGE_RATE.limit; attempt++) {
        await enforceRateLimit(limits.visitorMessages, 'visitor', 'Too many.');
      }
      await expect(
        enforceRateLimit(limits.visitorMessages, 'visitor', 'Too many.'),
      ).rejects.toHaveProperty('code', 'RATE_LIMITED');
      await enforceRateLimit(limits.loginAttempts, 'ann@example.com', 'Too many.');
      expect(limits.fallback).toMatchObject({
        active: true,
        outages: 1,
        localAttempts: VISITOR_MESSAGE_RATE.limit + 2,
      });
      expect(warn).toHaveBeenCalledTimes(1);
      expect(String(warn.mock.calls[0]?.[0])).toContain('each instance counts on its own');
    } finally {
      unreachable.disconnect();
    }
  });
});
