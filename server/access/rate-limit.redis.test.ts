import { randomUUID } from 'node:crypto';
import type { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectRedis } from '../realtime/redis.ts';
import { behavesAsASlidingWindow } from '../test/rate-limit-behaviour.ts';
import { REDIS_KEY_PREFIX, RedisRateLimit } from './rate-limit.ts';

// The limit shared through Redis needs a Redis: CI always has one, so there it never skips.
const redisUrl = process.env.REDIS_URL || null;
if (process.env.CI && redisUrl === null) {
  throw new Error('CI must set REDIS_URL: the Redis rate-limit suite cannot be skipped.');
}

describe.skipIf(redisUrl === null)('RedisRateLimit', () => {
  let redis: Redis;
  beforeAll(async () => {
    redis = await connectRedis(redisUrl ?? '');
  });
  afterAll(async () => {
    await redis?.quit();
  });

  behavesAsASlidingWindow((rule) => new RedisRateLimit(redis, rule));

  it('shares the count between limits on different connections', async () => {
    const other = await connectRedis(redisUrl ?? '');
    try {
      const rule = { name: `test-${randomUUID()}`, limit: 2, windowMs: 10_000 };
      const [one, two] = [new RedisRateLimit(redis, rule), new RedisRateLimit(other, rule)];
      expect((await one.take('k')).allowed).toBe(true);
      expect((await two.take('k')).allowed).toBe(true);
      expect((await one.take('k')).allowed).toBe(false);
      expect((await two.take('k')).allowed).toBe(false);
    } finally {
      await other.quit();
    }
  });

  it('stores the key only as a SHA-256 digest, under its rule, expiring with the window', async () => {
    const name = `test-${randomUUID()}`;
    const email = `jane.${randomUUID()}@example.com`;
    await new RedisRateLimit(redis, { name, limit: 5, windowMs: 10_000 }).take(email);
    const keys = await redis.keys(`${REDIS_KEY_PREFIX}${name}:*`);
    expect(keys).toHaveLength(1);
    expect(keys[0]).toMatch(new RegExp(`^sonny:rate:${name}:[0-9a-f]{64}$`));
    expect(keys[0]).not.toContain(email);
    const ttl = await redis.pttl(keys[0] ?? '');
    expect(ttl).toBeGreaterThan(0);
    expect(ttl).toBeLessThanOrEqual(10_000);
  });
});
